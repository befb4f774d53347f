import { describe, expect, it } from 'vitest';
import { baseName, joinPath, parentPath, validatePath } from '../../../node-core/tree/pathValidation.js';

describe('validatePath', () => {
  it('accepts valid paths', () => {
    for (const path of ['/', '/a', '/a/b', '/a.b', '/..a', '/a..', '/...', '/a/.b', '/zookeeper', '/ü', '/a b']) {
      expect(validatePath(path), path).toBeNull();
    }
  });

  it('gives ZooKeeper\'s messages', () => {
    const cases: [string, string][] = [
      ['', 'Path length must be > 0'],
      ['a', 'Path must start with / character'],
      ['/a/', 'Path must not end with / character'],
      ['//a', 'Invalid path string "//a" caused by empty node name specified @1'],
      ['/a//b', 'Invalid path string "/a//b" caused by empty node name specified @3'],
      ['/a/./b', 'Invalid path string "/a/./b" caused by relative paths not allowed @3'],
      ['/a/.', 'Invalid path string "/a/." caused by relative paths not allowed @3'],
      ['/a/../b', 'Invalid path string "/a/../b" caused by relative paths not allowed @4'],
      ['/..', 'Invalid path string "/.." caused by relative paths not allowed @2'],
      ['/a\u0000b', 'Invalid path string "/a\u0000b" caused by null character not allowed @2'],
      ['/ab\u0001', 'Invalid path string "/ab\u0001" caused by invalid character @3'],
      ['/abc\u007f', 'Invalid path string "/abc\u007f" caused by invalid character @4'],
      ['/\u009f', 'Invalid path string "/\u009f" caused by invalid character @1'],
      ['/x\ud83d\ude00', 'Invalid path string "/x\ud83d\ude00" caused by invalid character @2'],
      ['/\uf8ff', 'Invalid path string "/\uf8ff" caused by invalid character @1'],
      ['/\ufff0', 'Invalid path string "/\ufff0" caused by invalid character @1'],
    ];
    for (const [path, message] of cases) expect(validatePath(path), JSON.stringify(path)).toBe(message);
  });

  it('checks a sequential path with the suffix the server will add', () => {
    expect(validatePath('/a/', true)).toBeNull();
    expect(validatePath('/a/', false)).toBe('Path must not end with / character');
    expect(validatePath('/a//', true)).toBe('Invalid path string "/a//1" caused by empty node name specified @3');
    expect(validatePath('', true)).toBe('Path must start with / character');
  });
});

describe('path arithmetic', () => {
  it('splits and joins', () => {
    expect(parentPath('/a/b/c')).toBe('/a/b');
    expect(parentPath('/a')).toBe('/');
    expect(baseName('/a/b')).toBe('b');
    expect(baseName('/a')).toBe('a');
    expect(joinPath('/', 'a')).toBe('/a');
    expect(joinPath('/a', 'b')).toBe('/a/b');
  });
});

// Data format detection decides which editor the GUI opens; these are the cases users meet most.
import { describe, expect, it } from 'vitest';
import { detectDataFormat } from '../../../node-core/api/dataFormat.js';

const text = (s: string) => Buffer.from(s, 'utf8');

describe('detectDataFormat', () => {
  it.each([
    [null, 'text'],
    [Buffer.alloc(0), 'text'],
    [text('hello world'), 'text'],
    [text('127.0.0.1:2181'), 'text'],
    [text('{"a": 1, "b": [true]}'), 'json'],
    [text('[1,2,3]'), 'json'],
    [text('{not json}'), 'text'],
    [text('<?xml version="1.0"?><a/>'), 'xml'],
    [text('<config><x>1</x></config>'), 'xml'],
    [text('a: 1\nb:\n  - x\n  - y\n'), 'yaml'],
    [text('---\nkey: value'), 'yaml'],
    [text('key: value'), 'text'],
    [Buffer.from([0, 1, 2, 255]), 'binary'],
    [Buffer.from([0xc3, 0x28]), 'binary'],
    [text('héllo ünïcode'), 'text'],
  ] as const)('%s -> %s', (data, expected) => {
    expect(detectDataFormat(data)).toBe(expected);
  });
});

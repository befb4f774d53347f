// The console's command-line splitting, read-only refusal and zkCli date format.
import { describe, expect, it } from 'vitest';
import { refuseConsoleWrite, splitCommandLine } from '../../../node-core/api/consoleBackend.js';
import { formatJavaDate } from '../../../node-core/protocol/javaText.js';
import { ApiFailure } from '../../../node-core/api/apiError.js';

describe('console helpers', () => {
  it('splits quoted words as zkCli does', () => {
    expect(splitCommandLine(`create /a "hello world" 'x y'`)).toEqual(['create', '/a', 'hello world', 'x y']);
    expect(splitCommandLine('   ls   -s  /  ')).toEqual(['ls', '-s', '/']);
  });

  it('refuses write commands only for read-only profiles', () => {
    expect(() => refuseConsoleWrite('set /a b', true)).toThrow(ApiFailure);
    expect(() => refuseConsoleWrite('deleteall /a', true)).toThrow(ApiFailure);
    expect(() => refuseConsoleWrite('ls /', true)).not.toThrow();
    expect(() => refuseConsoleWrite('set /a b', false)).not.toThrow();
  });

  it('prints dates like java.util.Date in UTC', () => {
    expect(formatJavaDate(0, 'UTC')).toBe('Thu Jan 01 00:00:00 UTC 1970');
  });
});

// zkCli's line splitting (ZooKeeperMain.ARGS_PATTERN) and commons-cli DefaultParser behaviour, as zkCli 3.8 shows them.
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../node-core/shell/cliErrors.js';
import { parseJavaInt, parseJavaLong, parseOptions, tokenizeCommandLine } from '../../../node-core/shell/commandLine.js';

describe('tokenizeCommandLine', () => {
  it('splits on whitespace and strips one pair of surrounding quotes', () => {
    expect(tokenizeCommandLine('create /a "hello world"')).toEqual(['create', '/a', 'hello world']);
    expect(tokenizeCommandLine("set /a 'single q'")).toEqual(['set', '/a', 'single q']);
    expect(tokenizeCommandLine('create /app/empty ""')).toEqual(['create', '/app/empty', '']);
    expect(tokenizeCommandLine('  ls\t/  ')).toEqual(['ls', '/']);
  });

  it('keeps quotes inside a word and skips an unterminated opening quote, like the Java regex', () => {
    expect(tokenizeCommandLine('set /a x"y z"')).toEqual(['set', '/a', 'x"y', 'z"']);
    expect(tokenizeCommandLine('create /q3 "unterminated')).toEqual(['create', '/q3', 'unterminated']);
  });

  it('turns a blank line into one blank token, as zkCli does', () => {
    expect(tokenizeCommandLine('  ')).toEqual([' ']);
  });
});

describe('parseOptions', () => {
  const set = { s: false, v: true };

  it('accepts options anywhere among the arguments', () => {
    const parsed = parseOptions(set, ['set', '/a', '-v', '3', 'data', '-s']);
    expect(parsed.args).toEqual(['set', '/a', 'data']);
    expect(parsed.options.get('v')).toBe('3');
    expect(parsed.options.has('s')).toBe(true);
  });

  it('bundles flags and attaches values (-sv5, -v=5) and takes negative numbers as values', () => {
    expect(parseOptions(set, ['set', '-sv5', '/a', 'x']).options).toEqual(new Map([['s', ''], ['v', '5']]));
    expect(parseOptions(set, ['set', '-v=7', '/a', 'x']).options.get('v')).toBe('7');
    expect(parseOptions(set, ['set', '-v', '-1', '/a', 'x']).options.get('v')).toBe('-1');
  });

  it('stops at -- and treats a lone - as an argument', () => {
    expect(parseOptions(set, ['set', '--', '-s', '-']).args).toEqual(['set', '-s', '-']);
    expect(parseOptions(set, ['set', '-', 'x']).args).toEqual(['set', '-', 'x']);
  });

  it("fails with commons-cli's messages", () => {
    const message = (tokens: string[]) => {
      try {
        parseOptions(set, tokens);
      } catch (error) {
        expect(error).toBeInstanceOf(CliError);
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(message(['set', '-x'])).toBe('org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -x');
    expect(message(['set', '-sx'])).toBe('org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -sx');
    expect(message(['set', '--long'])).toBe('org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: --long');
    expect(message(['set', '/a', '-5'])).toBe('org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -5');
    expect(message(['set', '-v'])).toBe('org.apache.commons.cli.MissingArgumentException: Missing argument for option: v');
    expect(message(['set', '-v', '-s'])).toBe('org.apache.commons.cli.MissingArgumentException: Missing argument for option: v');
  });
});

describe('parseJavaInt / parseJavaLong', () => {
  it('accept what Integer.parseInt and Long.parseLong accept', () => {
    expect(parseJavaInt('42')).toBe(42);
    expect(parseJavaInt('+7')).toBe(7);
    expect(parseJavaInt('-2147483648')).toBe(-2147483648);
    expect(parseJavaInt('2147483648')).toBeUndefined();
    expect(parseJavaInt('1.0')).toBeUndefined();
    expect(parseJavaInt(' 1')).toBeUndefined();
    expect(parseJavaLong('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseJavaLong('9223372036854775808')).toBeUndefined();
    expect(parseJavaLong('abc')).toBeUndefined();
  });
});

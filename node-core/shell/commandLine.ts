// Splits and parses zkCli command lines exactly as ZooKeeperMain and Apache commons-cli's DefaultParser do, so the
// same line means the same thing (and fails with the same words) in `paddock cli` as in zkCli.sh.
import { CliError } from './cliErrors.js';

// ZooKeeperMain.ARGS_PATTERN: a bare word, or a double- or single-quoted string. Java's \s and \S are ASCII-only.
const ARGS_PATTERN = /[ \t\n\x0B\f\r]*([^"'][^ \t\n\x0B\f\r]*|"[^"]*"|'[^']*')[ \t\n\x0B\f\r]*/g;
const QUOTED_PATTERN = /^(['"])(.*)\1$/;

/** The tokens of one input line; surrounding quotes are removed, nothing else is unescaped. */
export function tokenizeCommandLine(line: string): string[] {
  const tokens: string[] = [];
  ARGS_PATTERN.lastIndex = 0;
  for (let m = ARGS_PATTERN.exec(line); m !== null; m = ARGS_PATTERN.exec(line)) {
    let value = m[1]!;
    if (QUOTED_PATTERN.test(value)) value = value.slice(1, -1);
    tokens.push(value);
    // a zero-length match cannot happen (group 1 is never empty), so lastIndex always advances
  }
  return tokens;
}

/** Short option letters a command accepts, each saying whether it takes a value. */
export type OptionSpec = Readonly<Record<string, boolean>>;

export interface ParsedArgs {
  /** Option letter -> its first value ('' for flags). */
  options: Map<string, string>;
  /** Non-option tokens, the command name first. */
  args: string[];
}

function isNumber(token: string): boolean {
  // Double.parseDouble: what DefaultParser accepts as a negative number rather than an option
  return /^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)$/.test(token.trim());
}

/**
 * commons-cli 1.5 DefaultParser over short options only: options may come anywhere, `-sw` bundles flags, `-v5` and
 * `-v=5` attach a value, `--` ends option parsing. Errors carry commons-cli's exception text, as zkCli prints them.
 */
export function parseOptions(spec: OptionSpec, tokens: readonly string[]): ParsedArgs {
  const options = new Map<string, string>();
  const args: string[] = [];
  let pending: string | undefined;
  let skipParsing = false;

  const has = (letter: string) => Object.prototype.hasOwnProperty.call(spec, letter);
  const isShortOption = (token: string) => {
    if (!token.startsWith('-') || token.length === 1) return false;
    const eq = token.indexOf('=');
    const name = eq === -1 ? token.slice(1) : token.slice(1, eq);
    return has(name) || (name.length > 0 && has(name[0]!));
  };
  const unrecognized = (token: string): never => {
    throw new CliError(`org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: ${token}`);
  };
  const checkPending = () => {
    if (pending !== undefined) {
      throw new CliError(`org.apache.commons.cli.MissingArgumentException: Missing argument for option: ${pending}`);
    }
  };
  const addOption = (letter: string, value?: string) => {
    checkPending();
    if (!options.has(letter)) options.set(letter, '');
    if (spec[letter]) {
      if (value !== undefined) setValue(letter, value);
      else pending = letter;
    }
  };
  const setValue = (letter: string, value: string) => {
    // the first value is the one getOptionValue returns; repeating an option keeps it
    if (options.get(letter) === '' || !options.has(letter)) options.set(letter, value);
    pending = undefined;
  };

  for (const token of tokens) {
    if (skipParsing) {
      args.push(token);
    } else if (token === '--') {
      skipParsing = true;
    } else if (pending !== undefined && (!isShortOption(token) || isNumber(token))) {
      setValue(pending, token);
    } else if (token.startsWith('--')) {
      unrecognized(token);
    } else if (token.startsWith('-') && token !== '-') {
      const body = token.slice(1);
      const eq = body.indexOf('=');
      if (body.length === 1) {
        if (!has(body)) unrecognized(token);
        addOption(body);
      } else if (eq === -1) {
        // -S1S2S3 or -SV: flags bundle until one takes the rest of the token as its value
        for (let i = 0; i < body.length; i++) {
          const letter = body[i]!;
          if (!has(letter)) unrecognized(token);
          addOption(letter);
          if (pending !== undefined && i + 1 < body.length) {
            setValue(letter, body.slice(i + 1));
            break;
          }
        }
      } else {
        const name = body.slice(0, eq);
        if (name.length !== 1 || !spec[name]) unrecognized(token);
        addOption(name, body.slice(eq + 1));
      }
    } else {
      args.push(token);
    }
  }
  checkPending();
  return { options, args };
}

/** Integer.parseInt, or undefined where Java would throw NumberFormatException. */
export function parseJavaInt(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= -0x80000000 && value <= 0x7fffffff ? value : undefined;
}

/** Long.parseLong, or undefined where Java would throw NumberFormatException. */
export function parseJavaLong(text: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value >= -(1n << 63n) && value < 1n << 63n ? value : undefined;
}

// The toolkit zkCli's commands share: what a command may touch (CommandContext), the command shape, and the helpers
// for paths, options, KeeperError wording, stat printing and subtree walks.
import type { Watcher, ZkClient } from '../client/index.js';
import { ErrorCode, KeeperError, formatStatLines } from '../protocol/index.js';
import { CliError, wrapKeeperError } from './cliErrors.js';
import { parseJavaInt, parseOptions, type OptionSpec, type ParsedArgs } from './commandLine.js';
import { validateJavaPath } from './javaPath.js';

/** What a command may touch: the session, the two output streams and the watcher that prints events. */
export interface CommandContext {
  client: ZkClient;
  /** println on stdout. */
  out(line: string): void;
  /** print on stdout without a newline (setAcl -R reports failures this way). */
  outRaw(text: string): void;
  /** println on stderr. */
  err(line: string): void;
  /** The session's default watcher: `-w` registers it, and it prints what fires. */
  watcher: Watcher;
  /** Resolves when the session is up (or waiting for it is pointless); call before the first request. */
  ready(): Promise<void>;
  timeZone?: string;
}

export interface ZkCliCommand {
  name: string;
  /** zkCli's option string, shown by usage(). */
  options: string;
  run(ctx: CommandContext, tokens: string[]): Promise<void>;
}

export function usageOf(command: ZkCliCommand): string {
  return `${command.name} ${command.options}`;
}

export function checkedPath(path: string, sequential = false): string {
  try {
    validateJavaPath(path, sequential);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  return path;
}

/** Runs one client call; a KeeperError becomes zkCli's wording, naming the command's path when the error has none. */
export async function keeper<T>(ctx: CommandContext, call: () => Promise<T>, path?: string): Promise<T> {
  await ctx.ready();
  try {
    return await call();
  } catch (error) {
    if (error instanceof KeeperError) throw wrapKeeperError(error, path);
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}

export function parse(spec: OptionSpec, tokens: string[]): ParsedArgs {
  return parseOptions(spec, tokens);
}

/**
 * get/stat/ls accept the 3.4 form "cmd path watch": zkCli overwrites the third token with "-w" and parses again,
 * whatever that token was.
 */
export function legacyWatchForm(spec: OptionSpec, tokens: string[], parsed: ParsedArgs, ctx: CommandContext, notice: string): ParsedArgs {
  if (parsed.args.length <= 2) return parsed;
  ctx.err(notice);
  const rewritten = [...tokens];
  rewritten[2] = '-w';
  return parse(spec, rewritten);
}

export function versionOption(parsed: ParsedArgs): number {
  const text = parsed.options.get('v');
  if (text === undefined) return -1;
  const version = parseJavaInt(text);
  // zkCli dies with a NumberFormatException stack trace here; a message is kinder
  if (version === undefined) throw new CliError(`-v argument must be an int value: For input string: "${text}"`);
  return version;
}

export function printStat(ctx: CommandContext, stat: Parameters<typeof formatStatLines>[0]): void {
  for (const line of formatStatLines(stat, ctx.timeZone)) ctx.out(line);
}

export function dataText(data: Buffer | null): string {
  return data === null ? 'null' : data.toString('utf8');
}

export const childPath = (parent: string, child: string) => (parent === '/' ? `/${child}` : `${parent}/${child}`);

/** ZKUtil.visitSubTreeDFS: the root, then each level's sorted children before descending into them. */
export async function visitSubTree(ctx: CommandContext, root: string, watcher: Watcher | undefined, visit: (path: string) => Promise<void>): Promise<void> {
  await keeper(ctx, () => ctx.client.getData(root, watcher), root);
  await visit(root);
  const helper = async (path: string): Promise<void> => {
    let children: string[];
    try {
      children = (await ctx.client.getChildren(path, watcher)).sort();
    } catch (error) {
      // a node listed by its parent may be gone by the time it is read
      if (error instanceof KeeperError && error.code === ErrorCode.noNode) return;
      if (error instanceof KeeperError) throw wrapKeeperError(error, path);
      throw error;
    }
    for (const child of children) await visit(childPath(path, child));
    for (const child of children) await helper(childPath(path, child));
  };
  await helper(root);
}

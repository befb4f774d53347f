// The console the GUI offers: one zkCli command line run on an open connection's session. The full
// zkCli-compatible shell (node-core/cli) plugs in as a ConsoleBackend; until then a small fallback answers
// ls, get and stat in zkCli's formats. Write commands are refused for read-only profiles before either runs.
import type { ZkClient } from '../client/index.js';
import { ErrorCode, KeeperError, formatStatLines } from '../protocol/index.js';
import { apiFailure } from './apiError.js';
import { walkSubtree } from './subtreeWalk.js';

export interface ConsoleContext {
  connectionId: string;
  client: ZkClient;
  /** The profile is read-only; a backend should refuse anything that writes (the API already refuses known writes). */
  readOnly: boolean;
}

export interface ConsoleBackend {
  run(commandLine: string, context: ConsoleContext): Promise<{ output: string; ok: boolean }>;
}

/** zkCli commands that change data or session state visible to others. */
const writeCommands = new Set([
  'create',
  'delete',
  'deleteall',
  'rmr',
  'set',
  'setacl',
  'setquota',
  'delquota',
  'reconfig',
]);

/** Splits a command line as zkCli does: whitespace separated, with "double" or 'single' quoted words. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = pattern.exec(line); m !== null; m = pattern.exec(line)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

export function refuseConsoleWrite(commandLine: string, readOnly: boolean): void {
  const command = splitCommandLine(commandLine)[0]?.toLowerCase();
  if (readOnly && command !== undefined && writeCommands.has(command)) {
    throw apiFailure('readOnlyProfile', `This connection's profile is read-only, so "${command}" is not allowed.`);
  }
}


const fallbackHelp = [
  'ZooKeeper -server host:port cmd args (minimal console: the full shell is not available in this build)',
  '\tget [-s] path',
  '\tls [-s] [-R] path',
  '\tstat path',
].join('\n');

function parseFlags(args: string[], allowed: string): { flags: Set<string>; rest: string[] } | string {
  const flags = new Set<string>();
  const rest: string[] = [];
  for (const arg of args) {
    if (/^-[A-Za-z]$/.test(arg)) {
      if (!allowed.includes(arg[1]!)) return `Unrecognized option: ${arg}`;
      flags.add(arg[1]!);
    } else rest.push(arg);
  }
  return { flags, rest };
}

/** The API's own ls/get/stat, used when no shell backend is plugged in. */
export const fallbackConsole: ConsoleBackend = {
  async run(commandLine, { client }) {
    const [command, ...args] = splitCommandLine(commandLine);
    if (command === undefined) return { output: '', ok: true };
    const parsed = parseFlags(args, command === 'ls' ? 'swR' : 'sw');
    if (typeof parsed === 'string') return { output: parsed, ok: false };
    const path = parsed.rest[0];
    const needPath = () => ({ output: `${command} requires a path\n${fallbackHelp}`, ok: false });
    try {
      switch (command) {
        case 'help':
          return { output: fallbackHelp, ok: true };
        case 'ls': {
          if (path === undefined) return needPath();
          if (parsed.flags.has('R')) {
            const walk = await walkSubtree(client, path, 100_000);
            if (walk.nodes.length === 0) throw new KeeperError(ErrorCode.noNode, path);
            return { output: walk.nodes.map((n) => n.path).join('\n'), ok: true };
          }
          const { children, stat } = await client.getChildrenWithStat(path);
          const list = `[${[...children].sort().join(', ')}]`;
          return { output: parsed.flags.has('s') ? `${list}\n${formatStatLines(stat).join('\n')}` : list, ok: true };
        }
        case 'get': {
          if (path === undefined) return needPath();
          const { data, stat } = await client.getData(path);
          const text = data === null ? 'null' : data.toString('utf8');
          return { output: parsed.flags.has('s') ? `${text}\n${formatStatLines(stat).join('\n')}` : text, ok: true };
        }
        case 'stat': {
          if (path === undefined) return needPath();
          const stat = await client.exists(path);
          if (stat === null) throw new KeeperError(ErrorCode.noNode, path);
          return { output: formatStatLines(stat).join('\n'), ok: true };
        }
        default:
          return { output: `Command not available in the minimal console: ${command}\n${fallbackHelp}`, ok: false };
      }
    } catch (err) {
      if (err instanceof KeeperError && err.code === ErrorCode.noNode) return { output: `Node does not exist: ${err.path ?? path ?? ''}`, ok: false };
      if (err instanceof KeeperError && err.code === ErrorCode.noAuth) return { output: `Insufficient permission : ${err.path ?? path ?? ''}`, ok: false };
      if (err instanceof KeeperError) return { output: err.message, ok: false };
      if (err instanceof Error && path !== undefined && !path.startsWith('/')) return { output: `Path must start with / character`, ok: false };
      throw err;
    }
  },
};


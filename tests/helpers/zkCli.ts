// Drives Debian's zkCli.sh (Apache ZooKeeper's Java shell) through stdin in one JVM and splits its output into one
// normalised transcript entry per command, so the transcripts of two servers can be compared line by line.
import { existsSync } from 'node:fs';
import { runProcess } from './runProcess.js';
import { PADDOCK_BIN } from './paddockServer.js';

export const ZKCLI_PATH = '/usr/share/zookeeper/bin/zkCli.sh';

export interface ZkCliStep {
  command: string;
  /** Output lines of this command, normalised (see normaliseZkCliLines). */
  output: string[];
}

export interface ZkCliTranscript {
  steps: ZkCliStep[];
  /** "WatchedEvent ..." lines; the event thread prints them at any point, so they are kept apart, in order. */
  events: string[];
  /** Everything zkCli printed, unnormalised, for failure messages. */
  raw: string;
}

// `version` is answered locally, prints exactly one line and no other command prints it, which makes it a marker
// that needs no server round trip.
const MARKER_COMMAND = 'version';
const MARKER_PREFIX = 'ZooKeeper CLI version: ';

export function zkCliAvailable(): boolean {
  return existsSync(ZKCLI_PATH);
}

/** Runs the commands in one zkCli session against hostPort; rejects if zkCli has not quit after timeoutMs. */
export async function runZkCli(hostPort: string, commands: string[], timeoutMs = 30_000, extraJvmFlags = ''): Promise<ZkCliTranscript> {
  if (!zkCliAvailable()) throw new Error(`${ZKCLI_PATH} not found: install with \`apt-get install -y zookeeper\``);
  for (const c of commands) if (c.includes('\n')) throw new Error(`zkCli command spans lines: ${JSON.stringify(c)}`);
  const script = commands.flatMap((c) => [MARKER_COMMAND, c]).concat([MARKER_COMMAND, 'quit', '']).join('\n');
  // stderr carries half of zkCli's messages ("Created /x" goes to stdout, "Node does not exist" to stderr);
  // one shared pipe keeps their order.
  const result = await runProcess('bash', ['-c', 'exec "$0" "$@" 2>&1', ZKCLI_PATH, '-server', hostPort], {
    input: script,
    timeoutMs,
    env: { ...process.env, CLIENT_JVMFLAGS: `-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto ${extraJvmFlags}` },
  });
  return splitTranscript(result.stdout, commands);
}

/** `paddock cli` through stdin with runZkCli's framing (`version` before every command marks where its output starts). */
export async function runPaddockCli(hostPort: string, commands: string[]): Promise<ZkCliTranscript> {
  const script = commands.flatMap((c) => [MARKER_COMMAND, c]).concat([MARKER_COMMAND, 'quit', '']).join('\n');
  const result = await runProcess('bash', ['-c', 'exec "$0" "$@" 2>&1', process.execPath, PADDOCK_BIN, 'cli', '-server', hostPort], {
    input: script,
    timeoutMs: 30_000,
  });
  if (result.code !== 0 && result.code !== 1 && result.code !== 127) {
    throw new Error(`paddock cli exited ${result.code}:\n${result.stdout}`);
  }
  return splitTranscript(result.stdout, commands);
}

/** Separates watch events and per-command output; the text before the first marker (banner) is dropped. */
export function splitTranscript(raw: string, commands: string[]): ZkCliTranscript {
  const lines = raw.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const events: string[] = [];
  const sections: string[][] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    if (line.startsWith('SLF4J:')) continue;
    // The watcher prints "\nWATCHER::" and "\n<event>" with one println each, so the blank line before either
    // belongs to it, not to the command that happened to be running.
    if (line === 'WATCHER::' || line.startsWith('WatchedEvent ')) {
      if (current !== undefined && current[current.length - 1] === '') current.pop();
      if (line.startsWith('WatchedEvent ')) events.push(line);
      continue;
    }
    if (line.startsWith(MARKER_PREFIX)) {
      current = [];
      sections.push(current);
      continue;
    }
    current?.push(line);
  }
  const steps = commands.map((command, i) => ({ command, output: normaliseZkCliLines(command, sections[i] ?? []) }));
  return { steps, events, raw };
}

const STAT_TIME = /^(ctime|mtime) = .*/;
const STAT_ZXID = /^(cZxid|mZxid|pZxid) = 0x[0-9a-f]+$/;
const SESSION_OWNER = /^ephemeralOwner = 0x(?!0$)[0-9a-f]+$/;
const BRACKET_LIST = /^\[(.*)\]$/;

/**
 * Replaces what legitimately differs between two servers or two runs: wall-clock times, zxids and session ids.
 * Child lists are sorted because ZooKeeper returns a HashSet's order, which no other server can be expected to match.
 */
export function normaliseZkCliLines(command: string, lines: string[]): string[] {
  const out = lines.map((line) => {
    if (STAT_TIME.test(line)) return line.replace(/ = .*/, ' = <time>');
    if (STAT_ZXID.test(line)) return line.replace(/ = .*/, ' = <zxid>');
    if (SESSION_OWNER.test(line)) return 'ephemeralOwner = <session>';
    const list = BRACKET_LIST.exec(line);
    if (list !== null && list[1] !== undefined && list[1] !== '') {
      return `[${list[1].split(', ').sort().join(', ')}]`;
    }
    return line;
  });
  // ls -R walks the tree in each node's child order, which is the same HashSet order
  if (/^ls\s+(-\S+\s+)*-R\b/.test(command)) out.sort();
  return out;
}

// Helpers for the local-cluster tests: whether a pid is really alive (a zombie is not), which processes still
// mention a cluster directory, a one-shot write through a chosen member, and `paddock cluster start` as a child.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ZkClient } from '../../../node-core/client/index.js';
import type { MemberState } from '../../../node-core/cluster/index.js';
import { eventually } from '../../helpers/polling.js';

/** False for a pid that is gone or a zombie (exited, waiting to be reaped by a parent that may never do it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Pids of live processes whose command line mentions dir (members and watchdogs of a cluster living there). */
export function processesMentioning(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(dir) && processAlive(pid)) found.push(pid);
    } catch {
      // exited while we looked
    }
  }
  return found;
}

export function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return eventually(check, timeoutMs, what, 100);
}

/** Creates a znode through one member (it must reach a quorum to succeed) and returns its path. */
export async function writeThrough(member: MemberState, path: string): Promise<string> {
  const client = await ZkClient.connect(member.hostPort, { sessionTimeout: 10_000, connectTimeoutMs: 5_000 });
  try {
    return await client.create(path, 'x');
  } finally {
    await client.close();
  }
}

export const leaders = (members: MemberState[]) => members.filter((m) => m.mode === 'leader');

const PADDOCK_BIN = fileURLToPath(new URL('../../../bin/paddock.mjs', import.meta.url));

export interface RunningCli {
  child: ChildProcess;
  output: () => string;
}

/** `paddock cluster start <args>` as a child process, its stdout and stderr collected. */
export function startCli(args: string[]): RunningCli {
  const child = spawn(process.execPath, [PADDOCK_BIN, 'cluster', 'start', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return { child, output: () => text };
}

/** Pids from lines like "member 2: running, pid 1234, leader" once every member has shown one with a mode. */
export function memberPids(output: string, count: number, modes: RegExp): Map<number, number> {
  const pids = new Map<number, number>();
  for (const match of output.matchAll(/member (\d+)(?: \(observer\))?: running, pid (\d+), (\w+)/g)) {
    if (modes.test(match[3]!)) pids.set(Number(match[1]), Number(match[2]));
  }
  return pids.size === count ? pids : new Map();
}

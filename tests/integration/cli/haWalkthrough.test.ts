// The classic high-availability walk-through, from the command line only: `paddock cluster start` runs a 3-node
// local cluster, `paddock 4lw` asks ruok, and `paddock cli` creates an ephemeral znode through one member, reads
// it through another, changes it through a third and reads the change back everywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PADDOCK_BIN } from '../../helpers/paddockServer.js';
import { runProcess } from '../../helpers/runProcess.js';

let dir: string;
let cluster: ChildProcessWithoutNullStreams;
let clusterOutput = '';
let members: string[] = [];

function waitForOutput(read: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const check = () => {
      const match = read().match(pattern);
      if (match) resolve(match);
      else if (Date.now() > deadline) reject(new Error(`no ${pattern} within ${timeoutMs} ms in:\n${read()}`));
      else setTimeout(check, 50);
    };
    check();
  });
}

const paddock = (args: string[], input?: string) => runProcess(process.execPath, [PADDOCK_BIN, ...args], { input, timeoutMs: 30_000 });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paddock-walkthrough-'));
  cluster = spawn(process.execPath, [PADDOCK_BIN, 'cluster', 'start', '--nodes', '3', '--dir', dir]);
  cluster.stdout.on('data', (chunk: Buffer) => (clusterOutput += chunk.toString()));
  cluster.stderr.on('data', (chunk: Buffer) => (clusterOutput += chunk.toString()));
  const connect = await waitForOutput(() => clusterOutput, /connect string: (\S+)/, 20_000);
  members = connect[1]!.split(',');
  await waitForOutput(() => clusterOutput, /leader, zxid/, 30_000);
});

afterAll(async () => {
  if (cluster && cluster.exitCode === null) {
    const exited = new Promise((resolve) => cluster.on('exit', resolve));
    cluster.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('the high-availability walk-through', () => {
  it('replicates through every member of a 3-node local cluster', async () => {
    expect(members).toHaveLength(3);
    for (const member of members) expect((await paddock(['4lw', member, 'ruok'])).stdout.trim()).toBe('imok');

    // An interactive-style session on member 1 holds the ephemeral node while the others read and write it.
    const holder = spawn(process.execPath, [PADDOCK_BIN, 'cli', '-server', members[0]!]);
    let holderOutput = '';
    // zkCli prints "Created ..." on stderr, and so does paddock cli.
    holder.stdout.on('data', (chunk: Buffer) => (holderOutput += chunk.toString()));
    holder.stderr.on('data', (chunk: Buffer) => (holderOutput += chunk.toString()));
    holder.stdin.write('create -e /follower-sync-test "Hello, Zookeeper!"\n');
    await waitForOutput(() => holderOutput, /Created \/follower-sync-test/, 20_000);

    const read = await paddock(['cli', '-server', members[1]!, 'get', '/follower-sync-test']);
    expect(read.code).toBe(0);
    // One-shot mode prints zkCli's connection lines first, then the data.
    expect(read.stdout.trim().split('\n').at(-1)).toBe('Hello, Zookeeper!');

    const set = await paddock(['cli', '-server', members[2]!, 'set', '/follower-sync-test', 'Hello from member 3']);
    expect(set.code).toBe(0);
    for (const member of members) {
      const back = await paddock(['cli', '-server', member, 'get', '-s', '/follower-sync-test']);
      expect(back.stdout).toMatch(/^Hello from member 3$/m);
      expect(back.stdout).toMatch(/^dataVersion = 1$/m);
      expect(back.stdout).toMatch(/^ephemeralOwner = 0x[1-9a-f][0-9a-f]*$/m);
    }

    // Closing the holder's session removes the ephemeral node everywhere.
    holder.stdin.end('quit\n');
    await new Promise((resolve) => holder.on('exit', resolve));
    for (const member of members) {
      const gone = await paddock(['cli', '-server', member, 'stat', '/follower-sync-test']);
      expect(gone.code).not.toBe(0);
      expect(gone.stdout + gone.stderr).toContain('Node does not exist: /follower-sync-test');
    }
  });
});

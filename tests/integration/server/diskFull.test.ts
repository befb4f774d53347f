// A `paddock server` whose disk fills up (a 2 MiB tmpfs), standalone, follower or leader, logs "Disk failure,
// stopping this member" once with what to do and exits with code 3 within a second; the rest of an ensemble keeps
// serving, and once space is freed the server restarts with every acknowledged write.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPaddock } from '../../helpers/paddockServer.js';
import type { MemberExit, ZkMember, ZkTarget } from '../../helpers/zkEnsemble.js';
import { serverMode } from '../../helpers/fourLetterWord.js';
import { expectEveryMemberHas } from '../../helpers/acknowledgedWriters.js';
import type { ZkClient } from '../../../node-core/client/index.js';
import { ErrorCode, KeeperError } from '../../../node-core/protocol/index.js';
import { ClientPool } from '../../helpers/clientPool.js';

/** The bound is 1 s; the margin is for a loaded 2-core CI machine. */
const EXIT_BOUND_MS = 1500;
const DISK_FAILURE_LINE = 'Disk failure, stopping this member';

let target: ZkTarget | undefined;
let mountPoint: string | undefined;
let mountedOver = false;
const pool = new ClientPool();
const client = pool.connect;

afterEach(async () => {
  await pool.closeAll();
  // A tmpfs is unmounted before the target removes its directory, and only once no member holds files on it.
  const t = target;
  if (t !== undefined) {
    await Promise.all(t.members.filter((m) => m.pid !== undefined).map((m) => t.signalAndWait(m.id, 'SIGTERM')));
  }
  if (mountPoint !== undefined) {
    execFileSync('umount', [mountPoint]);
    if (!mountedOver) rmSync(mountPoint, { recursive: true, force: true });
    mountPoint = undefined;
    mountedOver = false;
  }
  await t?.stop();
  target = undefined;
});

function mountSmallTmpfs(dir = mkdtempSync(join(tmpdir(), 'paddock-diskfull-'))): string {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the disk-full test mounts a 2 MiB tmpfs and needs root (CAP_SYS_ADMIN) for it: ${reason}`);
  }
  return dir;
}

/** Writes znodes of nodeKiB under /load until one fails (or `limit` succeeded); returns the acknowledged paths. */
async function writeUntilFailure(
  writer: ZkClient,
  prefix: string,
  nodeKiB: number,
  limit: number,
): Promise<{ acknowledged: string[]; failedAt?: number }> {
  const acknowledged: string[] = [];
  for (let n = 0; n < limit; n++) {
    const path = `/load/${prefix}${n}`;
    try {
      await writer.create(path, Buffer.alloc(nodeKiB * 1024, n));
      acknowledged.push(path);
    } catch (error) {
      if (!(error instanceof KeeperError)) throw error;
      return { acknowledged, failedAt: performance.now() };
    }
  }
  return { acknowledged };
}

function expectOneDiskFailureLine(t: ZkTarget, id: number, dataDir: string): void {
  const log = t.logTail(id, 400);
  const failureLines = log.split('\n').filter((line) => line.includes(DISK_FAILURE_LINE));
  expect(failureLines, log).toHaveLength(1);
  expect(failureLines[0]).toMatch(/no space left on device/i);
  expect(failureLines[0]).toContain('Free space');
  expect(failureLines[0]).toContain(dataDir);
}

function expectDiskFailureExit(exit: MemberExit, exitedAfterMs: number, what: string): void {
  process.stdout.write(`[disk full] ${what} exited ${exitedAfterMs.toFixed(0)} ms after the failed write, code ${String(exit.code)}\n`);
  expect(exit.timedOut, `${what} was still running 10 s after its disk filled up`).toBe(false);
  expect(exitedAfterMs).toBeLessThan(EXIT_BOUND_MS);
  expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 3, signal: null });
}

describe('a standalone paddock server on a full disk', () => {
  it('logs the failure once, exits with code 3 within a second, and restarts with every acknowledged write', async () => {
    mountPoint = mountSmallTmpfs();
    const dataDir = join(mountPoint, 'data');
    // Space taken by something else, which the operator frees afterwards.
    const filler = join(mountPoint, 'filler');
    writeFileSync(filler, Buffer.alloc(512 * 1024, 1));
    target = await startPaddock({ extraConfig: { dataDir } });
    const t = target;
    const writer = await client(t.hostPort);
    await writer.create('/load');

    const { acknowledged, failedAt } = await writeUntilFailure(writer, 'n', 64, 200);
    expect(failedAt, 'the 2 MiB disk filled up and a write failed').toBeDefined();
    expect(acknowledged.length).toBeGreaterThan(0);

    // Measured from the client's first failed write: the process may even be gone before the wait begins.
    const waitStartedAt = performance.now();
    const exit = await t.waitForExit(1, 10_000);
    expectDiskFailureExit(exit, waitStartedAt - failedAt! + exit.elapsedMs, 'standalone server');
    expectOneDiskFailureLine(t, 1, dataDir);

    rmSync(filler);
    await t.restart(1);
    const reader = await client(t.hostPort);
    const present = new Set((await reader.getChildren('/load')).map((name) => `/load/${name}`));
    expect(acknowledged.filter((p) => !present.has(p)), 'acknowledged writes lost').toEqual([]);
  }, 60_000);

  it.each(['follower', 'leader'] as const)(
    'a %s logs it once and exits with code 3, the others keep serving, and it catches up once space is freed',
    async (role) => {
      target = await startPaddock({ size: 3 });
      const t = target;
      // Election prefers the highest sid among equally up-to-date members, so member 3 can be made the leader.
      const victim = t.members[role === 'leader' ? 2 : 0]!;
      const filler = await moveDataDirOntoSmallTmpfs(t, victim);
      const current = (await membersInMode(t, 'leader'))[0];
      if (role === 'leader' && current !== undefined && current !== victim) {
        expect((await t.signalAndWait(current.id, 'SIGTERM')).code).toBe(0);
        await t.restart(current.id);
      }
      expect(await serverMode('127.0.0.1', victim.clientPort)).toBe(role);
      const leader = (await membersInMode(t, 'leader'))[0]!;

      const writer = await client(leader.hostPort);
      await writer.create('/load');
      const beforeFull = await writeUntilFailure(writer, 'a', 16, 40);
      // A follower's disk is not needed for a quorum of two; the leader's own failure fails the write it was logging.
      if (role === 'follower') expect(beforeFull.failedAt, 'a write failed while a quorum was up').toBeUndefined();
      else expect(beforeFull.failedAt, 'the leader ran out of space').toBeDefined();
      const exit = await t.waitForExit(victim.id, 10_000);
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 3, signal: null });
      expectOneDiskFailureLine(t, victim.id, victim.dataDir);

      const others = t.members.filter((m) => m !== victim);
      const survivor = await client(others.map((m) => m.hostPort).join(','));
      const afterExit: string[] = [];
      for (let n = 0; n < 5; n++) afterExit.push(await createWhenWritable(survivor, `/load/b${n}`));
      rmSync(filler);
      await t.restart(victim.id);
      await expectEveryMemberHas(t, [...beforeFull.acknowledged, ...afterExit], client);
    },
    120_000,
  );
});

/** Moves a member's dataDir onto a 2 MiB tmpfs mounted over it, mostly taken by a filler file; returns its path. */
async function moveDataDirOntoSmallTmpfs(t: ZkTarget, member: ZkMember): Promise<string> {
  expect((await t.signalAndWait(member.id, 'SIGTERM')).code).toBe(0);
  const saved = mkdtempSync(join(tmpdir(), 'paddock-diskfull-saved-'));
  cpSync(member.dataDir, saved, { recursive: true });
  mountPoint = mountSmallTmpfs(member.dataDir);
  mountedOver = true;
  cpSync(saved, member.dataDir, { recursive: true });
  rmSync(saved, { recursive: true, force: true });
  // Little room left: the data must still fit twice (log and snapshot) once the filler is gone.
  const filler = join(member.dataDir, 'filler');
  writeFileSync(filler, Buffer.alloc(1600 * 1024, 1));
  await t.restart(member.id);
  return filler;
}

async function membersInMode(t: ZkTarget, mode: string): Promise<ZkMember[]> {
  const modes = await Promise.all(t.members.map((m) => serverMode('127.0.0.1', m.clientPort).catch(() => undefined)));
  return t.members.filter((_, i) => modes[i] === mode);
}

/** Creates `path`, retrying while the ensemble elects a new leader; NodeExists means an earlier try went through. */
async function createWhenWritable(c: ZkClient, path: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await c.create(path, Buffer.alloc(1024));
    } catch (error) {
      if (!(error instanceof KeeperError)) throw error;
      if (error.code === ErrorCode.nodeExists) return path;
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

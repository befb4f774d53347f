// A standalone `paddock server` whose disk fills up (a 2 MiB tmpfs) behaves as an ensemble member does: it logs
// "Disk failure, stopping this member" once with what to do, exits with code 3 within a second, and once space is
// freed it restarts with every acknowledged write.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPaddock } from '../../helpers/paddockServer.js';
import type { ZkTarget } from '../../helpers/zkEnsemble.js';
import { ZkClient } from '../../../node-core/client/index.js';
import { KeeperError } from '../../../node-core/protocol/index.js';
import { closeClients } from '../../helpers/stubbornClients.js';

/** The bound is 1 s; the margin is for a loaded 2-core CI machine. */
const EXIT_BOUND_MS = 1500;
const DISK_FAILURE_LINE = 'Disk failure, stopping this member';

let target: ZkTarget | undefined;
let mountPoint: string | undefined;
const clients: ZkClient[] = [];

afterEach(async () => {
  await closeClients(clients.splice(0));
  await target?.stop();
  target = undefined;
  if (mountPoint !== undefined) {
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
    mountPoint = undefined;
  }
});

function mountSmallTmpfs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paddock-diskfull-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the disk-full test mounts a 2 MiB tmpfs and needs root (CAP_SYS_ADMIN) for it: ${reason}`);
  }
  return dir;
}

async function client(hostPort: string): Promise<ZkClient> {
  const c = await ZkClient.connect(hostPort, { sessionTimeout: 10_000 });
  clients.push(c);
  return c;
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

    const acknowledged: string[] = [];
    let failedAt: number | undefined;
    for (let n = 0; n < 200 && failedAt === undefined; n++) {
      const path = `/load/n${n}`;
      try {
        await writer.create(path, Buffer.alloc(64 * 1024, n));
        acknowledged.push(path);
      } catch (error) {
        if (!(error instanceof KeeperError)) throw error;
        failedAt = performance.now();
      }
    }
    expect(failedAt, 'the 2 MiB disk filled up and a write failed').toBeDefined();
    expect(acknowledged.length).toBeGreaterThan(0);

    // Measured from the client's first failed write: the process may even be gone before the wait begins.
    const waitStartedAt = performance.now();
    const exit = await t.waitForExit(1, 10_000);
    const exitedAfterMs = waitStartedAt - failedAt! + exit.elapsedMs;
    process.stdout.write(`[disk full] standalone server exited ${exitedAfterMs.toFixed(0)} ms after the failed write, code ${String(exit.code)}\n`);
    expect(exit.timedOut, 'the server was still running 10 s after its disk filled up').toBe(false);
    expect(exitedAfterMs).toBeLessThan(EXIT_BOUND_MS);
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 3, signal: null });

    const log = t.logTail(1, 400);
    const failureLines = log.split('\n').filter((line) => line.includes(DISK_FAILURE_LINE));
    expect(failureLines, log).toHaveLength(1);
    expect(failureLines[0]).toMatch(/no space left on device/i);
    expect(failureLines[0]).toContain('Free space');
    expect(failureLines[0]).toContain(dataDir);

    rmSync(filler);
    await t.restart(1);
    const reader = await client(t.hostPort);
    const present = new Set((await reader.getChildren('/load')).map((name) => `/load/${name}`));
    expect(acknowledged.filter((p) => !present.has(p)), 'acknowledged writes lost').toEqual([]);
  }, 60_000);
});

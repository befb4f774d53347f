// Members must die with the supervisor even when it is SIGKILLed and cannot clean up: a `paddock cluster start`
// child is killed with SIGKILL and every member (and watchdog) must be gone within a few seconds.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apacheZkAvailable } from '../../helpers/apacheZk.js';
import { memberPids, processAlive, processesMentioning, startCli, waitUntil } from './clusterTestUtil.js';

const BUILT_CLI = fileURLToPath(new URL('../../../dist/node-core/cluster/clusterCommand.js', import.meta.url));

describe('no orphans when the supervisor is SIGKILLed', () => {
  beforeAll(() => {
    if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run npm run build first`);
  });

  const dirs: string[] = [];
  const children: ChildProcess[] = [];

  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    if (process.env.PADDOCK_KEEP_TMP === undefined) {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    }
  });

  async function killSupervisorAndCheck(args: string[], count: number, modes: RegExp): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'paddock-cluster-orphans-'));
    dirs.push(dir);
    const cli = startCli([...args, '--dir', dir]);
    children.push(cli.child);
    let pids = new Map<number, number>();
    await waitUntil(
      () => (pids = memberPids(cli.output(), count, modes)).size === count || cli.child.exitCode !== null,
      45_000,
      `every member to be up:\n${cli.output()}`,
    );
    expect(cli.child.exitCode, cli.output()).toBeNull();
    expect(cli.output()).toMatch(/connect string: 127\.0\.0\.1:\d+/);
    const memberPidList = [...pids.values()];
    expect(memberPidList.every(processAlive)).toBe(true);
    const watchdogs = processesMentioning(dir).filter((pid) => !memberPidList.includes(pid));
    expect(watchdogs.length).toBeGreaterThanOrEqual(count);

    const killedAt = Date.now();
    cli.child.kill('SIGKILL');
    await waitUntil(
      () => memberPidList.every((pid) => !processAlive(pid)),
      5000,
      `member pids ${memberPidList.join(', ')} to die after the supervisor was SIGKILLed`,
    );
    await waitUntil(() => processesMentioning(dir).length === 0, 5000, 'every watchdog to exit');
    expect(Date.now() - killedAt).toBeLessThan(5000);
  }

  it('apache engine, 3 nodes', async () => {
    if (!apacheZkAvailable()) throw new Error('Apache ZooKeeper 3.8 is missing: install with apt-get install -y zookeeper');
    await killSupervisorAndCheck(['--nodes', '3', '--engine', 'apache'], 3, /^(leader|follower)$/);
  });

  it('paddock engine, 1 node', async () => {
    await killSupervisorAndCheck(['--nodes', '1', '--engine', 'paddock'], 1, /^standalone$/);
  });
});

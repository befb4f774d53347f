// Stopping local-cluster members (what `paddock cluster` and the GUI's local clusters do) ends within about a
// second with clients connected that never close or never read: one member on its own, then the whole cluster,
// each member by a clean SIGTERM exit rather than the supervisor's SIGKILL, and nothing of the cluster left running;
// Ctrl-C on `paddock cluster start` likewise.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster, type MemberState } from '../../../node-core/cluster/index.js';
import { openStubbornClients, type StubbornClients } from '../../helpers/stubbornClients.js';
import { memberPids, processAlive, processesMentioning, startCli, waitUntil } from './clusterTestUtil.js';

/** The bound is about a second; the margin is for a loaded 2-core CI machine. */
const STOP_BOUND_MS = 1500;

describe('local cluster, paddock engine, 3 nodes: stopping with stubborn clients connected', () => {
  let dir: string;
  let cluster: LocalCluster;
  const warnings: string[] = [];
  const stubborn: StubbornClients[] = [];
  const oneLeader = (members: MemberState[]) =>
    members.filter((m) => m.mode === 'leader').length === 1 && members.every((m) => m.mode === 'leader' || m.mode === 'follower');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paddock-cluster-shutdown-'));
    cluster = await LocalCluster.create({ nodes: 3, dir, engine: 'paddock', pollIntervalMs: 250 });
    cluster.on('warning', (warning) => warnings.push(warning.message));
    await cluster.start();
  });

  afterAll(async () => {
    for (const s of stubborn.splice(0)) s.destroy();
    await cluster?.stop({ timeoutMs: 3000 });
    if (process.env.PADDOCK_KEEP_TMP === undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('stops one member, then the whole cluster, each within about a second, by the members own clean exit', async () => {
    const members = await cluster.waitFor(oneLeader, 45_000, 'a leader and two followers');
    for (const member of members) stubborn.push(await openStubbornClients(member.hostPort));

    const leader = members.find((m) => m.mode === 'leader')!;
    let startedAt = performance.now();
    const stopped = await cluster.stopMember(leader.id);
    const memberMs = performance.now() - startedAt;
    process.stdout.write(`[cluster shutdown] stopMember(leader ${leader.id}) took ${memberMs.toFixed(0)} ms\n`);
    expect(stopped.process).toBe('stopped');
    expect(stopped.lastExit).toBe('code 0');
    expect(memberMs).toBeLessThan(STOP_BOUND_MS);

    startedAt = performance.now();
    await cluster.stop();
    const clusterMs = performance.now() - startedAt;
    process.stdout.write(`[cluster shutdown] stop() of the other two members took ${clusterMs.toFixed(0)} ms\n`);
    expect(clusterMs).toBeLessThan(STOP_BOUND_MS);
    const states = members.map((m) => cluster.memberState(m.id));
    expect(states.map((m) => [m.process, m.lastExit])).toEqual(members.map(() => ['stopped', 'code 0']));
    expect(warnings.filter((w) => w.includes('SIGKILL'))).toEqual([]);
    expect(processesMentioning(dir), 'members or watchdogs left running').toEqual([]);
  }, 90_000);
});

describe('paddock cluster start, 3 nodes: Ctrl-C', () => {
  let dir: string;
  let cli: ReturnType<typeof startCli> | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'paddock-cluster-ctrlc-'));
  });

  afterAll(() => {
    cli?.child.kill('SIGKILL');
    if (process.env.PADDOCK_KEEP_TMP === undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('stops every member and exits 0 within about a second, with stubborn clients connected', async () => {
    const running = startCli(['--nodes', '3', '--dir', dir]);
    cli = running;
    let pids = new Map<number, number>();
    await waitUntil(
      () => (pids = memberPids(running.output(), 3, /^(leader|follower)$/)).size === 3 || running.child.exitCode !== null,
      45_000,
      `every member to be up:\n${running.output()}`,
    );
    const hostPorts = [...running.output().matchAll(/client (127\.0\.0\.1:\d+)/g)].map((m) => m[1]!);
    expect(hostPorts).toHaveLength(3);
    const stubborn = await Promise.all(hostPorts.map((hostPort) => openStubbornClients(hostPort)));

    const exited = new Promise<number | null>((resolve) => running.child.once('exit', (code) => resolve(code)));
    const startedAt = performance.now();
    running.child.kill('SIGINT');
    const code = await exited;
    const elapsedMs = performance.now() - startedAt;
    stubborn.forEach((s) => s.destroy());
    process.stdout.write(`[cluster shutdown] paddock cluster start exited ${elapsedMs.toFixed(0)} ms after SIGINT\n`);
    expect(code, running.output()).toBe(0);
    expect(elapsedMs).toBeLessThan(STOP_BOUND_MS);
    expect(running.output()).toMatch(/member 1: stopped, last exit: code 0/);
    expect([...pids.values()].filter(processAlive), 'members left running').toEqual([]);
    expect(processesMentioning(dir), 'members or watchdogs left running').toEqual([]);
  }, 90_000);
});

// A real 3-node ensemble (Apache ZooKeeper 3.8, and Paddock's own) under the local-cluster supervisor: elections after kill, pause and
// isolation, rejoining after restart, resume and heal, and no process left behind after stop.
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster, type MemberState } from '../../../node-core/cluster/index.js';
import { fourLetterWord } from '../../../node-core/cluster/srvrStatus.js';
import { apacheZkAvailable } from '../../helpers/apacheZk.js';
import { leaders, processAlive, processesMentioning, waitUntil, writeThrough } from './clusterTestUtil.js';

const ELECTION_TIMEOUT_MS = 30_000;
// after heal() the isolated member retries its election connections within the 5 s notification cap
const REJOIN_TIMEOUT_MS = 45_000;

async function waitForSyncedFollowers(leader: MemberState, count: number, timeoutMs: number): Promise<void> {
  let last = '';
  const synced = async () => {
    last = await fourLetterWord(leader.ports.client, 'mntr', 2000).catch((error: Error) => error.message);
    return Number(/^zk_synced_followers\s+(\d+)/m.exec(last)?.[1] ?? -1);
  };
  const deadline = Date.now() + timeoutMs;
  while ((await synced()) !== count) {
    if (Date.now() > deadline) throw new Error(`leader ${leader.id} never had ${count} synced followers:\n${last}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const oneLeaderOf = (ids: number[]) => (members: MemberState[]) => {
  const serving = members.filter((m) => ids.includes(m.id));
  return leaders(serving).length === 1 && serving.every((m) => m.mode === 'leader' || m.mode === 'follower');
};

describe.each(['apache', 'paddock'] as const)('local cluster, %s engine, 3 nodes', (engine) => {
  let dir: string;
  let cluster: LocalCluster;
  const pidsSeen = new Set<number>();
  const states: MemberState[] = [];

  beforeAll(async () => {
    if (engine === 'apache' && !apacheZkAvailable()) throw new Error('Apache ZooKeeper 3.8 is missing: install with apt-get install -y zookeeper');
    dir = mkdtempSync(join(tmpdir(), `paddock-cluster-${engine}-`));
    cluster = await LocalCluster.create({ nodes: 3, dir, engine });
    cluster.on('member', (state) => {
      states.push(state);
      if (state.pid !== undefined) pidsSeen.add(state.pid);
    });
    await cluster.start();
  });

  afterAll(async () => {
    await cluster?.stop({ timeoutMs: 3000 });
    if (process.env.PADDOCK_KEEP_TMP === undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('writes each member a zoo.cfg that lists its peers at proxy ports', () => {
    const snapshot = cluster.snapshot();
    expect(snapshot.members.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(snapshot.links).toHaveLength(6);
    const cfg = readFileSync(snapshot.members[0]!.configPath, 'utf8');
    const m1 = snapshot.members[0]!;
    expect(cfg).toContain(`server.1=127.0.0.1:${m1.ports.quorum}:${m1.ports.election}`);
    const to2 = snapshot.links.find((l) => l.from === 1 && l.to === 2)!;
    expect(cfg).toContain(`server.2=127.0.0.1:${to2.quorumProxyPort}:${to2.electionProxyPort}`);
    expect(cfg).toContain('clientPortAddress=127.0.0.1');
    expect(cfg).toContain('4lw.commands.whitelist=*');
    expect(cfg).toContain(`admin.serverPort=${m1.ports.admin}`);
    expect(cluster.connectString.split(',')).toHaveLength(3);
  });

  it('elects exactly one leader', async () => {
    const members = await cluster.waitFor(oneLeaderOf([1, 2, 3]), ELECTION_TIMEOUT_MS, 'one leader and two followers');
    expect(leaders(members)).toHaveLength(1);
    expect(members.filter((m) => m.mode === 'follower')).toHaveLength(2);
    expect(members.every((m) => m.process === 'running' && m.pid !== undefined)).toBe(true);
    expect(leaders(members)[0]!.epoch).toBeGreaterThan(0);
    await writeThrough(members[0]!, '/elected');
    expect(states.some((s) => s.mode === 'leader')).toBe(true);
  });

  it('elects a new leader when the leader is killed, and the killed member shows killed until restarted', async () => {
    const before = cluster.snapshot().members;
    const old = leaders(before)[0]!;
    const others = before.filter((m) => m.id !== old.id).map((m) => m.id);
    const killed = await cluster.killMember(old.id);
    expect(killed.process).toBe('killed');
    expect(killed.mode).toBe('not serving');
    expect(processAlive(old.pid!)).toBe(false);
    const after = await cluster.waitFor(oneLeaderOf(others), ELECTION_TIMEOUT_MS, 'a new leader among the survivors');
    const next = leaders(after)[0]!;
    expect(next.id).not.toBe(old.id);
    expect(next.epoch).toBeGreaterThan(old.epoch!);
    expect(after.find((m) => m.id === old.id)!.process).toBe('killed');
    await writeThrough(next, '/after-kill');

    await cluster.startMember(old.id);
    const rejoined = await cluster.waitFor(oneLeaderOf([1, 2, 3]), REJOIN_TIMEOUT_MS, 'the killed member to rejoin');
    expect(rejoined.find((m) => m.id === old.id)!.mode).toBe('follower');
  });

  it('keeps serving while a follower is paused, and the follower rejoins on resume', async () => {
    const before = await cluster.waitFor(oneLeaderOf([1, 2, 3]), ELECTION_TIMEOUT_MS, 'a settled ensemble');
    const leader = leaders(before)[0]!;
    const follower = before.find((m) => m.mode === 'follower')!;
    const paused = cluster.pauseMember(follower.id);
    expect(paused.process).toBe('paused');
    expect(paused.pid).toBe(follower.pid);
    expect(processAlive(follower.pid!)).toBe(true);
    // paused past syncLimit x tickTime, the leader stops counting it; the other two still form a quorum
    await waitForSyncedFollowers(leader, 1, ELECTION_TIMEOUT_MS);
    await writeThrough(leader, '/while-paused');
    const during = await cluster.refresh();
    expect(during.find((m) => m.id === follower.id)!.process).toBe('paused');
    expect(during.find((m) => m.id === follower.id)!.mode).toBe('not serving');
    expect(during.find((m) => m.id === leader.id)!.mode).toBe('leader');

    cluster.resumeMember(follower.id);
    await waitForSyncedFollowers(leader, 2, REJOIN_TIMEOUT_MS);
    const after = await cluster.waitFor(
      (members) => oneLeaderOf([1, 2, 3])(members) && members.find((m) => m.id === follower.id)!.process === 'running',
      REJOIN_TIMEOUT_MS,
      'the paused follower to serve again',
    );
    expect(after.find((m) => m.id === follower.id)!.mode).toBe('follower');
    expect(leaders(after)[0]!.id).toBe(leader.id);
  });

  it('isolating the leader makes the others elect a new one; healing brings it back as a follower', async () => {
    const before = await cluster.waitFor(oneLeaderOf([1, 2, 3]), ELECTION_TIMEOUT_MS, 'a settled ensemble');
    const old = leaders(before)[0]!;
    const others = before.filter((m) => m.id !== old.id).map((m) => m.id);
    const isolatedState = cluster.isolate(old.id);
    expect(isolatedState.isolated).toBe(true);
    expect(cluster.snapshot().links.filter((l) => l.cut)).toHaveLength(4);

    const during = await cluster.waitFor(
      (members) => oneLeaderOf(others)(members) && members.find((m) => m.id === old.id)!.mode === 'not serving',
      ELECTION_TIMEOUT_MS,
      'a new leader among the two connected members and the isolated one to stop serving',
    );
    const next = leaders(during)[0]!;
    expect(next.id).not.toBe(old.id);
    expect(during.find((m) => m.id === old.id)!.process).toBe('running');
    await writeThrough(next, '/while-isolated');

    cluster.heal(old.id);
    expect(cluster.snapshot().links.some((l) => l.cut)).toBe(false);
    const after = await cluster.waitFor(
      (members) => oneLeaderOf([1, 2, 3])(members) && members.find((m) => m.id === old.id)!.mode === 'follower',
      REJOIN_TIMEOUT_MS,
      'the healed member to rejoin as a follower',
    );
    expect(leaders(after)[0]!.id).toBe(next.id);
  });

  it('cutLink between two followers leaves the ensemble serving', async () => {
    const before = await cluster.waitFor(oneLeaderOf([1, 2, 3]), ELECTION_TIMEOUT_MS, 'a settled ensemble');
    const [a, b] = before.filter((m) => m.mode === 'follower');
    cluster.cutLink(a!.id, b!.id);
    expect(cluster.snapshot().links.filter((l) => l.cut)).toHaveLength(2);
    await writeThrough(a!, '/with-cut-link');
    cluster.healLink(a!.id, b!.id);
    expect(cluster.snapshot().links.some((l) => l.cut)).toBe(false);
  });

  it('leaves no process behind after stop', async () => {
    const live = cluster.snapshot().members.map((m) => m.pid!);
    expect(live.every((pid) => processAlive(pid))).toBe(true);
    await cluster.stop();
    const after = cluster.snapshot().members;
    expect(after.every((m) => m.process === 'stopped' && m.pid === undefined)).toBe(true);
    expect([...pidsSeen].filter((pid) => processAlive(pid))).toEqual([]);
    await waitUntil(() => processesMentioning(dir).length === 0, 5000, 'watchdogs to exit');
  });
});

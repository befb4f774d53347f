// Membership changes and data wipes on a real Apache ZooKeeper 3.8 ensemble under the supervisor: observers, a
// wiped follower catching up from the leader, and adding/removing a member by rewriting configs and restarting.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster, type MemberState } from '../../../node-core/cluster/index.js';
import { apacheZkAvailable } from '../../helpers/apacheZk.js';
import { leaders, processesMentioning, waitUntil, writeThrough } from './clusterTestUtil.js';

const TIMEOUT_MS = 45_000;

const settled = (members: MemberState[]) =>
  leaders(members).length === 1 &&
  members.every((m) =>
    m.role === 'observer' ? m.mode === 'observer' : m.mode === 'leader' || m.mode === 'follower',
  );

describe('local cluster, apache engine, membership', () => {
  beforeAll(() => {
    if (!apacheZkAvailable()) throw new Error('Apache ZooKeeper 3.8 is missing: install with apt-get install -y zookeeper');
  });

  let dir: string;
  let cluster: LocalCluster;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paddock-cluster-membership-'));
    cluster = await LocalCluster.create({ nodes: 3, observers: 1, dir, engine: 'apache' });
    await cluster.start();
  });

  afterAll(async () => {
    await cluster?.stop({ timeoutMs: 3000 });
    if (process.env.PADDOCK_KEEP_TMP === undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('runs three voters and an observer', async () => {
    const members = await cluster.waitFor(settled, TIMEOUT_MS, 'three voters and an observer to serve');
    expect(members.map((m) => m.role)).toEqual(['participant', 'participant', 'participant', 'observer']);
    expect(members[3]!.mode).toBe('observer');
    expect(readFileSync(members[3]!.configPath, 'utf8')).toMatch(/^peerType=observer$/m);
    expect(readFileSync(members[0]!.configPath, 'utf8')).toMatch(/^server\.4=127\.0\.0\.1:\d+:\d+:observer$/m);
    await writeThrough(members[3]!, '/through-observer');
  });

  it('a wiped follower catches up from the leader after restart', async () => {
    const members = await cluster.waitFor(settled, TIMEOUT_MS, 'a settled ensemble');
    const follower = members.find((m) => m.mode === 'follower')!;
    const leader = leaders(members)[0]!;
    await cluster.killMember(follower.id);
    cluster.wipeMember(follower.id);
    await writeThrough(leader, '/while-wiped');
    await cluster.startMember(follower.id);
    const after = await cluster.waitFor(settled, TIMEOUT_MS, 'the wiped follower to rejoin');
    const rejoined = after.find((m) => m.id === follower.id)!;
    expect(rejoined.mode).toBe('follower');
    await waitUntil(() => cluster.memberState(follower.id).nodeCount === cluster.memberState(leader.id).nodeCount, 10_000, 'node counts to agree');
  });

  it('adds a voter with a rolling restart, then removes it', async () => {
    const added = await cluster.addMember();
    expect(added.id).toBe(5);
    expect(cluster.memberIds).toEqual([1, 2, 3, 4, 5]);
    const members = await cluster.waitFor(settled, TIMEOUT_MS, 'five members to settle');
    expect(members.filter((m) => m.mode === 'follower' || m.mode === 'leader')).toHaveLength(4);
    for (const m of members) expect(readFileSync(m.configPath, 'utf8')).toMatch(/^server\.5=/m);
    expect(cluster.snapshot().links).toHaveLength(20);
    await writeThrough(members.find((m) => m.id === 5)!, '/through-new-member');

    await cluster.removeMember(5);
    expect(cluster.memberIds).toEqual([1, 2, 3, 4]);
    const after = await cluster.waitFor(settled, TIMEOUT_MS, 'four members to settle after the removal');
    for (const m of after) expect(readFileSync(m.configPath, 'utf8')).not.toMatch(/^server\.5=/m);
    expect(cluster.snapshot().links).toHaveLength(12);
    await writeThrough(after[0]!, '/after-removal');
  }, 150_000);

  it('leaves no process behind after stop', async () => {
    await cluster.stop();
    await waitUntil(() => processesMentioning(dir).length === 0, 5000, 'members and watchdogs to exit');
  });
});

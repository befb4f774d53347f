// Membership changes of a Paddock local cluster through reconfig: a fourth member joins without anyone restarting,
// every member's /zookeeper/config lists it at the shared ingress addresses, the links still run through the
// proxies (isolating a member still cuts it off), it leaves again, and after that a killed leader is replaced.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient } from '../../../node-core/client/index.js';
import { LocalCluster, type MemberState } from '../../../node-core/cluster/index.js';
import { leaders, writeThrough } from './clusterTestUtil.js';

const TIMEOUT_MS = 40_000;
const serving = (members: MemberState[]) => members.filter((m) => m.mode === 'leader' || m.mode === 'follower');
const servers = (text: string) => text.split('\n').filter((line) => line.startsWith('server.'));

describe('local cluster, paddock engine: addMember/removeMember through reconfig', () => {
  let dir: string;
  let cluster: LocalCluster;
  const pidsBefore = new Map<number, number | undefined>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paddock-cluster-reconfig-'));
    cluster = await LocalCluster.create({ nodes: 3, dir, engine: 'paddock', pollIntervalMs: 250, tickTime: 500, initLimit: 10, syncLimit: 5 });
    await cluster.start();
    await cluster.waitFor((m) => serving(m).length === 3 && leaders(m).length === 1, TIMEOUT_MS, 'three serving members');
    await writeThrough(cluster.memberState(1), '/before');
    for (const id of cluster.memberIds) pidsBefore.set(id, cluster.memberState(id).pid);
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop({ timeoutMs: 3000 });
    if (process.env.PADDOCK_KEEP_TMP === undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('adds a fourth voter without restarting the others', async () => {
    const added = await cluster.addMember();
    expect(added.id).toBe(4);
    const members = await cluster.waitFor((m) => serving(m).length === 4, TIMEOUT_MS, 'four serving members');
    expect(members.every((m) => m.role === 'participant')).toBe(true);
    for (const id of [1, 2, 3]) expect(cluster.memberState(id).pid).toBe(pidsBefore.get(id));
    const texts = await Promise.all(cluster.memberIds.map((id) => cluster.configOf(id)));
    for (const text of texts) {
      expect(servers(text)).toHaveLength(4);
      expect(text).toBe(texts[0]);
    }
    // The shared text names no member's real quorum port: every link keeps going through the supervisor.
    for (const m of members) expect(texts[0]).not.toContain(`:${m.ports.quorum}:`);
    await writeThrough(cluster.memberState(4), '/via-four');
    const client = await ZkClient.connect(cluster.memberState(1).hostPort, { connectTimeoutMs: 5000 });
    try {
      await client.sync('/via-four');
      expect(await client.exists('/via-four')).not.toBeNull();
      expect(await client.exists('/before')).not.toBeNull();
    } finally {
      await client.close();
    }
  }, 90_000);

  it('still cuts links: an isolated follower stops serving and comes back after heal', async () => {
    const follower = cluster.snapshot().members.find((m) => m.mode === 'follower')!;
    cluster.isolate(follower.id);
    await cluster.waitFor((m) => m.find((s) => s.id === follower.id)!.mode === 'not serving', TIMEOUT_MS, 'the isolated member to stop serving');
    await cluster.waitFor((m) => serving(m).length === 3 && leaders(m).length === 1, TIMEOUT_MS, 'the other three to serve');
    cluster.heal(follower.id);
    await cluster.waitFor((m) => serving(m).length === 4, TIMEOUT_MS, 'four serving members after heal');
  }, 90_000);

  it('a restarted member keeps the membership and listens on its own ports', async () => {
    const follower = cluster.snapshot().members.find((m) => m.mode === 'follower')!;
    await cluster.killMember(follower.id);
    await cluster.startMember(follower.id);
    await cluster.waitFor((m) => serving(m).length === 4, TIMEOUT_MS, 'four serving members after a restart');
    expect(servers(await cluster.configOf(follower.id))).toHaveLength(4);
  }, 90_000);

  it('removes the fourth member again; the rest elect a new leader when theirs is killed', async () => {
    await cluster.removeMember(4);
    expect(cluster.memberIds).toEqual([1, 2, 3]);
    await cluster.waitFor((m) => serving(m).length === 3, TIMEOUT_MS, 'three serving members');
    for (const id of cluster.memberIds) expect(servers(await cluster.configOf(id))).toHaveLength(3);
    expect(readdirSync(join(dir, '4', 'data')).some((name) => name.startsWith('zoo.cfg.dynamic.'))).toBe(true);

    const leader = leaders(cluster.snapshot().members)[0]!;
    await cluster.killMember(leader.id);
    const after = await cluster.waitFor(
      (m) => leaders(m).length === 1 && leaders(m)[0]!.id !== leader.id && serving(m).length === 2,
      TIMEOUT_MS,
      'a new leader among the remaining two',
    );
    await writeThrough(leaders(after)[0]!, '/after-failover');
  }, 120_000);
});

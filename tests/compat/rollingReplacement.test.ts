// A running 3-member Apache ZooKeeper 3.8 ensemble replaced by Paddock one member at a time, on the same data dirs and
// zoo.cfg files, with writers running; then back to Apache by kill -9, of the leader whenever Paddock leads. Every
// acknowledged write must survive, in each writer's order, and every client session (writers and holders of
// ephemerals) must come through without expiring: the procedure the README's "Migrating from ZooKeeper" describes.
import { afterAll, describe, expect, it } from 'vitest';
import { ZkClient } from '../../node-core/client/index.js';
import { CreateMode } from '../../node-core/protocol/constants.js';
import { apacheLauncher } from '../helpers/apacheZk.js';
import { expectAcknowledgedInOrder, expectEveryMemberHas, startWriters, type AcknowledgedWriters } from '../helpers/acknowledgedWriters.js';
import { waitForLeader } from '../helpers/ensembleModes.js';
import { MIXED_ENGINE_CONFIG, paddockLauncher } from '../helpers/paddockServer.js';
import { startEnsemble, type ServerLauncher, type ZkMember, type ZkTarget } from '../helpers/zkEnsemble.js';

// Small enough that both engines snapshot several times during the run, so each reads snapshots the other wrote.
const SNAP_COUNT = 400;
const SESSION_TIMEOUT = 30_000;

let target: ZkTarget | undefined;
const clients: ZkClient[] = [];
const expired: string[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await target?.stop();
});

async function open(connectString: string): Promise<ZkClient> {
  const c = await ZkClient.connect(connectString, { sessionTimeout: SESSION_TIMEOUT });
  const id = c.sessionId;
  c.on('state', (state) => {
    if (state === 'expired') expired.push(`0x${id.toString(16)}`);
  });
  clients.push(c);
  return c;
}

const engine = new Map<number, ServerLauncher['kind']>();
const mixOf = (t: ZkTarget) => t.members.map((m) => `${m.id}:${engine.get(m.id)}`).join(' ');

/** The writers must keep being acknowledged through the new mix: at least `count` more within 20 s. */
async function expectProgress(writers: AcknowledgedWriters, count: number, step: string): Promise<void> {
  const wanted = writers.acknowledged.length + count;
  const deadline = Date.now() + 20_000;
  while (writers.acknowledged.length < wanted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(writers.acknowledged.length, `writes acknowledged after ${step}`).toBeGreaterThanOrEqual(wanted);
}

async function replace(t: ZkTarget, member: ZkMember, launcher: ServerLauncher, how: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (how === 'SIGKILL') await t.kill(member.id);
  else expect((await t.signalAndWait(member.id, 'SIGTERM', 10_000)).timedOut).toBe(false);
  await t.restartWith(member.id, launcher);
  engine.set(member.id, launcher.kind);
}

describe('rolling replacement of a running Apache ZooKeeper ensemble by Paddock, and back', () => {
  it('loses no acknowledged write and expires no session, member by member, with leaders killed on the way back', async () => {
    target = await startEnsemble(apacheLauncher, { size: 3, extraConfig: { ...MIXED_ENGINE_CONFIG, snapCount: SNAP_COUNT } });
    const t = target;
    for (const m of t.members) engine.set(m.id, 'apache');
    const setup = await open(t.connectString);
    await setup.create('/load');
    await setup.create('/held');
    // Sessions that only hold ephemerals and must keep them through every restart.
    const holders = await Promise.all([0, 1, 2].map(() => open(t.connectString)));
    const holdings = await Promise.all(
      holders.map((h, i) => h.create(`/held/h${i}`, `session 0x${h.sessionId.toString(16)}`, { mode: CreateMode.ephemeral })),
    );
    const sessions = holders.map((h) => h.sessionId);
    const writers = startWriters(t.connectString, 3, open);
    await expectProgress(writers, 100, 'start');
    const leaders: string[] = [];

    // Forward: each Apache member stopped (SIGTERM) and started again as Paddock on its zoo.cfg and data dir.
    for (const m of t.members) {
      await replace(t, m, paddockLauncher, 'SIGTERM');
      const leader = await waitForLeader(t);
      leaders.push(`${leader.id}:${engine.get(leader.id)}`);
      await expectProgress(writers, 100, `member ${m.id} became Paddock (${mixOf(t)})`);
    }
    expect(logOf(t, 'paddock')).toMatch(/Loaded snapshot snapshot\.[0-9a-f]+/);

    // Back, by kill -9: the leader while a Paddock member leads, else the last Paddock follower (with equal zxids
    // elections favour the highest server id, so the lowest one never leads while the others are up).
    let leaderKills = 0;
    while ([...engine.values()].includes('paddock')) {
      const leader = await waitForLeader(t);
      leaders.push(`${leader.id}:${engine.get(leader.id)}`);
      const victim = engine.get(leader.id) === 'paddock' ? leader : t.members.find((m) => engine.get(m.id) === 'paddock')!;
      if (victim === leader) leaderKills++;
      await replace(t, victim, apacheLauncher, 'SIGKILL');
      await waitForLeader(t);
      await expectProgress(writers, 100, `member ${victim.id} killed and restarted as Apache (${mixOf(t)})`);
    }
    expect(leaderKills, `leaders on the way: ${leaders.join(', ')}`).toBeGreaterThanOrEqual(2);
    await writers.stop();

    expect(new Set(leaders.map((l) => l.split(':')[1])), `leaders on the way: ${leaders.join(', ')}`).toEqual(
      new Set(['apache', 'paddock']),
    );
    await expectEveryMemberHas(t, writers.acknowledged, open);
    await expectAcknowledgedInOrder(t.members[0]!.hostPort, writers.acknowledged, open);
    expect(expired, 'sessions that expired').toEqual([]);
    for (const [i, h] of holders.entries()) {
      expect(h.sessionId).toBe(sessions[i]);
      await h.waitForConnected();
      expect((await h.exists(holdings[i]!))?.ephemeralOwner).toBe(sessions[i]);
    }
    for (const m of t.members) {
      const mntr = await t.fourLetterWord('mntr', m.id);
      expect(/^zk_digest_mismatches_count\t.*$/m.exec(mntr)?.[0], `member ${m.id} (${engine.get(m.id)}) mntr:\n${mntr}`).toBe('zk_digest_mismatches_count\t0');
    }
  }, 300_000);
});

function logOf(t: ZkTarget, kind: ServerLauncher['kind']): string {
  return t.members.filter((m) => engine.get(m.id) === kind).map((m) => t.logTail(m.id, 400)).join('\n');
}

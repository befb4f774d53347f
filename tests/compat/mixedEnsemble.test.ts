// Paddock and Apache ZooKeeper 3.8 members in one 3-member ensemble, in both mixes (2 Apache + 1 Paddock, 1 Apache +
// 2 Paddock): they elect, serve and replicate whichever engine leads. Writes made through every member read back on
// every member; a session moves between engines and keeps its ephemerals; the leader is killed (-9) until each engine
// has led, under writers whose every acknowledged create must survive; Apache members count no digest mismatch, so
// the trees (and the digests proposals carry) are the same on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient } from '../../node-core/client/index.js';
import { CreateMode } from '../../node-core/protocol/constants.js';
import { apacheLauncher } from '../helpers/apacheZk.js';
import { expectEveryMemberHas, startWriters } from '../helpers/acknowledgedWriters.js';
import { waitForLeader } from '../helpers/ensembleModes.js';
import { MIXED_ENGINE_CONFIG, paddockLauncher } from '../helpers/paddockServer.js';
import { startEnsemble, type ServerLauncher, type ZkMember, type ZkTarget } from '../helpers/zkEnsemble.js';

interface Mix {
  name: string;
  /** Member ids that run Paddock; the others run Apache ZooKeeper. */
  paddock: number[];
}

// Paddock starts faster than a JVM, so in the second mix the two Paddock members elect one of them first.
const mixes: Mix[] = [
  { name: '2 Apache + 1 Paddock', paddock: [3] },
  { name: '1 Apache + 2 Paddock', paddock: [1, 2] },
];

describe.each(mixes)('a mixed ensemble of $name', (mix) => {
  let target: ZkTarget;
  const clients: ZkClient[] = [];
  const engineOf = (m: ZkMember): ServerLauncher['kind'] => (mix.paddock.includes(m.id) ? 'paddock' : 'apache');
  const named = (m: ZkMember) => `member ${m.id} (${engineOf(m)})`;

  async function open(connectString: string, options: { shuffleHosts?: boolean } = {}): Promise<ZkClient> {
    const c = await ZkClient.connect(connectString, { sessionTimeout: 20_000, ...options });
    clients.push(c);
    return c;
  }

  const running = () => target.members.filter((m) => m.pid !== undefined);

  /** Each running member takes a write, and each reads every one back (after a sync) with the same data and Stat. */
  async function writeThroughEveryMember(tag: string): Promise<void> {
    for (const m of running()) {
      const c = await open(m.hostPort);
      await c.create(`/rw/${tag}-via-${m.id}`, `written through ${named(m)}`);
      await c.close();
    }
    let reference: unknown;
    for (const m of running()) {
      const c = await open(m.hostPort);
      await c.sync('/rw');
      const names = (await c.getChildren('/rw')).filter((n) => n.startsWith(`${tag}-`)).sort();
      expect(names, `${named(m)} reads ${tag}`).toEqual(running().map((w) => `${tag}-via-${w.id}`).sort());
      const seen = await Promise.all(names.map((n) => c.getData(`/rw/${n}`)));
      reference ??= seen;
      expect(seen, `${named(m)}: data and Stat as the others see them`).toEqual(reference);
      await c.close();
    }
  }

  async function expectNoDigestMismatch(): Promise<void> {
    for (const m of running().filter((x) => engineOf(x) === 'apache')) {
      expect(await target.fourLetterWord('mntr', m.id), named(m)).toMatch(/^zk_digest_mismatches_count\t0$/m);
    }
  }

  beforeAll(async () => {
    const engines = Object.fromEntries(mix.paddock.map((id) => [id, paddockLauncher]));
    target = await startEnsemble(apacheLauncher, { size: 3, engines, extraConfig: MIXED_ENGINE_CONFIG });
    const setup = await open(target.connectString);
    await setup.create('/rw');
    await setup.create('/load');
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await target?.stop();
  });

  it('elects one leader and serves reads and writes through every member', async () => {
    const leader = await waitForLeader(target);
    expect(mix.paddock.length + target.members.filter((m) => engineOf(m) === 'apache').length).toBe(3);
    await writeThroughEveryMember(`start-led-by-${leader.id}`);
    await expectNoDigestMismatch();
  }, 60_000);

  it('a session moves between a Paddock and an Apache member and keeps its ephemerals', async () => {
    const paddock = target.members.find((m) => engineOf(m) === 'paddock')!;
    const apache = target.members.find((m) => engineOf(m) === 'apache')!;
    for (const [first, second] of [
      [paddock, apache],
      [apache, paddock],
    ] as const) {
      const owner = await open(`${first.hostPort},${second.hostPort}`, { shuffleHosts: false });
      expect(owner.currentServer).toBe(first.hostPort);
      const made = await owner.create(`/rw/eph-${first.id}-`, 'on the first', { mode: CreateMode.ephemeralSequential });
      const sessionId = owner.sessionId;
      const trail: string[] = [];
      owner.on('state', (state) => trail.push(`${state} ${owner.currentServer ?? ''}`));
      owner.on('connectFailed', (host, error) => trail.push(`connect to ${host} failed: ${error.message}`));
      owner.dropConnection(); // the client reconnects to the other member with the same session
      await owner.waitForState('disconnected', 5_000);
      await owner.waitForConnected();
      expect(owner.currentServer, trail.join('; ')).toBe(second.hostPort);
      expect(owner.sessionId).toBe(sessionId);
      // a write after the move: the leader has the session's new owner, so no SessionMoved
      const madeAfter = await owner.create(`/rw/eph-${second.id}-`, 'on the second', { mode: CreateMode.ephemeralSequential });
      for (const m of target.members) {
        const reader = await open(m.hostPort);
        await reader.sync('/rw');
        expect((await reader.exists(made))?.ephemeralOwner, `${named(m)} sees ${made}`).toBe(sessionId);
        expect((await reader.exists(madeAfter))?.ephemeralOwner, `${named(m)} sees ${madeAfter}`).toBe(sessionId);
        await reader.close();
      }
      await owner.close();
      for (const m of target.members) {
        const reader = await open(m.hostPort);
        await reader.sync('/rw');
        expect(await reader.exists(made), `${named(m)}: closing the session removed ${made}`).toBeNull();
        expect(await reader.exists(madeAfter), `${named(m)}: closing the session removed ${madeAfter}`).toBeNull();
        await reader.close();
      }
    }
  }, 60_000);

  it('the leader killed (-9) until each engine has led: no acknowledged write lost, every member agrees', async () => {
    const led = new Set<string>();
    let leader = await waitForLeader(target);
    led.add(engineOf(leader));
    const writers = startWriters(target.connectString, 3, (cs) => open(cs));
    const pending: ZkMember[] = [];
    for (let round = 0; round < 4 && led.size < 2; round++) {
      await new Promise((resolve) => setTimeout(resolve, 800));
      await target.kill(leader.id);
      pending.push(leader);
      leader = await waitForLeader(target);
      led.add(engineOf(leader));
      // the killed member comes back as a follower (DIFF or TRUNC from a leader of either engine)
      await target.restart(pending.shift()!.id);
      leader = await waitForLeader(target);
      await writeThroughEveryMember(`round-${round}-led-by-${leader.id}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 800));
    await writers.stop();
    expect([...led].sort(), 'engines that led').toEqual(['apache', 'paddock']);
    expect(writers.acknowledged.length).toBeGreaterThan(20);
    await expectEveryMemberHas(target, writers.acknowledged, (cs) => open(cs));
    await expectNoDigestMismatch();
  }, 240_000);
});

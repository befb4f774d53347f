import { describe, expect, it } from 'vitest';
import { FastLeaderElection, type ElectionAction, type Notification } from '../../../node-core/consensus/fastLeaderElection.js';
import { ServerState } from '../../../node-core/protocol/quorumPackets.js';

type Elected = Extract<ElectionAction, { kind: 'elected' }>;

/** Delivers every notification at once, in order, between live members; ticks advance a shared clock. */
class ElectionNet {
  readonly nodes = new Map<number, FastLeaderElection>();
  readonly results = new Map<number, Elected>();
  private readonly queue: { from: number; to: number; n: Notification }[] = [];
  now = 0;

  constructor(
    readonly voters: number[],
    readonly down: Set<number> = new Set(),
  ) {
    for (const id of voters) if (!down.has(id)) this.nodes.set(id, new FastLeaderElection({ myId: id, voters }));
  }

  absorb(from: number, actions: ElectionAction[]): void {
    for (const action of actions) {
      if (action.kind === 'send') {
        if (!this.down.has(action.to)) this.queue.push({ from, to: action.to, n: action.notification });
      } else this.results.set(from, action);
    }
  }

  start(id: number, lastLoggedZxid: bigint, currentEpoch: bigint): void {
    this.absorb(id, this.nodes.get(id)!.start(this.now, { lastLoggedZxid, currentEpoch }));
  }

  deliverAll(): void {
    while (this.queue.length > 0) {
      const { from, to, n } = this.queue.shift()!;
      const node = this.nodes.get(to);
      if (node) this.absorb(to, node.receive(from, n, this.now));
    }
  }

  advance(ms: number): void {
    const end = this.now + ms;
    while (this.now < end) {
      this.now += 10;
      for (const [id, node] of this.nodes) this.absorb(id, node.tick(this.now));
      this.deliverAll();
    }
  }
}

describe('FastLeaderElection', () => {
  it('elects the highest (peerEpoch, zxid, sid) and waits finalizeWait before deciding', () => {
    const net = new ElectionNet([1, 2, 3]);
    net.start(1, 0x200000009n, 2n); // highest zxid but an older epoch
    net.start(2, 0x300000001n, 3n); // highest epoch
    net.start(3, 0x300000001n, 3n); // same epoch and zxid as 2, higher sid
    net.deliverAll();
    expect(net.results.size).toBe(0);
    net.advance(190);
    expect(net.results.size).toBe(0);
    net.advance(30);
    expect(net.results.get(3)).toMatchObject({ leader: 3, state: ServerState.LEADING, zxid: 0x300000001n, peerEpoch: 3n });
    expect(net.results.get(1)).toMatchObject({ leader: 3, state: ServerState.FOLLOWING });
    expect(net.results.get(2)).toMatchObject({ leader: 3, state: ServerState.FOLLOWING, electionEpoch: 1n });
  });

  it('prefers the higher zxid within an epoch, then the higher sid', () => {
    const net = new ElectionNet([1, 2, 3]);
    net.start(1, 0x100000005n, 1n);
    net.start(2, 0x100000004n, 1n);
    net.start(3, 0x100000004n, 1n);
    net.deliverAll();
    net.advance(300);
    for (const id of [1, 2, 3]) expect(net.results.get(id)?.leader).toBe(1);
  });

  it('elects with one of five members down, from a quorum of three', () => {
    const net = new ElectionNet([1, 2, 3, 4, 5], new Set([5]));
    for (const id of [1, 2, 3, 4]) net.start(id, 0x100000003n, 1n);
    net.deliverAll();
    net.advance(300);
    for (const id of [1, 2, 3, 4]) expect(net.results.get(id)?.leader).toBe(4);
    expect(net.results.get(4)?.state).toBe(ServerState.LEADING);
  });

  it('does not elect without a quorum, and resends with a doubling timeout', () => {
    const net = new ElectionNet([1, 2, 3, 4, 5], new Set([3, 4, 5]));
    let sends = 0;
    const node = net.nodes.get(1)!;
    const start = node.start(0, { lastLoggedZxid: 0n, currentEpoch: 0n });
    expect(start.filter((a) => a.kind === 'send').map((a) => (a as { to: number }).to)).toEqual([2, 3, 4, 5]);
    const resendTimes: number[] = [];
    for (let now = 10; now <= 2000; now += 10) {
      const actions = node.tick(now);
      if (actions.some((a) => a.kind === 'send')) resendTimes.push(now);
      sends += actions.length;
    }
    expect(resendTimes).toEqual([200, 600, 1400]);
    expect(sends).toBe(12);
    expect(node.isLooking).toBe(true);
  });

  it('caps the resend interval at 60 seconds', () => {
    const node = new FastLeaderElection({ myId: 1, voters: [1, 2, 3] });
    node.start(0, { lastLoggedZxid: 0n, currentEpoch: 0n });
    const times: number[] = [];
    for (let now = 0; now <= 400_000; now += 100) if (node.tick(now).length > 0) times.push(now);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...gaps)).toBe(60_000);
  });

  it('abandons a quorum decision when a better vote arrives during finalizeWait', () => {
    const node = new FastLeaderElection({ myId: 2, voters: [1, 2, 3] });
    node.start(0, { lastLoggedZxid: 0x100000001n, currentEpoch: 1n });
    const looking = (leader: number, zxid: bigint): Notification => ({ leader, zxid, electionEpoch: 1n, peerEpoch: 1n, state: ServerState.LOOKING, version: 2 });
    node.receive(1, looking(2, 0x100000001n), 10); // 1 agrees with us: quorum {1,2}
    const better = node.receive(3, looking(3, 0x100000002n), 100);
    expect(better.filter((a) => a.kind === 'send')).toHaveLength(2); // we switch to 3 and tell everyone
    expect(node.tick(250)).toEqual([]); // the earlier finalize was cancelled
    expect(node.vote.leader).toBe(3);
  });

  it('ignores LOOKING notifications of an older round but answers them with our round', () => {
    const node = new FastLeaderElection({ myId: 1, voters: [1, 2, 3] });
    node.start(0, { lastLoggedZxid: 0n, currentEpoch: 0n });
    node.start(0, { lastLoggedZxid: 0n, currentEpoch: 0n }); // round 2
    const actions = node.receive(2, { leader: 2, zxid: 5n, electionEpoch: 1n, peerEpoch: 0n, state: ServerState.LOOKING, version: 2 }, 10);
    expect(actions).toEqual([{ kind: 'send', to: 2, notification: expect.objectContaining({ electionEpoch: 2n, leader: 1 }) }]);
    expect(node.vote.leader).toBe(1);
  });

  it('jumps to a newer round and re-votes from its own initial vote', () => {
    const node = new FastLeaderElection({ myId: 1, voters: [1, 2, 3] });
    node.start(0, { lastLoggedZxid: 0x100000009n, currentEpoch: 1n });
    node.receive(2, { leader: 2, zxid: 0x100000001n, electionEpoch: 7n, peerEpoch: 1n, state: ServerState.LOOKING, version: 2 }, 10);
    expect(node.round).toBe(7n);
    expect(node.vote.leader).toBe(1);
  });

  it('joins an established ensemble once a quorum follows a leader that reports LEADING', () => {
    const node = new FastLeaderElection({ myId: 4, voters: [1, 2, 3, 4, 5] });
    node.start(0, { lastLoggedZxid: 0x100000002n, currentEpoch: 1n });
    const established = (state: Notification['state'], electionEpoch = 3n): Notification => ({
      leader: 2, zxid: 0x100000002n, electionEpoch, peerEpoch: 2n, state, version: 2,
    });
    expect(node.receive(1, established(ServerState.FOLLOWING), 10).some((a) => a.kind === 'elected')).toBe(false);
    expect(node.receive(3, established(ServerState.FOLLOWING), 20).some((a) => a.kind === 'elected')).toBe(false);
    // A quorum of three agreeing votes now, but the leader itself has not said it leads.
    expect(node.receive(5, established(ServerState.FOLLOWING), 30).some((a) => a.kind === 'elected')).toBe(false);
    const actions = node.receive(2, established(ServerState.LEADING), 40);
    expect(actions).toContainEqual(expect.objectContaining({ kind: 'elected', leader: 2, state: ServerState.FOLLOWING, electionEpoch: 3n }));
    expect(node.round).toBe(3n);
  });

  it('does not follow a quorum that points at a leader never heard from', () => {
    const node = new FastLeaderElection({ myId: 3, voters: [1, 2, 3] });
    node.start(0, { lastLoggedZxid: 0n, currentEpoch: 0n });
    const following = { leader: 1, zxid: 0n, electionEpoch: 5n, peerEpoch: 1n, state: ServerState.FOLLOWING, version: 2 } as const;
    node.receive(2, following, 10);
    expect(node.isLooking).toBe(true);
  });

  it('answers LOOKING peers with its elected vote once the election is over', () => {
    const net = new ElectionNet([1, 2, 3]);
    for (const id of [1, 2, 3]) net.start(id, 0n, 0n);
    net.deliverAll();
    net.advance(300);
    const leader = net.nodes.get(3)!;
    leader.updatePeerEpoch(1n);
    const answer = leader.receive(1, { leader: 1, zxid: 0n, electionEpoch: 9n, peerEpoch: 0n, state: ServerState.LOOKING, version: 2 }, 400);
    expect(answer).toEqual([
      { kind: 'send', to: 1, notification: expect.objectContaining({ leader: 3, state: ServerState.LEADING, peerEpoch: 1n, electionEpoch: 1n }) },
    ]);
    expect(leader.receive(2, { leader: 3, zxid: 0n, electionEpoch: 1n, peerEpoch: 1n, state: ServerState.FOLLOWING, version: 2 }, 400)).toEqual([]);
  });

  it('never lets an observer vote or be voted for; observers learn the leader from answers', () => {
    const voters = [1, 2, 3];
    const observer = new FastLeaderElection({ myId: 4, voters });
    const start = observer.start(0, { lastLoggedZxid: 0x100000005n, currentEpoch: 1n });
    expect(start.filter((a) => a.kind === 'send')).toHaveLength(3);
    expect(observer.vote.leader).toBeLessThan(0);
    const voter = new FastLeaderElection({ myId: 1, voters });
    voter.start(0, { lastLoggedZxid: 0n, currentEpoch: 0n });
    // A vote for the observer is ignored; the observer's own notification is answered directly.
    voter.receive(2, { leader: 4, zxid: 0x900000000n, electionEpoch: 1n, peerEpoch: 9n, state: ServerState.LOOKING, version: 2 }, 5);
    expect(voter.vote.leader).toBe(1);
    expect(voter.receive(4, { leader: 4, zxid: 0n, electionEpoch: 1n, peerEpoch: 0n, state: ServerState.LOOKING, version: 2 }, 6)).toEqual([
      { kind: 'send', to: 4, notification: expect.objectContaining({ leader: 1 }) },
    ]);
    for (const sid of [1, 2]) {
      observer.receive(sid, { leader: 2, zxid: 0n, electionEpoch: 4n, peerEpoch: 1n, state: ServerState.FOLLOWING, version: 2 }, 10);
    }
    const joined = observer.receive(2, { leader: 2, zxid: 0n, electionEpoch: 4n, peerEpoch: 1n, state: ServerState.LEADING, version: 2 }, 11);
    expect(joined).toContainEqual(expect.objectContaining({ kind: 'elected', leader: 2, state: ServerState.OBSERVING }));
  });
});

describe('FastLeaderElection with observers', () => {
  it('an observer does not answer a voter whose round is behind (that exchange would never end)', () => {
    const observer = new FastLeaderElection({ myId: 4, voters: [1, 2, 3] });
    for (let i = 0; i < 5; i++) observer.start(0, { lastLoggedZxid: 0n, currentEpoch: 0n });
    const answer = observer.receive(1, { leader: 1, zxid: 0n, electionEpoch: 1n, peerEpoch: 0n, state: ServerState.LOOKING, version: 2 }, 10);
    expect(answer.filter((a) => a.kind === 'send')).toEqual([]);
  });

  it('a looking voter and an observing observer exchange one answer each, not answers forever (sim seed 910)', () => {
    const voters = [1, 2, 3];
    const voter = new FastLeaderElection({ myId: 3, voters });
    voter.start(0, { lastLoggedZxid: 0x10000012an, currentEpoch: 1n });
    voter.start(0, { lastLoggedZxid: 0x10000012an, currentEpoch: 1n });
    // Observer 4 follows leader 2 of epoch 2 and is no longer looking.
    const observer = new FastLeaderElection({ myId: 4, voters });
    observer.start(0, { lastLoggedZxid: 0x100000129n, currentEpoch: 1n });
    for (const sid of [1, 2]) {
      const state = sid === 2 ? ServerState.LEADING : ServerState.FOLLOWING;
      observer.receive(sid, { leader: 2, zxid: 0x100000129n, electionEpoch: 2n, peerEpoch: 2n, state, version: 2 }, 10);
    }
    expect(observer.isLooking).toBe(false);
    // The voter's answer to the observer's last LOOKING notification arrives after the observer joined: from then on
    // every notification one of them sent would be answered by the other while the voter looks.
    let inFlight: { from: number; to: number; n: Notification }[] = [
      { from: 3, to: 4, n: { ...voter.vote, state: ServerState.LOOKING, version: 2 } },
    ];
    let delivered = 0;
    while (inFlight.length > 0 && delivered < 10) {
      const { from, to, n } = inFlight.shift()!;
      delivered++;
      const receiver = to === 3 ? voter : observer;
      for (const action of receiver.receive(from, n, 20 + delivered)) {
        if (action.kind === 'send') inFlight.push({ from: to, to: action.to, n: action.notification });
      }
    }
    expect(voter.isLooking).toBe(true);
    expect(delivered).toBe(2);
    expect(inFlight).toEqual([]);
  });

  it('a voter still answers a looking observer at once, with its round when looking and its leader when not', () => {
    const voters = [1, 2, 3];
    const looking = new FastLeaderElection({ myId: 1, voters });
    looking.start(0, { lastLoggedZxid: 0n, currentEpoch: 0n });
    const lookingObserver = { leader: -1, zxid: -1n, electionEpoch: 1n, peerEpoch: -1n, state: ServerState.LOOKING, version: 2 };
    expect(looking.receive(4, lookingObserver, 5)).toEqual([
      { kind: 'send', to: 4, notification: expect.objectContaining({ leader: 1, electionEpoch: 1n, state: ServerState.LOOKING }) },
    ]);
    const follower = new FastLeaderElection({ myId: 1, voters });
    follower.start(0, { lastLoggedZxid: 0n, currentEpoch: 0n });
    for (const sid of [2, 3]) {
      follower.receive(sid, { leader: 3, zxid: 0n, electionEpoch: 1n, peerEpoch: 1n, state: sid === 3 ? ServerState.LEADING : ServerState.FOLLOWING, version: 2 }, 10);
    }
    expect(follower.isLooking).toBe(false);
    expect(follower.receive(4, lookingObserver, 20)).toEqual([
      { kind: 'send', to: 4, notification: expect.objectContaining({ leader: 3, state: ServerState.FOLLOWING }) },
    ]);
    // An observer that already observes needs nothing from a voter, and a voter never counts what it says.
    const observing = { leader: 3, zxid: 0n, electionEpoch: 1n, peerEpoch: 1n, state: ServerState.OBSERVING, version: 2 };
    expect(looking.receive(4, observing, 30)).toEqual([]);
    expect(follower.receive(4, observing, 30)).toEqual([]);
  });
});

describe('FastLeaderElection resend interval', () => {
  /** The times at which a member with no reachable peer sends its notifications again, over `spanMs`. */
  function resendTimes(election: FastLeaderElection, spanMs: number): number[] {
    const times: number[] = [];
    election.start(0, { lastLoggedZxid: 0n, currentEpoch: 0n });
    for (let now = 10; now <= spanMs; now += 10) {
      if (election.tick(now).some((a) => a.kind === 'send')) times.push(now);
    }
    return times;
  }

  it('doubles from finalizeWait up to ZooKeeper 60 s default', () => {
    const times = resendTimes(new FastLeaderElection({ myId: 1, voters: [1, 2, 3] }), 60_000);
    expect(times).toEqual([200, 600, 1400, 3000, 6200, 12600, 25400, 51000]);
  });

  it('never waits longer than maxNotificationIntervalMs, so an isolated member retries soon after a heal', () => {
    const times = resendTimes(new FastLeaderElection({ myId: 1, voters: [1, 2, 3], maxNotificationIntervalMs: 5000 }), 30_000);
    expect(times).toEqual([200, 600, 1400, 3000, 6200, 11200, 16200, 21200, 26200]);
  });
});

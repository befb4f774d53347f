import { describe, expect, it } from 'vitest';
import { Leader } from '../../../node-core/consensus/leader.js';
import { QuorumPacketType as T, encodeInt32, encodeLearnerInfo } from '../../../node-core/protocol/quorumPackets.js';
import { kinds, lastTicket, makeContext, packet, txn, typeName, type RecordingContext } from './zabHarness.js';

const E2 = 0x200000000n;

function info(sid: number, acceptedEpoch: bigint, observer = false) {
  return packet(observer ? T.OBSERVERINFO : T.FOLLOWERINFO, acceptedEpoch << 32n, encodeLearnerInfo({ serverid: BigInt(sid), protocolVersion: 0x10000, configVersion: 0n }));
}

function ackEpoch(lastZxid: bigint, currentEpoch: number) {
  return packet(T.ACKEPOCH, lastZxid, encodeInt32(currentEpoch));
}

function newLeader(voters = [1, 2, 3], keep = 500) {
  const ctx = makeContext({
    myId: 1,
    voters,
    tail: [txn(0x100000001n), txn(0x100000002n), txn(0x100000003n)],
    applied: 0x100000002n,
    acceptedEpoch: 1n,
    currentEpoch: 1n,
    keep,
  });
  const leader = new Leader(ctx, 0);
  leader.start(0);
  return { ctx, leader };
}

function completeAll(ctx: RecordingContext, leader: Leader, now: number): void {
  ctx.disk.complete(ctx.disk.lastIssued);
  leader.diskProgress(now);
}

/** An established leader of epoch 2 with followers `followers` synced (all at 1:3). */
function established(voters: number[], followers: number[], observers: number[] = []) {
  const { ctx, leader } = newLeader(voters);
  for (const sid of [...followers, ...observers]) leader.receive(sid, info(sid, 1n, observers.includes(sid)), 1);
  completeAll(ctx, leader, 2);
  for (const sid of [...followers, ...observers]) leader.receive(sid, ackEpoch(0x100000003n, 1), 3);
  completeAll(ctx, leader, 4);
  for (const sid of [...followers, ...observers]) leader.receive(sid, packet(T.ACK, E2), 5);
  expect(leader.isEstablished).toBe(true);
  ctx.take();
  return { ctx, leader };
}

describe('Leader discovery', () => {
  it('proposes max(accepted epochs)+1 once a quorum connected, and persists it before LEADERINFO', () => {
    const { ctx, leader } = newLeader([1, 2, 3, 4, 5]);
    leader.receive(2, info(2, 5n), 1);
    expect(ctx.actions).toEqual([]);
    leader.receive(3, info(3, 1n), 2);
    expect(kinds(ctx.actions)).toEqual(['persistAcceptedEpoch']);
    expect(ctx.actions[0]).toMatchObject({ epoch: 6n });
    expect(leader.epoch).toBe(6n);
    const ticket = lastTicket(ctx.take());
    ctx.disk.complete(ticket);
    leader.diskProgress(3);
    expect(ctx.sent().map((p) => [typeName(p.type), p.zxid])).toEqual([
      ['LEADERINFO', 0x600000000n],
      ['LEADERINFO', 0x600000000n],
    ]);
    ctx.take();
    leader.receive(4, info(4, 3n), 4); // too late to take part: gets the decided epoch at once
    expect(ctx.sent(4)).toEqual([packet(T.LEADERINFO, 0x600000000n, encodeInt32(0x10000))]);
  });

  it('does not let observers form the discovery quorum', () => {
    const { ctx, leader } = newLeader([1, 2, 3]);
    leader.receive(4, info(4, 1n, true), 1);
    expect(ctx.actions).toEqual([]);
  });

  it('refuses to lead when a learner is ahead of it (newer epoch, or same epoch and higher zxid)', () => {
    for (const [lastZxid, epoch] of [
      [0x100000004n, 1],
      [0x100000001n, 2],
    ] as const) {
      const { ctx, leader } = newLeader([1, 2, 3]);
      leader.receive(2, info(2, 2n), 1);
      completeAll(ctx, leader, 2);
      leader.receive(2, ackEpoch(lastZxid, epoch), 3);
      expect(leader.failure).toMatch(/ahead of the leader/);
    }
  });

  it('does not count an ACKEPOCH of -1 (epoch already accepted elsewhere), but still syncs that learner', () => {
    const { ctx, leader } = newLeader([1, 2, 3]);
    leader.receive(2, info(2, 1n), 1);
    leader.receive(3, info(3, 1n), 1);
    completeAll(ctx, leader, 2);
    ctx.take();
    leader.receive(2, ackEpoch(0x100000003n, -1), 3);
    expect(ctx.actions).toEqual([]);
    leader.receive(3, ackEpoch(0x100000003n, 1), 3);
    expect(new Set(ctx.sent().map((p) => typeName(p.type)))).toEqual(new Set(['DIFF', 'NEWLEADER']));
    expect(ctx.sent(2).length).toBe(2);
  });

  it('steps down when a learner has accepted a later epoch than the one it proposed (it could never join)', () => {
    const { leader } = established([1, 2, 3], [2]);
    leader.receive(3, info(3, 2n), 10);
    expect(leader.failure).toBeNull(); // an equal epoch is fine: it answers ACKEPOCH -1 and syncs
    leader.receive(3, info(3, 3n), 11);
    expect(leader.failure).toMatch(/accepted epoch 3, beyond ours/);
  });

  it('steps down when no quorum connects within initLimit', () => {
    const { leader } = newLeader([1, 2, 3]);
    leader.tick(999);
    expect(leader.failure).toBeNull();
    leader.tick(1000);
    expect(leader.failure).toMatch(/timed out in discovery/);
  });
});

describe('Leader synchronisation', () => {
  it('commits its history and serves only once a quorum (itself durable included) has ACKed NEWLEADER', () => {
    const { ctx, leader } = newLeader([1, 2, 3]);
    leader.receive(2, info(2, 1n), 1);
    completeAll(ctx, leader, 2);
    ctx.take();
    leader.receive(2, ackEpoch(0x100000002n, 1), 3);
    expect(kinds(ctx.actions)).toEqual(['persistCurrentEpoch', 'send DIFF', 'send PROPOSAL', 'send COMMIT', 'send NEWLEADER']);
    expect(ctx.sent(2)[0]!.zxid).toBe(0x100000003n); // DIFF carries the commit point
    expect(ctx.currentEpoch).toBe(2n);
    ctx.take();
    leader.receive(2, packet(T.ACK, E2), 4); // the follower is ready, but our currentEpoch is not durable yet
    expect(leader.isEstablished).toBe(false);
    expect(ctx.actions).toEqual([]);
    completeAll(ctx, leader, 5);
    expect(kinds(ctx.actions)).toEqual(['commit', 'send UPTODATE', 'serving']);
    expect(ctx.actions[0]).toEqual({ kind: 'commit', zxid: 0x100000003n });
    expect(ctx.sent(2)[0]!.zxid).toBe(0x100000003n);
  });

  it('truncates a learner that joins after establishment holding proposals it never had', () => {
    const { ctx, leader } = established([1, 2, 3], [2]);
    leader.receive(3, info(3, 1n), 10);
    leader.receive(3, ackEpoch(0x100000007n, 1), 11);
    expect(ctx.sent(3).map((p) => [typeName(p.type), p.zxid])).toEqual([
      ['LEADERINFO', E2],
      ['TRUNC', 0x100000003n],
      ['NEWLEADER', E2],
    ]);
  });

  it('sends a snapshot of its applied state followed by everything logged after it to a learner behind the window', () => {
    const { ctx, leader } = newLeader([1, 2, 3], 1);
    leader.receive(2, info(2, 1n), 1);
    completeAll(ctx, leader, 2);
    ctx.take();
    leader.receive(2, ackEpoch(0n, 0), 3);
    expect(kinds(ctx.actions)).toEqual(['persistCurrentEpoch', 'sendSnapshot', 'send PROPOSAL', 'send COMMIT', 'send NEWLEADER']);
    expect(ctx.actions[1]).toEqual({ kind: 'sendSnapshot', to: 2, zxid: 0x100000002n });
  });

  it('gives UPTODATE at once to a learner that syncs after the epoch is established', () => {
    const { ctx, leader } = established([1, 2, 3], [2]);
    leader.receive(3, info(3, 1n), 10);
    leader.receive(3, ackEpoch(0x100000003n, 1), 11);
    leader.receive(3, packet(T.ACK, E2), 12);
    expect(ctx.sent(3).map((p) => typeName(p.type))).toEqual(['LEADERINFO', 'DIFF', 'NEWLEADER', 'UPTODATE']);
  });

  it('holds COMMITs back from a learner between NEWLEADER and UPTODATE and sends them, in order, after UPTODATE', () => {
    // ZooKeeper 3.8.0 followers die on a COMMIT in that window (Learner.syncWithLeader dereferences a null proposal)
    const { ctx, leader } = established([1, 2, 3], [2]);
    const first = leader.propose(Buffer.from('a'))!;
    leader.receive(3, info(3, 1n), 10);
    leader.receive(3, ackEpoch(0x100000003n, 1), 11);
    expect(ctx.sent(3).map((p) => typeName(p.type))).toEqual(['LEADERINFO', 'DIFF', 'PROPOSAL', 'NEWLEADER']);
    ctx.take();
    const second = leader.propose(Buffer.from('b'))!;
    completeAll(ctx, leader, 12);
    leader.receive(2, packet(T.ACK, first), 13);
    leader.receive(2, packet(T.ACK, second), 13);
    expect(ctx.sent(2).map((p) => [typeName(p.type), p.zxid])).toEqual([
      ['PROPOSAL', second],
      ['COMMIT', first],
      ['COMMIT', second],
    ]);
    expect(ctx.sent(3).map((p) => typeName(p.type))).toEqual(['PROPOSAL']);
    ctx.take();
    leader.receive(3, packet(T.ACK, E2), 14);
    expect(ctx.sent(3).map((p) => [typeName(p.type), p.zxid])).toEqual([
      ['UPTODATE', second],
      ['COMMIT', first],
      ['COMMIT', second],
    ]);
  });
});

describe('Leader broadcast', () => {
  it('commits only when a quorum, its own durable log included, has ACKed', () => {
    const { ctx, leader } = established([1, 2, 3, 4, 5], [2, 3]);
    const zxid = leader.propose(Buffer.from('w'))!;
    expect(zxid).toBe(0x200000001n);
    expect(kinds(ctx.actions)).toEqual(['logTxns', 'send PROPOSAL', 'send PROPOSAL']);
    ctx.take();
    leader.receive(2, packet(T.ACK, zxid), 10);
    leader.receive(3, packet(T.ACK, zxid), 11);
    expect(ctx.actions).toEqual([]); // 2 and 3 are not a majority of 5 without the leader's own durable copy
    completeAll(ctx, leader, 12);
    expect(kinds(ctx.actions)).toEqual(['commit', 'send COMMIT', 'send COMMIT']);
  });

  it('does not commit with the leader plus one follower out of five', () => {
    const { ctx, leader } = established([1, 2, 3, 4, 5], [2, 3]);
    const zxid = leader.propose(Buffer.from('w'))!;
    completeAll(ctx, leader, 10);
    leader.receive(2, packet(T.ACK, zxid), 11);
    expect(ctx.actions.some((a) => a.kind === 'commit')).toBe(false);
  });

  it('commits in zxid order even when a later proposal reaches a quorum first', () => {
    const { ctx, leader } = established([1, 2, 3], [2, 3]);
    const first = leader.propose(Buffer.from('a'))!;
    const second = leader.propose(Buffer.from('b'))!;
    completeAll(ctx, leader, 9);
    ctx.take();
    leader.receive(2, packet(T.ACK, second), 10);
    expect(ctx.actions).toEqual([]);
    leader.receive(2, packet(T.ACK, first), 11);
    expect(ctx.actions.filter((a) => a.kind === 'commit')).toEqual([
      { kind: 'commit', zxid: first },
      { kind: 'commit', zxid: second },
    ]);
  });

  it('tells observers only of committed transactions, by INFORM', () => {
    const { ctx, leader } = established([1, 2, 3], [2, 3], [4]);
    const zxid = leader.propose(Buffer.from('w'))!;
    completeAll(ctx, leader, 9);
    expect(ctx.sent(4)).toEqual([]);
    leader.receive(2, packet(T.ACK, zxid), 10);
    expect(ctx.sent(4)).toEqual([packet(T.INFORM, zxid, Buffer.from('w'))]);
  });

  it('answers a sync after everything proposed before it commits', () => {
    const { ctx, leader } = established([1, 2, 3], [2, 3]);
    leader.sync(2);
    expect(ctx.sent(2)).toEqual([packet(T.SYNC, 0n)]);
    ctx.take();
    const zxid = leader.propose(Buffer.from('w'))!;
    leader.sync(3);
    leader.sync(null);
    completeAll(ctx, leader, 9);
    ctx.take();
    leader.receive(2, packet(T.ACK, zxid), 10);
    expect(kinds(ctx.actions)).toEqual(['commit', 'send COMMIT', 'send COMMIT', 'send SYNC', 'syncDone']);
  });

  it('hands forwarded requests and ping payloads to the shell', () => {
    const { ctx, leader } = established([1, 2, 3], [2]);
    const auth = [{ scheme: 'digest', id: 'u:x' }];
    leader.receive(2, { ...packet(T.REQUEST, -1n, Buffer.from('req')), authinfo: auth }, 10);
    leader.receive(2, packet(T.PING, 0n, Buffer.from('sessions')), 10);
    expect(ctx.actions).toEqual([
      { kind: 'leaderReceivedRequest', from: 2, data: Buffer.from('req'), authinfo: auth },
      { kind: 'learnerPing', from: 2, data: Buffer.from('sessions') },
    ]);
  });

  it('pings learners every half tick and steps down once a quorum has been silent for syncLimit ticks', () => {
    const { ctx, leader } = established([1, 2, 3], [2]);
    leader.tick(5);
    expect(ctx.sent(2).map((p) => typeName(p.type))).toEqual(['PING']);
    leader.tick(54);
    expect(ctx.sent(2)).toHaveLength(1);
    leader.tick(55);
    expect(ctx.sent(2)).toHaveLength(2);
    for (let now = 100; now <= 505; now += 50) leader.tick(now);
    expect(leader.failure).toBeNull();
    leader.receive(2, packet(T.PING, 0n), 300);
    for (let now = 550; now <= 805; now += 50) leader.tick(now);
    expect(leader.failure).toBeNull();
    for (let now = 850; now <= 1000; now += 50) leader.tick(now);
    expect(leader.failure).toMatch(/not sufficient followers/);
  });

  it('refuses to propose before it is established, and steps down when the zxid counter would roll over', () => {
    const { leader } = newLeader([1, 2, 3]);
    expect(leader.propose(Buffer.from('x'))).toBeNull();
    const ready = established([1, 2, 3], [2]);
    (ready.leader as unknown as { lastProposed: bigint }).lastProposed = 0x2fffffffen;
    expect(ready.leader.propose(Buffer.from('x'))).toBeNull();
    expect(ready.leader.failure).toMatch(/rolled over/);
  });
});

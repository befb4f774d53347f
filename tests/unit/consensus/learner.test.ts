import { describe, expect, it } from 'vitest';
import { Learner } from '../../../node-core/consensus/learner.js';
import { QuorumPacketType as T, decodeInt32, encodeInt32 } from '../../../node-core/protocol/quorumPackets.js';
import { kinds, lastTicket, makeContext, packet, txn, typeName } from './zabHarness.js';

const E2 = 0x200000000n;

/** A follower of leader 1 that has logged 1:1..1:3, accepted and current epoch 1. */
function follower(observer = false) {
  const ctx = makeContext({
    myId: 2,
    voters: [1, 2, 3],
    tail: [txn(0x100000001n), txn(0x100000002n), txn(0x100000003n)],
    applied: 0x100000002n,
    acceptedEpoch: 1n,
    currentEpoch: 1n,
  });
  const learner = new Learner(ctx, 1, { observer, connectRetryMs: 100 }, 0);
  learner.start(0);
  return { ctx, learner };
}

/** Runs discovery up to the ACKEPOCH. */
function discovered(observer = false) {
  const f = follower(observer);
  f.ctx.take();
  f.learner.receive(packet(T.LEADERINFO, E2, encodeInt32(0x10000)), 1);
  f.learner.diskProgress(); // nothing durable yet
  f.ctx.disk.complete(lastTicket(f.ctx.actions));
  f.learner.diskProgress();
  f.ctx.take();
  return f;
}

describe('Learner discovery', () => {
  it('connects and sends FOLLOWERINFO with acceptedEpoch << 32 and its LearnerInfo', () => {
    const { ctx } = follower();
    expect(kinds(ctx.actions)).toEqual(['connectToLeader', 'send FOLLOWERINFO']);
    const info = ctx.sent(1)[0]!;
    expect(info.zxid).toBe(0x100000000n);
    expect(info.data!.readBigInt64BE(0)).toBe(2n);
    expect(info.data!.readInt32BE(8)).toBe(0x10000);
  });

  it('observers send OBSERVERINFO', () => {
    const { ctx } = follower(true);
    expect(typeName(ctx.sent(1)[0]!.type)).toBe('OBSERVERINFO');
  });

  it('persists the new accepted epoch before sending ACKEPOCH with currentEpoch and lastLoggedZxid', () => {
    const { ctx, learner } = follower();
    ctx.take();
    learner.receive(packet(T.LEADERINFO, E2, encodeInt32(0x10000)), 1);
    expect(kinds(ctx.actions)).toEqual(['persistAcceptedEpoch']);
    expect(ctx.acceptedEpoch).toBe(2n);
    const ticket = lastTicket(ctx.take());
    ctx.disk.complete(ticket);
    learner.diskProgress();
    const [ack] = ctx.sent(1);
    expect(typeName(ack!.type)).toBe('ACKEPOCH');
    expect(ack!.zxid).toBe(0x100000003n);
    expect(decodeInt32(ack!.data)).toBe(1);
  });

  it('answers -1 for an epoch it already accepted, and refuses an older one', () => {
    const { ctx, learner } = follower();
    ctx.take();
    learner.receive(packet(T.LEADERINFO, 0x100000000n, encodeInt32(0x10000)), 1);
    expect(decodeInt32(ctx.sent(1)[0]!.data)).toBe(-1);
    const older = follower();
    older.ctx.acceptedEpoch = 3n;
    older.learner.receive(packet(T.LEADERINFO, E2, encodeInt32(0x10000)), 1);
    expect(older.learner.failure).toMatch(/below our accepted epoch/);
  });
});

describe('Learner synchronisation (ZOOKEEPER-3911/4643/4646 ordering)', () => {
  it('makes the sync durable, then writes currentEpoch, and only then ACKs NEWLEADER; applies nothing before UPTODATE', () => {
    const { ctx, learner } = discovered();
    learner.receive(packet(T.DIFF, 0x200000000n), 2);
    learner.receive(packet(T.PROPOSAL, 0x200000001n, Buffer.from('a')), 2);
    learner.receive(packet(T.COMMIT, 0x200000001n), 2);
    learner.receive(packet(T.PROPOSAL, 0x200000002n, Buffer.from('b')), 2); // outstanding at the leader
    expect(ctx.actions).toEqual([]); // buffered until NEWLEADER
    learner.receive(packet(T.NEWLEADER, E2), 3);
    expect(kinds(ctx.actions)).toEqual(['logTxns']);
    const logTicket = lastTicket(ctx.take());
    expect(ctx.currentEpoch).toBe(1n);

    // An earlier ticket finishing is not enough.
    ctx.disk.complete(logTicket - 1);
    learner.diskProgress();
    expect(ctx.take()).toEqual([]);

    ctx.disk.complete(logTicket);
    learner.diskProgress();
    expect(kinds(ctx.actions)).toEqual(['persistCurrentEpoch']);
    expect(ctx.actions[0]).toMatchObject({ epoch: 2n });
    const epochTicket = lastTicket(ctx.take());

    // A proposal arriving now is logged at once but not acknowledged before NEWLEADER is.
    learner.receive(packet(T.PROPOSAL, 0x200000003n, Buffer.from('c')), 4);
    expect(kinds(ctx.actions)).toEqual(['logTxns']);
    ctx.take();

    ctx.disk.complete(epochTicket);
    learner.diskProgress();
    const acks = ctx.sent(1).map((p) => p.zxid);
    expect(acks[0]).toBe(E2); // the NEWLEADER ACK comes first
    expect(acks.slice(1)).toEqual([0x200000002n]); // then the outstanding sync proposal (durable); 2:3 is not yet
    expect(ctx.actions.some((a) => a.kind === 'commit' || a.kind === 'serving')).toBe(false);
    ctx.take();

    learner.receive(packet(T.UPTODATE, 0x200000001n), 5);
    expect(kinds(ctx.actions)).toEqual(['commit', 'send ACK', 'serving']);
    expect(ctx.actions[0]).toEqual({ kind: 'commit', zxid: 0x200000001n });
    expect(learner.isServing).toBe(true);
  });

  it('with a ZooKeeper leader (UPTODATE zxid -1) commits what DIFF and COMMIT said', () => {
    const { ctx, learner } = discovered();
    learner.receive(packet(T.DIFF, 0x100000003n), 2);
    learner.receive(packet(T.NEWLEADER, E2), 3);
    ctx.disk.complete(ctx.disk.lastIssued);
    learner.diskProgress();
    ctx.disk.complete(lastTicket(ctx.take()));
    learner.diskProgress();
    ctx.take();
    learner.receive(packet(T.UPTODATE, -1n), 4);
    expect(ctx.actions[0]).toEqual({ kind: 'commit', zxid: 0x100000003n });
  });

  it('truncates on TRUNC before logging the DIFF that follows it', () => {
    const { ctx, learner } = discovered();
    learner.receive(packet(T.TRUNC, 0x100000002n), 2);
    learner.receive(packet(T.PROPOSAL, 0x100000004n, Buffer.from('x')), 2);
    learner.receive(packet(T.NEWLEADER, E2), 3);
    expect(kinds(ctx.actions)).toEqual(['truncateLog', 'logTxns']);
    expect(ctx.history.all().map((t) => t.zxid)).toEqual([0x100000001n, 0x100000002n, 0x100000004n]);
  });

  it('refuses a TRUNC below what it has applied', () => {
    const { learner } = discovered();
    learner.receive(packet(T.TRUNC, 0x100000001n), 2);
    expect(learner.failure).toMatch(/would undo applied/);
  });

  it('installs a snapshot together with the txns after it, atomically, at NEWLEADER', () => {
    const { ctx, learner } = discovered();
    learner.receive(packet(T.SNAP, 0x100000009n, Buffer.from('snapshot')), 2);
    learner.receive(packet(T.PROPOSAL, 0x10000000an, Buffer.from('y')), 2);
    learner.receive(packet(T.COMMIT, 0x10000000an), 2);
    expect(ctx.actions).toEqual([]);
    learner.receive(packet(T.NEWLEADER, E2), 3);
    expect(ctx.actions).toEqual([
      { kind: 'installSnapshot', zxid: 0x100000009n, snapshot: Buffer.from('snapshot'), txns: [txn(0x10000000an, 'y')], ticket: 2 },
    ]);
    expect(ctx.history.applied).toBe(0x100000009n);
    expect(ctx.history.lastZxid).toBe(0x10000000an);
  });

  it("skips the txns a ZooKeeper leader forwards after a SNAP that the snapshot already holds", () => {
    // Java's LearnerHandler starts forwarding at the zxid it read first and reads the SNAP zxid later (3.8.0)
    const { ctx, learner } = discovered();
    learner.receive(packet(T.SNAP, 0x100000009n, null), 2);
    learner.receive(packet(T.PROPOSAL, 0x100000008n, Buffer.from('old')), 2);
    learner.receive(packet(T.COMMIT, 0x100000008n), 2);
    learner.receive(packet(T.PROPOSAL, 0x100000009n, Buffer.from('old too')), 2);
    learner.receive(packet(T.COMMIT, 0x100000009n), 2);
    learner.receive(packet(T.PROPOSAL, 0x10000000an, Buffer.from('y')), 2);
    learner.receive(packet(T.NEWLEADER, E2), 3);
    expect(learner.failure).toBeNull();
    expect(ctx.actions).toEqual([{ kind: 'installSnapshot', zxid: 0x100000009n, snapshot: null, txns: [txn(0x10000000an, 'y')], ticket: 2 }]);
  });

  it('rejects packets out of protocol order', () => {
    const { learner } = discovered();
    learner.receive(packet(T.PROPOSAL, 0x200000001n, Buffer.from('a')), 2);
    expect(learner.failure).toMatch(/expected DIFF, TRUNC or SNAP/);
  });
});

describe('Learner broadcast', () => {
  function serving() {
    const f = discovered();
    f.learner.receive(packet(T.DIFF, 0x100000003n), 2);
    f.learner.receive(packet(T.NEWLEADER, E2), 3);
    f.ctx.disk.complete(f.ctx.disk.lastIssued);
    f.learner.diskProgress();
    f.ctx.disk.complete(lastTicket(f.ctx.take()));
    f.learner.diskProgress();
    f.learner.receive(packet(T.UPTODATE, 0x100000003n), 4);
    f.ctx.take();
    return f;
  }

  it('logs a proposal, ACKs it once durable, applies it on COMMIT', () => {
    const { ctx, learner } = serving();
    learner.receive(packet(T.PROPOSAL, 0x200000001n, Buffer.from('p')), 10);
    expect(kinds(ctx.actions)).toEqual(['logTxns']);
    const ticket = lastTicket(ctx.take());
    learner.receive(packet(T.COMMIT, 0x200000001n), 11); // commit may arrive before our own fsync
    expect(ctx.take()).toEqual([{ kind: 'commit', zxid: 0x200000001n }]);
    ctx.disk.complete(ticket);
    learner.diskProgress();
    expect(ctx.sent(1)).toEqual([packet(T.ACK, 0x200000001n)]);
  });

  it('answers PING with its session payload and forwards requests only while serving', () => {
    const { ctx, learner } = serving();
    learner.setPingPayload(Buffer.from('touch'));
    learner.receive(packet(T.PING, 0x200000000n), 10);
    expect(ctx.sent(1)).toEqual([packet(T.PING, 0x200000000n, Buffer.from('touch'))]);
    ctx.take();
    const auth = [{ scheme: 'ip', id: '127.0.0.1' }];
    expect(learner.forwardRequest(Buffer.from('req'), auth)).toBe(true);
    // the auth ids ride in the packet's authinfo, as Java's Learner.request writes them
    expect(ctx.sent(1)).toEqual([{ ...packet(T.REQUEST, -1n, Buffer.from('req')), authinfo: auth }]);
    const { learner: syncing } = discovered();
    expect(syncing.forwardRequest(Buffer.from('req'), [])).toBe(false);
  });

  it('reports a SYNC answer to the shell', () => {
    const { ctx, learner } = serving();
    learner.receive(packet(T.SYNC, 0n), 10);
    expect(ctx.actions).toEqual([{ kind: 'syncDone' }]);
  });

  it('gives up on a leader silent for syncLimit ticks', () => {
    const { learner } = serving();
    learner.tick(4 + 500);
    expect(learner.failure).toBeNull();
    learner.tick(4 + 501);
    expect(learner.failure).toMatch(/silent/);
  });

  it('gives up during sync only after initLimit ticks', () => {
    const { learner } = discovered();
    learner.tick(1 + 1000);
    expect(learner.failure).toBeNull();
    learner.tick(1 + 1001);
    expect(learner.failure).toMatch(/silent/);
  });

  it('retries a refused connection before giving up', () => {
    const { ctx, learner } = follower();
    ctx.take();
    learner.linkClosed(10);
    expect(learner.failure).toBeNull();
    learner.tick(50);
    expect(ctx.take()).toEqual([]);
    learner.tick(110);
    expect(kinds(ctx.take())).toEqual(['connectToLeader', 'send FOLLOWERINFO']);
    learner.receive(packet(T.LEADERINFO, E2, encodeInt32(0x10000)), 120);
    learner.linkClosed(130); // after discovery began, a lost link ends this learner
    expect(learner.failure).toMatch(/lost the link/);
  });
});

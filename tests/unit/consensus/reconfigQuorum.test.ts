// A reconfig proposal needs a quorum of the old voters and of the new ones; committing it sends the
// ...ANDACTIVATE packets; a QuorumPeer then counts, elects and reports with the new membership.
import { describe, expect, it } from 'vitest';
import { Leader } from '../../../node-core/consensus/leader.js';
import { QuorumPeer } from '../../../node-core/consensus/quorumPeer.js';
import type { ConfigChange } from '../../../node-core/consensus/quorumConfig.js';
import { QuorumPacketType as T, encodeInt32, encodeLearnerInfo } from '../../../node-core/protocol/quorumPackets.js';
import { makeContext, packet, txn } from './zabHarness.js';

const E2 = 0x200000000n;
const change = (voters: number[], version: bigint): ConfigChange => ({
  voters,
  observers: [],
  version,
  configData: Buffer.from(`${voters.map((v) => `server.${v}=h:${v}1:${v}2:participant`).join('\n')}\nversion=${version.toString(16)}`),
});
// Test transactions: "reconfig:<voters>" installs that membership, anything else is ordinary.
const configChangeOf = (data: Buffer): ConfigChange | null => {
  const text = data.toString();
  return text.startsWith('reconfig:') ? change(text.slice(9).split(',').map(Number), 0x200000001n) : null;
};

function establishedWithJoiner() {
  const ctx = makeContext({ myId: 1, voters: [1, 2, 3], tail: [txn(0x100000001n)], applied: 0x100000001n, acceptedEpoch: 1n, currentEpoch: 1n });
  ctx.configChangeOf = configChangeOf;
  const leader = new Leader(ctx, 0);
  leader.start(0);
  const learners = [2, 3, 4]; // 4 is not a voter yet: a joiner syncing before its reconfig
  const info = (sid: number) => packet(T.FOLLOWERINFO, 1n << 32n, encodeLearnerInfo({ serverid: BigInt(sid), protocolVersion: 0x10000, configVersion: 0n }));
  for (const sid of learners) leader.receive(sid, info(sid), 1);
  const finishDisk = (now: number) => {
    ctx.disk.complete(ctx.disk.lastIssued);
    leader.diskProgress(now);
  };
  finishDisk(2);
  for (const sid of learners) leader.receive(sid, packet(T.ACKEPOCH, 0x100000001n, encodeInt32(1)), 3);
  finishDisk(4);
  for (const sid of learners) leader.receive(sid, packet(T.ACK, E2), 5);
  expect(leader.isEstablished).toBe(true);
  expect(leader.syncedLearners.sort()).toEqual([2, 3, 4]);
  ctx.take();
  return { ctx, leader, finishDisk };
}

describe('reconfig in the leader', () => {
  it('commits a reconfig only with quorums of both memberships, then sends COMMITANDACTIVATE', () => {
    const { ctx, leader, finishDisk } = establishedWithJoiner();
    expect(leader.propose(Buffer.from('reconfig:1,2,3,4'))).toBe(0x200000001n);
    // A proposal made while the reconfig is pending needs the new quorum too.
    expect(leader.propose(Buffer.from('ordinary'))).toBe(0x200000002n);
    finishDisk(6);
    leader.receive(2, packet(T.ACK, 0x200000001n), 7);
    leader.receive(2, packet(T.ACK, 0x200000002n), 7);
    // 1 and 2 are a majority of {1,2,3} but not of {1,2,3,4}
    expect(ctx.actions.filter((a) => a.kind === 'commit')).toEqual([]);
    ctx.take();
    leader.receive(4, packet(T.ACK, 0x200000001n), 8);
    const commits = ctx.take();
    expect(commits.filter((a) => a.kind === 'commit')).toEqual([{ kind: 'commit', zxid: 0x200000001n }]);
    const designated = Buffer.alloc(8);
    designated.writeBigInt64BE(1n);
    const sent = commits.filter((a) => a.kind === 'sendPacket');
    expect(sent.map((a) => (a.kind === 'sendPacket' ? [a.to, a.packet.type] : []))).toEqual([
      [2, T.COMMITANDACTIVATE],
      [3, T.COMMITANDACTIVATE],
      [4, T.COMMITANDACTIVATE],
    ]);
    expect(sent.every((a) => a.kind === 'sendPacket' && a.packet.data?.equals(designated))).toBe(true);
    leader.receive(4, packet(T.ACK, 0x200000002n), 9);
    expect(ctx.take().filter((a) => a.kind === 'commit')).toEqual([{ kind: 'commit', zxid: 0x200000002n }]);
  });

  it('tells observers with INFORMANDACTIVATE: the designated leader, then the transaction', () => {
    const ctx = makeContext({ myId: 1, voters: [1, 2], tail: [], applied: 0n, acceptedEpoch: 1n, currentEpoch: 1n });
    ctx.configChangeOf = configChangeOf;
    const leader = new Leader(ctx, 0);
    leader.start(0);
    const info = (sid: number, type: number) => packet(type, 1n << 32n, encodeLearnerInfo({ serverid: BigInt(sid), protocolVersion: 0x10000, configVersion: 0n }));
    leader.receive(2, info(2, T.FOLLOWERINFO), 1);
    leader.receive(5, info(5, T.OBSERVERINFO), 1);
    const finish = (now: number) => {
      ctx.disk.complete(ctx.disk.lastIssued);
      leader.diskProgress(now);
    };
    finish(2);
    for (const sid of [2, 5]) leader.receive(sid, packet(T.ACKEPOCH, 0n, encodeInt32(1)), 3);
    finish(4);
    for (const sid of [2, 5]) leader.receive(sid, packet(T.ACK, E2), 5);
    ctx.take();
    leader.propose(Buffer.from('reconfig:1,2'));
    finish(6);
    leader.receive(2, packet(T.ACK, 0x200000001n), 7);
    const inform = ctx.sent(5).find((p) => p.type === T.INFORMANDACTIVATE)!;
    expect(inform.data!.readBigInt64BE(0)).toBe(1n);
    expect(inform.data!.subarray(8).toString()).toBe('reconfig:1,2');
  });
});

describe('reconfig in the QuorumPeer', () => {
  it('activates a membership once its reconfig commits, after the commit; one the new voters never ack waits', () => {
    // A lone voter leads at once.
    const peer = new QuorumPeer({
      myId: 1,
      voters: [1],
      tickTime: 100,
      initLimit: 10,
      syncLimit: 5,
      configData: Buffer.from('server.1=h:11:12:participant\nversion=0'),
      configChangeOf,
    });
    let actions = peer.start(0, { acceptedEpoch: 0n, currentEpoch: 0n, appliedZxid: 0n, logTail: [] });
    for (let now = 1; now < 2000 && !peer.isServing; now += 50) {
      const tickets = actions.filter((a) => 'ticket' in a).map((a) => (a as { ticket: number }).ticket);
      actions = tickets.length > 0 ? peer.diskDone(Math.max(...tickets), now) : peer.tick(now);
    }
    expect(peer.state).toBe('leading');
    expect(peer.isQuorumSynced([1])).toBe(true);
    expect(peer.isQuorumSynced([1, 2, 3])).toBe(false);
    const same = peer.propose(Buffer.from('reconfig:1'), undefined, 3000);
    const sameTicket = same.actions.find((a) => a.kind === 'logTxns') as { ticket: number };
    const committed = peer.diskDone(sameTicket.ticket, 3001);
    expect(committed.map((a) => a.kind)).toEqual(['commit', 'configActivated']);
    expect(peer.activeConfigVersion).toBe(0x200000001n);

    const { zxid, actions: proposed } = peer.propose(Buffer.from('reconfig:2,3'), undefined, 3002);
    expect(zxid).not.toBeNull();
    const ticket = proposed.find((a) => a.kind === 'logTxns') as { ticket: number };
    // The new voters never acked: the leader alone cannot commit it.
    const after = peer.diskDone(ticket.ticket, 3003);
    expect(after.some((a) => a.kind === 'commit')).toBe(false);
    expect(peer.voters).toEqual([1]);
  });
});

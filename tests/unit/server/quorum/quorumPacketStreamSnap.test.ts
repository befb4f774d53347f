import { describe, expect, it } from 'vitest';
import { JuteError, JuteWriter } from '../../../../node-core/jute/index.js';
import { QuorumPacketType as T, encodeQuorumPacket, quorumPacket, type QuorumPacket } from '../../../../node-core/protocol/quorumPackets.js';
import { QuorumPacketStream, SNAP_SIGNATURE, snapshotOf } from '../../../../node-core/server/quorum/quorumPacketStream.js';
import { serializeSnapshot } from '../../../../node-core/tree/snapshotCodec.js';
import { streamSampleTree } from '../../tree/streamSampleTree.js';

const { tree, sessions } = streamSampleTree(false);
const body = Buffer.concat([...serializeSnapshot(tree, sessions)]);
const signature = new JuteWriter().writeString(SNAP_SIGNATURE).toBuffer();
const before = [quorumPacket(T.LEADERINFO, 0x200000000n, Buffer.from([0, 1, 0, 0])), quorumPacket(T.PING, 5n)];
const snapHeader = quorumPacket(T.SNAP, 0x100000190n);
const after = [quorumPacket(T.PROPOSAL, 0x100000191n, Buffer.from('txn')), quorumPacket(T.COMMIT, 0x100000191n), quorumPacket(T.NEWLEADER, 0x200000000n, Buffer.from('cfg'))];
// The bytes a ZooKeeper 3.8 leader writes: packets, the SNAP packet (no data), the raw body, the signature, packets.
const wire = Buffer.concat([...before.map(encodeQuorumPacket), encodeQuorumPacket(snapHeader), body, signature, ...after.map(encodeQuorumPacket)]);

function feed(pieces: Buffer[]): { packets: QuorumPacket[]; progress: number } {
  let progress = 0;
  const stream = new QuorumPacketStream({ snapshots: true, onSnapshotBytes: (count) => (progress += count) });
  const packets = pieces.flatMap((piece) => stream.push(piece));
  return { packets, progress };
}

function expectWireRead({ packets, progress }: { packets: QuorumPacket[]; progress: number }): void {
  expect(packets.map((p) => p.type)).toEqual([T.LEADERINFO, T.PING, T.SNAP, T.PROPOSAL, T.COMMIT, T.NEWLEADER]);
  expect(packets.slice(0, 2)).toEqual(before);
  expect(packets.slice(3)).toEqual(after);
  const snap = packets[2]!;
  expect(snap.zxid).toBe(snapHeader.zxid);
  expect(snap.data).toBeNull();
  const snapshot = snapshotOf(snap)!;
  expect(snapshot.tree.nodeCount).toBe(tree.nodeCount);
  expect(snapshot.sessions).toEqual(sessions);
  expect(Buffer.concat([...serializeSnapshot(snapshot.tree, snapshot.sessions)]).equals(body)).toBe(true);
  // every byte between the SNAP packet and the next packet counts as progress, and nothing else does
  expect(progress).toBeGreaterThanOrEqual(body.length + signature.length);
  expect(progress).toBeLessThanOrEqual(wire.length);
}

describe('quorum packet stream: a SNAP followed by its snapshot bytes', () => {
  const snapStart = encodeQuorumPacket(before[0]!).length + encodeQuorumPacket(before[1]!).length;
  const bodyStart = snapStart + encodeQuorumPacket(snapHeader).length;
  const signatureStart = bodyStart + body.length;
  const afterStart = signatureStart + signature.length;

  it('reads the packets, the snapshot and the packets after it from one buffer', () => {
    expectWireRead(feed([wire]));
  });

  it.each([
    ['inside the SNAP packet', snapStart + 5],
    ['right after the SNAP packet', bodyStart],
    ['inside the body', bodyStart + 1234],
    ['right before the signature', signatureStart],
    ['inside the signature length', signatureStart + 2],
    ['inside the signature', signatureStart + 7],
    ['right after the signature', afterStart],
    ['inside the packet after the signature', afterStart + 3],
  ])('reads it split in two %s', (_name, at) => {
    expectWireRead(feed([wire.subarray(0, at), wire.subarray(at)]));
  });

  it('reads it one byte at a time around the switches into and out of snapshot bytes', () => {
    const pieces: Buffer[] = [];
    let at = 0;
    const around = (point: number) => Math.abs(at - point) < 40;
    while (at < wire.length) {
      const size = around(bodyStart) || around(signatureStart) || around(afterStart) ? 1 : 997;
      pieces.push(wire.subarray(at, at + size));
      at += size;
    }
    expectWireRead(feed(pieces));
  });

  it('refuses a snapshot not followed by the signature', () => {
    const forged = Buffer.from(wire);
    forged.write('BenWasGone', signatureStart + 4, 'utf8');
    expect(() => feed([forged])).toThrow(/missing snapshot signature \(got "BenWasGone"\)/);
    const noSignature = Buffer.concat([wire.subarray(0, signatureStart), encodeQuorumPacket(after[0]!)]);
    expect(() => feed([noSignature])).toThrow(JuteError);
  });

  it('leaves a SNAP without data alone on a stream that does not read snapshots (the leader side)', () => {
    const stream = new QuorumPacketStream();
    const packets = stream.push(Buffer.concat([encodeQuorumPacket(snapHeader), encodeQuorumPacket(after[1]!)]));
    expect(packets).toEqual([snapHeader, after[1]]);
  });
});

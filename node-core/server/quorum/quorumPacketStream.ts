// Splits a quorum-port byte stream into QuorumPacket records. ZooKeeper writes them back to back without a length
// prefix, so a record is complete only when it decodes; a truncated one waits for more bytes. On a learner's
// stream a SNAP packet without data is followed by the snapshot body itself and the "BenWasHere" signature
// (LearnerHandler writes them straight onto the stream): the stream then feeds those bytes to a snapshot decoder
// as they arrive, and goes back to packets after the signature.
import { JuteError, JuteReader } from '../../jute/index.js';
import { QuorumPacketType, readQuorumPacket, type QuorumPacket } from '../../protocol/quorumPackets.js';
import type { LoadedSnapshot } from '../../tree/snapshotCodec.js';
import { SnapshotStreamDecoder } from '../../tree/snapshotStreamDecoder.js';

/** What ZooKeeper's Learner checks after the snapshot: proof that the leader meant the bytes as one. */
export const SNAP_SIGNATURE = 'BenWasHere';

/** A SNAP whose snapshot followed it on the stream, delivered once the signature has been read. */
export interface SnapPacket extends QuorumPacket {
  snapshot: LoadedSnapshot;
}

export function snapshotOf(packet: QuorumPacket): LoadedSnapshot | undefined {
  return (packet as Partial<SnapPacket>).snapshot;
}

export interface QuorumPacketStreamOptions {
  maxBufferedBytes?: number;
  /** A learner's stream: a SNAP without data switches to snapshot bytes. */
  snapshots?: boolean;
  /** Snapshot bytes arrived (the learner's proof that the leader is alive while no packet can). */
  onSnapshotBytes?: (count: number) => void;
}

export class QuorumPacketStream {
  private buffered: Buffer = Buffer.alloc(0);
  private snap: { header: QuorumPacket; decoder: SnapshotStreamDecoder; snapshot: LoadedSnapshot | null } | null = null;
  private readonly maxBufferedBytes: number;

  constructor(private readonly options: QuorumPacketStreamOptions = {}) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 512 * 1024 * 1024;
  }

  /** Feeds bytes; returns the packets they complete. Throws JuteError on bytes that can never form a packet. */
  push(chunk: Buffer): QuorumPacket[] {
    const packets: QuorumPacket[] = [];
    let rest: Buffer | null = chunk;
    while (rest !== null && rest.length > 0) {
      rest = this.snap === null ? this.pushPackets(rest, packets) : this.pushSnapshot(rest, packets);
    }
    return packets;
  }

  /** Packets until a SNAP that switches to snapshot bytes; returns the bytes after it, or null when all are used. */
  private pushPackets(chunk: Buffer, packets: QuorumPacket[]): Buffer | null {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    if (this.buffered.length > this.maxBufferedBytes) throw new JuteError('quorum packet larger than allowed');
    let offset = 0;
    let switched = false;
    while (offset < this.buffered.length) {
      const reader = new JuteReader(this.buffered, offset);
      let packet: QuorumPacket;
      try {
        packet = readQuorumPacket(reader);
      } catch (error) {
        if (error instanceof JuteError && error.message.startsWith('truncated')) break;
        if (error instanceof JuteError && /exceeds \d+ remaining bytes/.test(error.message)) break;
        throw error;
      }
      offset = reader.position;
      if (this.options.snapshots === true && packet.type === QuorumPacketType.SNAP && packet.data === null) {
        this.snap = { header: packet, decoder: new SnapshotStreamDecoder(this.maxBufferedBytes), snapshot: null };
        switched = true;
        break;
      }
      packets.push(packet);
    }
    const rest = this.buffered.subarray(offset);
    this.buffered = Buffer.alloc(0);
    if (switched) return rest;
    this.buffered = rest;
    return null;
  }

  /** Snapshot body, then the signature; returns the bytes after the signature, or null when all are used. */
  private pushSnapshot(chunk: Buffer, packets: QuorumPacket[]): Buffer | null {
    const snap = this.snap!;
    this.options.onSnapshotBytes?.(chunk.length);
    let rest: Buffer = chunk;
    if (snap.snapshot === null) {
      const after = snap.decoder.push(chunk);
      if (after === null) return null;
      snap.snapshot = snap.decoder.result();
      rest = after;
    }
    this.buffered = this.buffered.length === 0 ? rest : Buffer.concat([this.buffered, rest]);
    if (this.buffered.length < 4) return null;
    const length = this.buffered.readInt32BE(0);
    if (length !== SNAP_SIGNATURE.length) throw new JuteError(`missing snapshot signature (string of length ${length})`);
    if (this.buffered.length < 4 + length) return null;
    const signature = this.buffered.toString('utf8', 4, 4 + length);
    if (signature !== SNAP_SIGNATURE) throw new JuteError(`missing snapshot signature (got ${JSON.stringify(signature)})`);
    const after = this.buffered.subarray(4 + length);
    this.buffered = Buffer.alloc(0);
    const packet: SnapPacket = { ...snap.header, snapshot: snap.snapshot };
    packets.push(packet);
    this.snap = null;
    return after.length > 0 ? after : null;
  }
}

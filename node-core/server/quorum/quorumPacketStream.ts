// Splits a quorum-port byte stream into QuorumPacket records. ZooKeeper writes them back to back without a length
// prefix, so a record is complete only when it decodes; a truncated one waits for more bytes.
import { JuteError, JuteReader } from '../../jute/index.js';
import { readQuorumPacket, type QuorumPacket } from '../../protocol/quorumPackets.js';

export class QuorumPacketStream {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly maxBufferedBytes = 512 * 1024 * 1024) {}

  /** Feeds bytes; returns the packets they complete. Throws JuteError on bytes that can never form a packet. */
  push(chunk: Buffer): QuorumPacket[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    if (this.buffered.length > this.maxBufferedBytes) throw new JuteError('quorum packet larger than allowed');
    const packets: QuorumPacket[] = [];
    let offset = 0;
    for (;;) {
      const reader = new JuteReader(this.buffered, offset);
      try {
        packets.push(readQuorumPacket(reader));
        offset = reader.position;
      } catch (error) {
        if (error instanceof JuteError && error.message.startsWith('truncated')) break;
        if (error instanceof JuteError && /exceeds \d+ remaining bytes/.test(error.message)) break;
        throw error;
      }
      if (offset === this.buffered.length) break;
    }
    this.buffered = offset === this.buffered.length ? Buffer.alloc(0) : this.buffered.subarray(offset);
    return packets;
  }
}

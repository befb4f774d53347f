// Splits a TCP byte stream into ZooKeeper frames (4-byte big-endian length + payload). A length below zero or above
// jute.maxbuffer is a protocol violation: the caller closes that one connection.
import { JuteError } from './juteError.js';

export const defaultMaxBuffer = 0xfffff;

export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxBuffer: number = defaultMaxBuffer) {}

  /** Bytes received but not yet part of a whole frame (a half-written packet). */
  get buffered(): number {
    return this.pendingBytes;
  }

  /** Feeds bytes; returns every frame they complete. Throws JuteError on an illegal length. */
  push(chunk: Buffer): Buffer[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const frames: Buffer[] = [];
    if (this.pendingBytes < 4) return frames;
    let data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    let offset = 0;
    while (data.length - offset >= 4) {
      const length = data.readInt32BE(offset);
      if (length < 0 || length > this.maxBuffer) {
        throw new JuteError(`Len error ${length}`);
      }
      if (data.length - offset - 4 < length) break;
      frames.push(data.subarray(offset + 4, offset + 4 + length));
      offset += 4 + length;
    }
    if (offset === data.length) {
      this.pending = [];
      this.pendingBytes = 0;
    } else {
      data = data.subarray(offset);
      this.pending = [data];
      this.pendingBytes = data.length;
    }
    return frames;
  }

}

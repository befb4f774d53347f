// Splits a TCP byte stream into ZooKeeper frames (4-byte big-endian length + payload). A length below zero or above
// jute.maxbuffer is a protocol violation: the caller closes that one connection.
import { JuteError } from './juteError.js';

export const defaultMaxBuffer = 0xfffff;

export interface FrameLimits {
  /** jute.maxbuffer: the largest frame any peer may send. */
  maxBuffer?: number;
  /**
   * A lower cap for the first frame only. A server's first frame is a client's ConnectRequest (45 bytes with its
   * 16-byte password), so a peer that has not introduced itself cannot make the server hold up to maxBuffer bytes
   * of a frame that will never be completed.
   */
  firstFrameMaxBytes?: number;
}

export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly maxBuffer: number;
  private firstFrameMaxBytes: number | undefined;

  constructor(limits: number | FrameLimits = defaultMaxBuffer) {
    const options = typeof limits === 'number' ? { maxBuffer: limits } : limits;
    this.maxBuffer = options.maxBuffer ?? defaultMaxBuffer;
    this.firstFrameMaxBytes = options.firstFrameMaxBytes;
  }

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
      if (this.firstFrameMaxBytes !== undefined && length > this.firstFrameMaxBytes) {
        throw new JuteError(`first frame of ${length} bytes exceeds the ${this.firstFrameMaxBytes}-byte limit before a handshake`);
      }
      if (data.length - offset - 4 < length) break;
      frames.push(data.subarray(offset + 4, offset + 4 + length));
      offset += 4 + length;
      this.firstFrameMaxBytes = undefined;
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

// Decodes ZooKeeper's jute binary encoding (big-endian ints and longs, length-prefixed strings, buffers and vectors)
// from one frame, checking every length against what is left so malformed client bytes fail cleanly.
import { JuteError } from './juteError.js';

export class JuteReader {
  private offset: number;

  constructor(
    private readonly bytes: Buffer,
    start = 0,
  ) {
    this.offset = start;
  }

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(count: number, what: string): void {
    if (count > this.bytes.length - this.offset) {
      throw new JuteError(`truncated ${what}: need ${count} bytes at offset ${this.offset}, have ${this.remaining}`);
    }
  }

  readInt(): number {
    this.need(4, 'int');
    const value = this.bytes.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  readLong(): bigint {
    this.need(8, 'long');
    const value = this.bytes.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  readBool(): boolean {
    this.need(1, 'boolean');
    return this.bytes[this.offset++] !== 0;
  }

  private readLength(what: string): number {
    const length = this.readInt();
    if (length < -1) throw new JuteError(`negative ${what} length ${length}`);
    if (length > 0) this.need(length, what);
    return length;
  }

  /** A null ustring (length -1) reads as null. */
  readNullableString(): string | null {
    const length = this.readLength('ustring');
    if (length === -1) return null;
    const value = this.bytes.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** Paths and names are never null in practice; a null one reads as '' so callers need no null checks. */
  readString(): string {
    return this.readNullableString() ?? '';
  }

  /** Keeps null apart from empty: ZooKeeper stores and returns them differently (zkCli prints "null"). */
  readBuffer(): Buffer | null {
    const length = this.readLength('buffer');
    if (length === -1) return null;
    const value = Buffer.from(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return value;
  }

  /** A buffer field read straight into a one-byte (latin1) string, for stores that keep bytes that way. */
  readBufferAsLatin1(): string | null {
    const length = this.readLength('buffer');
    if (length === -1) return null;
    const value = this.bytes.toString('latin1', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** A null vector (count -1) reads as empty: no request or reply of the protocol gives it another meaning. */
  readVector<T>(readItem: (reader: JuteReader) => T): T[] {
    return this.readNullableVector(readItem) ?? [];
  }

  /** Keeps a null vector (count -1) apart from an empty one, for records that are re-encoded byte for byte. */
  readNullableVector<T>(readItem: (reader: JuteReader) => T): T[] | null {
    const count = this.readInt();
    if (count < -1) throw new JuteError(`negative vector count ${count}`);
    if (count === -1) return null;
    // Every item takes at least one byte; a count larger than the bytes left is malformed, and checking it early
    // stops a hostile count from making us loop or allocate.
    if (count > this.remaining) throw new JuteError(`vector count ${count} exceeds ${this.remaining} remaining bytes`);
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(readItem(this));
    return items;
  }

  readStringVector(): string[] {
    return this.readVector((r) => r.readString());
  }

  /** The rest of the frame, for records whose tail is optional (ConnectRequest's readOnly flag). */
  hasMore(): boolean {
    return this.offset < this.bytes.length;
  }
}

// Encodes ZooKeeper's jute binary format into a growable buffer; `frame()` prepends the 4-byte length that every
// packet on the client and quorum ports carries.

const initialCapacity = 256;

export class JuteWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(capacity = initialCapacity) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  private reserve(count: number): void {
    if (this.length + count <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + count) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  writeInt(value: number): this {
    this.reserve(4);
    this.buffer.writeInt32BE(value | 0, this.length);
    this.length += 4;
    return this;
  }

  writeLong(value: bigint): this {
    this.reserve(8);
    this.buffer.writeBigInt64BE(BigInt.asIntN(64, value), this.length);
    this.length += 8;
    return this;
  }

  writeBool(value: boolean): this {
    this.reserve(1);
    this.buffer[this.length++] = value ? 1 : 0;
    return this;
  }

  writeString(value: string | null): this {
    if (value === null) return this.writeInt(-1);
    const byteLength = Buffer.byteLength(value, 'utf8');
    this.writeInt(byteLength);
    this.reserve(byteLength);
    this.buffer.write(value, this.length, byteLength, 'utf8');
    this.length += byteLength;
    return this;
  }

  writeBuffer(value: Buffer | null | undefined): this {
    if (value === null || value === undefined) return this.writeInt(-1);
    this.writeInt(value.length);
    this.reserve(value.length);
    value.copy(this.buffer, this.length);
    this.length += value.length;
    return this;
  }

  writeVector<T>(items: readonly T[] | null, writeItem: (writer: JuteWriter, item: T) => void): this {
    if (items === null) return this.writeInt(-1);
    this.writeInt(items.length);
    for (const item of items) writeItem(this, item);
    return this;
  }

  writeStringVector(items: readonly string[] | null): this {
    return this.writeVector(items, (w, s) => w.writeString(s));
  }

  writeRaw(bytes: Buffer): this {
    this.reserve(bytes.length);
    bytes.copy(this.buffer, this.length);
    this.length += bytes.length;
    return this;
  }

  get size(): number {
    return this.length;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }

  /** The bytes with the 4-byte big-endian length prefix of ZooKeeper's framing. */
  frame(): Buffer {
    const framed = Buffer.allocUnsafe(this.length + 4);
    framed.writeInt32BE(this.length, 0);
    this.buffer.copy(framed, 4, 0, this.length);
    return framed;
  }
}

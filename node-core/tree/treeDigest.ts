// ZooKeeper's tree digest (DigestCalculator, digest version 2): the sum, modulo 2^64, of a CRC32 per znode over its
// path, its data and nine persisted Stat fields. ZooKeeper 3.6+ writes it after a snapshot and after log entries
// and compares it on load, so a snapshot Paddock writes must carry the digest ZooKeeper computes for the same tree.
import { crc32 } from 'node:zlib';

export const DIGEST_VERSION = 2;

/** Nodes under this prefix are left out (ZooDefs.ZOOKEEPER_NODE_SUBTREE); "/zookeeper" itself counts. */
const excludedPrefix = '/zookeeper/';
const statBytes = 60;

export interface DigestStat {
  readonly czxid: bigint;
  readonly mzxid: bigint;
  readonly pzxid: bigint;
  readonly ctime: bigint;
  readonly mtime: bigint;
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  readonly ephemeralOwner: bigint;
}

/** Adds node digests; number sums stay exact up to 2^53, so they are folded into a bigint well before that. */
export class TreeDigest {
  private readonly stat = Buffer.alloc(statBytes);
  private pending = 0;
  private folded = 0n;

  static excludes(path: string): boolean {
    return path.startsWith(excludedPrefix);
  }

  /**
   * Adds one node. `path` is ZooKeeper's: the root is "" (its alias "/" is never counted). `pathBytes` and `data`
   * are the bytes as written, so a writer can pass views of its own output buffer.
   */
  add(pathBytes: Uint8Array, data: Uint8Array | null, node: DigestStat): void {
    const b = this.stat;
    b.writeBigInt64BE(node.czxid, 0);
    b.writeBigInt64BE(node.mzxid, 8);
    b.writeBigInt64BE(node.pzxid, 16);
    b.writeBigInt64BE(node.ctime, 24);
    b.writeBigInt64BE(node.mtime, 32);
    b.writeInt32BE(node.version, 40);
    b.writeInt32BE(node.cversion, 44);
    b.writeInt32BE(node.aversion, 48);
    b.writeBigInt64BE(node.ephemeralOwner, 52);
    let crc = crc32(pathBytes);
    if (data !== null && data.length > 0) crc = crc32(data, crc);
    this.pending += crc32(b, crc);
    // 2^32 per node: fold every 2^20 nodes' worth of headroom, long before 2^53
    if (this.pending > 2 ** 52) this.fold();
  }

  /**
   * Adds one node from the bytes a snapshot writer just wrote, without copies: its path and data, and at `statAt`
   * the persisted stat in snapshot order (czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner,
   * pzxid), which the digest reads in its own order (czxid, mzxid, pzxid, ctime, ..., ephemeralOwner).
   */
  addWritten(b: Buffer, pathAt: number, pathEnd: number, dataAt: number, dataEnd: number, statAt: number): void {
    let crc = crc32Range(b, pathAt, pathEnd, 0);
    crc = crc32Range(b, dataAt, dataEnd, crc);
    crc = crc32Range(b, statAt, statAt + 16, crc);
    crc = crc32Range(b, statAt + 52, statAt + 60, crc);
    crc = crc32Range(b, statAt + 16, statAt + 52, crc);
    this.pending += crc;
    if (this.pending > 2 ** 52) this.fold();
  }

  /** The digest as ZooKeeper stores it: a signed long. */
  value(): bigint {
    this.fold();
    return BigInt.asIntN(64, this.folded);
  }

  private fold(): void {
    this.folded = BigInt.asUintN(64, this.folded + BigInt(this.pending));
    this.pending = 0;
  }
}

const crcTable = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 (java.util.zip.CRC32) of b[start, end), continuing from `previous`; a loop costs less than a call per slice. */
export function crc32Range(b: Uint8Array, start: number, end: number, previous: number): number {
  let c = ~previous;
  for (let i = start; i < end; i++) c = crcTable[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

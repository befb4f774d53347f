// ZooKeeper's tree digest (DigestCalculator, digest version 2): the sum, modulo 2^64, of a CRC32 per znode over its
// path, its data and nine persisted Stat fields. ZooKeeper 3.6+ writes it after a snapshot and after log entries
// and compares it on load, so a snapshot Paddock writes must carry the digest ZooKeeper computes for the same tree.

export const DIGEST_VERSION = 2;

/** Nodes under this prefix are left out (ZooDefs.ZOOKEEPER_NODE_SUBTREE); "/zookeeper" itself counts. */
const excludedPrefix = '/zookeeper/';

/** Adds node digests; number sums stay exact up to 2^53, so they are folded into a bigint well before that. */
export class TreeDigest {
  private pending = 0;
  private folded = 0n;

  static excludes(path: string): boolean {
    return path.startsWith(excludedPrefix);
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

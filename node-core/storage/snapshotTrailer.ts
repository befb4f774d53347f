// What follows the DataTree in a ZooKeeper snapshot file: the Adler-32 seal {long checksum, ustring "/"}, then in
// 3.6+ the digest section {long zxid, int digestVersion, long digest} and its own seal, then in 3.9 the
// lastProcessedZxid section {long zxid} and a third seal (either section may be switched off). Each seal covers
// every byte of the file before it. The store has checked the final seal; this checks the ones before it.
import { adler32WithoutSuffix } from './adler32.js';

export const SEAL_BYTES = 13;
const DIGEST_BYTES = 20;
const LAST_ZXID_BYTES = 8;

export interface SnapshotDigest {
  zxid: bigint;
  version: number;
  digest: bigint;
}

export interface SnapshotTrailer {
  digest?: SnapshotDigest;
  lastProcessedZxid?: bigint;
}

/** A trailer that does not parse or whose inner seal does not match; `offset` is counted from the body start. */
export class SnapshotTrailerError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason);
    this.name = 'SnapshotTrailerError';
  }
}

/** The seal bytes for a running checksum. */
export function sealBytes(checksum: number): Buffer {
  const seal = Buffer.alloc(SEAL_BYTES);
  seal.writeBigUInt64BE(BigInt(checksum), 0);
  seal.writeInt32BE(1, 8);
  seal[12] = 0x2f; // '/'
  return seal;
}

/** The digest section as ZooKeeper 3.6-3.9 writes it (digest version 2 and later). */
export function digestSection(digest: SnapshotDigest): Buffer {
  const section = Buffer.alloc(DIGEST_BYTES);
  section.writeBigInt64BE(digest.zxid, 0);
  section.writeInt32BE(digest.version, 8);
  section.writeBigInt64BE(BigInt.asIntN(64, digest.digest), 12);
  return section;
}

/**
 * Parses body[treeEnd..] (the body being the bytes between the 16-byte header and the final seal) and checks every
 * seal in it. `checksum` is the Adler-32 of header and body, which the final seal matched.
 */
export function parseSnapshotTrailer(body: Buffer, treeEnd: number, checksum: number): SnapshotTrailer {
  const trailer: SnapshotTrailer = {};
  let at = treeEnd;
  const checkSealAt = (sealAt: number) => {
    if (sealAt + SEAL_BYTES > body.length) throw new SnapshotTrailerError('snapshot trailer cut short', sealAt);
    const stored = body.readBigUInt64BE(sealAt);
    if (body.readInt32BE(sealAt + 8) !== 1 || body[sealAt + 12] !== 0x2f) {
      throw new SnapshotTrailerError('missing "/" seal after the tree', sealAt);
    }
    const expected = adler32WithoutSuffix(checksum, body.subarray(sealAt));
    if (BigInt(expected) !== stored) throw new SnapshotTrailerError('checksum mismatch in the seal after the tree', sealAt);
    return sealAt + SEAL_BYTES;
  };
  // A body that ends at the tree was sealed once: the store already checked that seal.
  if (at === body.length) return trailer;
  at = checkSealAt(at);
  const rest = body.length - at;
  if (rest === LAST_ZXID_BYTES) {
    trailer.lastProcessedZxid = body.readBigInt64BE(at);
    return trailer;
  }
  if (rest < 12) throw new SnapshotTrailerError(`unexpected ${rest} bytes after the tree's seal`, at);
  const zxid = body.readBigInt64BE(at);
  const version = body.readInt32BE(at + 8);
  let digest: bigint;
  if (version >= 2) {
    if (rest < DIGEST_BYTES) throw new SnapshotTrailerError('digest section cut short', at);
    digest = body.readBigInt64BE(at + 12);
    at += DIGEST_BYTES;
  } else {
    // Digest version 1 stored the digest as a hex string.
    const length = body.readInt32BE(at + 12);
    if (length < -1 || at + 16 + Math.max(length, 0) > body.length) throw new SnapshotTrailerError('bad digest string', at);
    const text = length <= 0 ? '' : body.toString('latin1', at + 16, at + 16 + length);
    digest = /^[0-9a-fA-F]{1,16}$/.test(text) ? BigInt.asIntN(64, BigInt('0x' + text)) : 0n;
    at += 16 + Math.max(length, 0);
  }
  trailer.digest = { zxid, version, digest };
  if (at === body.length) return trailer;
  at = checkSealAt(at);
  if (body.length - at !== LAST_ZXID_BYTES) {
    throw new SnapshotTrailerError(`unexpected ${body.length - at} bytes after the digest's seal`, at);
  }
  trailer.lastProcessedZxid = body.readBigInt64BE(at);
  return trailer;
}

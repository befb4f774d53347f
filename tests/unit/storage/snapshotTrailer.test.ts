// The sections after the tree in the snapshot files ZooKeeper 3.5 to 3.9 write, built here byte by byte (not with
// the production writer): 3.5 seals once; 3.6-3.8 add the digest and a second seal; 3.9 adds the last processed
// zxid and a third seal, with or without the digest; digest version 1 stored the digest as a hex string.
import { describe, expect, it } from 'vitest';
import { adler32 } from '../../../node-core/storage/adler32.js';
import { SnapshotTrailerError, parseSnapshotTrailer } from '../../../node-core/storage/snapshotTrailer.js';

const header = Buffer.from('5a4b534e00000002ffffffffffffffff', 'hex');
const tree = Buffer.from('0000000000000000000000012f', 'hex'); // no sessions, no ACLs, the "/" marker

function long(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(value);
  return b;
}
function int(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}

/** The file ZooKeeper would write: each seal is {long adler32 of every byte before it, ustring "/"}. */
function file(...sections: Buffer[]): { body: Buffer; checksum: number } {
  let bytes = Buffer.concat([header, tree]);
  for (const section of [Buffer.alloc(0), ...sections]) {
    bytes = Buffer.concat([bytes, section, long(BigInt(adler32(Buffer.concat([bytes, section])))), int(1), Buffer.from('/')]);
  }
  // what the store hands over: the body between header and last seal, and the checksum that seal held
  const body = bytes.subarray(16, bytes.length - 13);
  return { body, checksum: adler32(bytes.subarray(0, bytes.length - 13)) };
}

const digest = Buffer.concat([long(0x1234n), int(2), long(-42n)]);

describe('snapshot trailers of ZooKeeper 3.5 to 3.9', () => {
  it('3.5: one seal, nothing after the tree', () => {
    const { body, checksum } = file();
    expect(parseSnapshotTrailer(body, tree.length, checksum)).toEqual({});
  });

  it('3.6-3.8: digest and a second seal', () => {
    const { body, checksum } = file(digest);
    expect(parseSnapshotTrailer(body, tree.length, checksum)).toEqual({ digest: { zxid: 0x1234n, version: 2, digest: -42n } });
  });

  it('3.9: digest, then the last processed zxid, each sealed', () => {
    const { body, checksum } = file(digest, long(0x1240n));
    expect(parseSnapshotTrailer(body, tree.length, checksum)).toEqual({
      digest: { zxid: 0x1234n, version: 2, digest: -42n },
      lastProcessedZxid: 0x1240n,
    });
  });

  it('3.9 with the digest switched off: only the last processed zxid', () => {
    const { body, checksum } = file(long(0x77n));
    expect(parseSnapshotTrailer(body, tree.length, checksum)).toEqual({ lastProcessedZxid: 0x77n });
  });

  it('digest version 1 as a hex string', () => {
    const text = Buffer.from('ff');
    const { body, checksum } = file(Buffer.concat([long(9n), int(1), int(text.length), text]));
    expect(parseSnapshotTrailer(body, tree.length, checksum).digest).toEqual({ zxid: 9n, version: 1, digest: 255n });
  });

  it('finds a wrong checksum in the inner seal even though the last one matches', () => {
    let bytes = Buffer.concat([header, tree, long(12345n), int(1), Buffer.from('/'), digest]);
    const checksum = adler32(bytes);
    bytes = Buffer.concat([bytes, long(BigInt(checksum)), int(1), Buffer.from('/')]);
    const body = bytes.subarray(16, bytes.length - 13);
    let caught: unknown;
    try {
      parseSnapshotTrailer(body, tree.length, checksum);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SnapshotTrailerError);
    expect((caught as SnapshotTrailerError).offset).toBe(tree.length);
    expect((caught as SnapshotTrailerError).reason).toMatch(/checksum mismatch/);
  });
});

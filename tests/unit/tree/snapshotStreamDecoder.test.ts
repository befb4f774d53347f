import { describe, expect, it } from 'vitest';
import type { DataTree } from '../../../node-core/tree/dataTree.js';
import { SnapshotFormatError, serializeSnapshot } from '../../../node-core/tree/snapshotCodec.js';
import { SnapshotStreamDecoder } from '../../../node-core/tree/snapshotStreamDecoder.js';
import { streamSampleTree } from './streamSampleTree.js';


function bodyOf(tree: DataTree, sessions: Map<bigint, number>): Buffer {
  return Buffer.concat([...serializeSnapshot(tree, sessions)]);
}

/** Splits `bytes` at the given sizes, cycling through them. */
function split(bytes: Buffer, sizes: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

function decodeInPieces(pieces: Buffer[]): { decoder: SnapshotStreamDecoder; after: Buffer; pushed: number } {
  const decoder = new SnapshotStreamDecoder();
  const after: Buffer[] = [];
  let done = false;
  let pushed = 0;
  for (const piece of pieces) {
    if (done) {
      after.push(piece);
      continue;
    }
    pushed += piece.length;
    const rest = decoder.push(piece);
    if (rest !== null) {
      done = true;
      after.push(rest);
    }
  }
  expect(done).toBe(true);
  return { decoder, after: Buffer.concat(after), pushed };
}

describe('snapshot stream decoder', () => {
  const { tree, sessions } = streamSampleTree();
  const body = bodyOf(tree, sessions);
  const trailer = Buffer.from('after the body');

  it.each([
    ['1 byte', [1]],
    ['7 and 13 bytes', [7, 13]],
    ['64 KiB', [65536]],
    ['uneven, splitting the head and the big node', [3, 4000, 1, 30_000, 17, 60_000]],
    ['all at once', [body.length + trailer.length]],
  ])('restores the same tree from pieces of %s and hands back what follows the body', (_name, sizes) => {
    const { decoder, after, pushed } = decodeInPieces(split(Buffer.concat([body, trailer]), sizes));
    const loaded = decoder.result();
    expect(loaded.end).toBe(body.length);
    expect(after.toString()).toBe(trailer.toString());
    expect(loaded.sessions).toEqual(sessions);
    expect(loaded.tree.nodeCount).toBe(tree.nodeCount);
    // Serialising the restored tree gives the leader's bytes back: every node, stat, ACL and session is the same.
    expect(bodyOf(loaded.tree, loaded.sessions).equals(body)).toBe(true);
    expect(decoder.received).toBe(pushed);
    expect(() => decoder.push(Buffer.alloc(1))).toThrow(/already complete/);
  });

  it('refuses bytes no snapshot can hold, with the offset in the whole body, and is not complete before the end', () => {
    const small = streamSampleTree(false);
    const smallBody = bodyOf(small.tree, small.sessions);
    const decoder = new SnapshotStreamDecoder();
    expect(decoder.push(smallBody.subarray(0, 9000))).toBeNull();
    expect(() => decoder.result()).toThrow(/not complete/);
    // 0xff bytes from 9000 on: the node cut there may still read (as null data), the one after cannot
    let error: unknown;
    try {
      decoder.push(Buffer.alloc(2000, 0xff));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SnapshotFormatError);
    expect((error as SnapshotFormatError).offset).toBeGreaterThan(8800);
    expect((error as SnapshotFormatError).offset).toBeLessThanOrEqual(9100);
    expect((error as SnapshotFormatError).message).toMatch(/bad path length -1/);
  });

  it('refuses a negative session count at once rather than waiting for more', () => {
    const decoder = new SnapshotStreamDecoder();
    expect(() => decoder.push(Buffer.from([0xff, 0xff, 0xff, 0xfe]))).toThrow(/bad session count -2/);
  });
});

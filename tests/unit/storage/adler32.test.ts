import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adler32 } from '../../../node-core/storage/adler32.js';

/** zlib streams end with the Adler-32 of the uncompressed data: an independent reference implementation. */
function zlibAdler(data: Buffer): number {
  const deflated = deflateSync(data, { level: 0 });
  return deflated.readUInt32BE(deflated.length - 4);
}

describe('adler32', () => {
  it('matches published vectors', () => {
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(Buffer.alloc(0))).toBe(1);
    expect(adler32(Buffer.from('a'))).toBe(0x00620062);
    expect(adler32(Buffer.from('abc'))).toBe(0x024d0127);
    expect(adler32(Buffer.from('message digest'))).toBe(0x29750586);
    expect(adler32(Buffer.from('abcdefghijklmnopqrstuvwxyz'))).toBe(0x90860b20);
  });

  it('agrees with zlib on large and worst-case inputs (sums reduced only per block)', () => {
    for (const data of [Buffer.alloc(1 << 20, 0xff), randomBytes(3 * 5552 + 17), randomBytes(100_000)]) {
      expect(adler32(data)).toBe(zlibAdler(data));
    }
  });

  it('continues a running checksum across pieces', () => {
    const data = randomBytes(20_000);
    let running = 1;
    for (const cut of [[0, 1], [1, 5553], [5553, 5554], [5554, 20_000]] as const) {
      running = adler32(data.subarray(cut[0], cut[1]), running);
    }
    expect(running).toBe(adler32(data));
    expect(running).toBeGreaterThanOrEqual(0);
  });
});

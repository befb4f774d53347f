// FrameDecoder on a real client stream (zkCli's requests to Apache ZooKeeper, tests/fixtures/wire) cut at every
// possible point: TCP may deliver any split, and the frames must come out whole, in order, and unchanged.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, JuteError } from '../../../node-core/jute/index.js';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/wire/zkcli-apache-3.8.json', import.meta.url), 'utf8')) as {
  toServer: string[];
  toClient: string[];
};

function framed(frames: Buffer[]): Buffer {
  return Buffer.concat(frames.flatMap((f) => [Buffer.from([f.length >>> 24, (f.length >>> 16) & 255, (f.length >>> 8) & 255, f.length & 255]), f]));
}

function decodeInPieces(stream: Buffer, cuts: number[]): { frames: Buffer[]; buffered: number } {
  const decoder = new FrameDecoder();
  const frames: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    // Copies, so a decoder that kept a view of a reused receive buffer would show up as corrupted frames.
    frames.push(...decoder.push(Buffer.from(stream.subarray(from, cut))).map((f) => Buffer.from(f)));
    from = cut;
  }
  return { frames, buffered: decoder.buffered };
}

describe('FrameDecoder on recorded ZooKeeper traffic', () => {
  for (const direction of ['toServer', 'toClient'] as const) {
    const frames = fixture[direction].map((h) => Buffer.from(h, 'hex'));
    const stream = framed(frames);

    it(`${direction}: the whole stream at once`, () => {
      expect(decodeInPieces(stream, [])).toEqual({ frames, buffered: 0 });
    });

    it(`${direction}: split into two at every byte`, () => {
      for (let cut = 1; cut < stream.length; cut++) {
        const result = decodeInPieces(stream, [cut]);
        expect(result.frames.length, `cut at ${cut}`).toBe(frames.length);
        expect(result.frames).toEqual(frames);
      }
    });

    it(`${direction}: one byte at a time, with the half-received frame counted`, () => {
      const decoder = new FrameDecoder();
      const out: Buffer[] = [];
      let frameStart = 0;
      for (let i = 0; i < stream.length; i++) {
        const got = decoder.push(stream.subarray(i, i + 1));
        out.push(...got.map((f) => Buffer.from(f)));
        if (got.length > 0) frameStart = i + 1;
        expect(decoder.buffered).toBe(i + 1 - frameStart);
      }
      expect(out).toEqual(frames);
    });
  }

  it('a length over jute.maxbuffer or below zero is refused before any payload arrives', () => {
    expect(() => new FrameDecoder(100).push(Buffer.from('00000065', 'hex'))).toThrow(JuteError);
    expect(() => new FrameDecoder().push(Buffer.from('ffffffff', 'hex'))).toThrow(JuteError);
    expect(new FrameDecoder(100).push(Buffer.from('00000064', 'hex'))).toEqual([]);
  });
});

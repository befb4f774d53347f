// Bounded fuzzing of the client port: random bytes, hostile lengths, half-written packets and mutated valid
// requests, while a well-behaved client keeps working. The server must stay up and that client must see no error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as net from 'node:net';
import { startPaddock } from '../helpers/paddockServer.js';
import type { ZkTarget } from '../helpers/zkTarget.js';
import { connectRequestFrame } from '../helpers/rawSocket.js';
import { ZkConnection } from '../../node-core/client/zkConnection.js';
import { JuteWriter } from '../../node-core/jute/index.js';
import {
  CreateMode,
  CreateRequestCodec,
  OpCode,
  Perms,
  RequestHeaderCodec,
  SetDataRequestCodec,
  PathWatchRequestCodec,
  GetDataResponseCodec,
} from '../../node-core/protocol/index.js';

const fuzzMillis = 8_000;
let target: ZkTarget;

beforeAll(async () => {
  target = await startPaddock();
});
afterAll(async () => {
  await target?.stop();
});

/** A small deterministic generator, so a failing run can be repeated with the printed seed. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}

const validSessionPrefix = () => connectRequestFrame(4000);

function validRequest(xid: number): Buffer {
  const writer = new JuteWriter();
  RequestHeaderCodec.write(writer, { xid, type: OpCode.create });
  CreateRequestCodec.write(writer, {
    path: `/fuzz-${xid}`,
    data: Buffer.from('x'),
    acl: [{ perms: Perms.all, id: { scheme: 'world', id: 'anyone' } }],
    flags: CreateMode.ephemeral,
  });
  return writer.frame();
}

function mutate(bytes: Buffer, next: () => number): Buffer {
  const copy = Buffer.from(bytes);
  const flips = 1 + Math.floor(next() * 4);
  for (let i = 0; i < flips; i++) copy[Math.floor(next() * copy.length)] = Math.floor(next() * 256);
  return copy;
}

function fuzzPayload(next: () => number): Buffer {
  const kind = Math.floor(next() * 6);
  switch (kind) {
    case 0: // pure noise
      return Buffer.from(Array.from({ length: 1 + Math.floor(next() * 64) }, () => Math.floor(next() * 256)));
    case 1: {
      // a length over jute.maxbuffer or negative
      const b = Buffer.alloc(4);
      b.writeInt32BE(next() < 0.5 ? -5 : 0x7fffffff);
      return b;
    }
    case 2: // a half-written packet, then the socket closes
      return validSessionPrefix().subarray(0, 10);
    case 3: // a valid session, then a mutated request
      return Buffer.concat([validSessionPrefix(), mutate(validRequest(1), next)]);
    case 4: // a mutated connect request
      return mutate(validSessionPrefix(), next);
    default: {
      // a valid session, then an unknown opcode
      const writer = new JuteWriter();
      RequestHeaderCodec.write(writer, { xid: 1, type: 4242 });
      return Buffer.concat([validSessionPrefix(), writer.frame()]);
    }
  }
}

function sendAndClose(port: number, payload: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(payload);
      setTimeout(() => socket.destroy(), 20);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.on('data', () => undefined);
  });
}

describe('fuzzing the client port', () => {
  it('survives random and mutated frames while a well-behaved client sees no error', async () => {
    const seed = Number(process.env.PADDOCK_FUZZ_SEED ?? Date.now() % 1_000_000);
    const next = random(seed);
    const port = target.members[0]!.clientPort;
    const good = await ZkConnection.connect({ host: '127.0.0.1', port, sessionTimeout: 10_000 });
    const sessionId = good.sessionId;
    const created = await good.request(OpCode.create, (w) =>
      CreateRequestCodec.write(w, {
        path: '/steady',
        data: Buffer.from('0'),
        acl: [{ perms: Perms.all, id: { scheme: 'world', id: 'anyone' } }],
        flags: CreateMode.persistent,
      }),
    );
    expect(created.header.err).toBe(0);
    let goodClientErrors = 0;
    let goodClientOps = 0;
    let closedUnexpectedly = false;
    good.on('close', () => {
      closedUnexpectedly = true;
    });

    const deadline = Date.now() + fuzzMillis;
    const steady = (async () => {
      let i = 0;
      while (Date.now() < deadline) {
        const set = await good.request(OpCode.setData, (w) =>
          SetDataRequestCodec.write(w, { path: '/steady', data: Buffer.from(String(++i)), version: -1 }),
        );
        const get = await good.request(OpCode.getData, (w) => PathWatchRequestCodec.write(w, { path: '/steady', watch: false }));
        if (set.header.err !== 0 || get.header.err !== 0) goodClientErrors++;
        else if (GetDataResponseCodec.read(get.body).data?.toString() !== String(i)) goodClientErrors++;
        goodClientOps++;
      }
    })();

    let fuzzed = 0;
    while (Date.now() < deadline) {
      await Promise.all(Array.from({ length: 8 }, () => sendAndClose(port, fuzzPayload(next))));
      fuzzed += 8;
    }
    await steady;

    expect(goodClientErrors, `seed ${seed}`).toBe(0);
    expect(closedUnexpectedly, `seed ${seed}`).toBe(false);
    expect(goodClientOps).toBeGreaterThan(50);
    expect(fuzzed).toBeGreaterThan(100);
    expect(good.sessionId).toBe(sessionId);
    expect((await target.fourLetterWord('ruok')).trim()).toBe('imok');
    await good.close();
  });
});

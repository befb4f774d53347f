// Issue 14 point 7: a connection that never finishes its handshake (idle, a partial length prefix, half a
// ConnectRequest) is closed after nio.sessionlessCnxnTimeout, on Paddock as on Apache ZooKeeper, and one that has
// not handshaken cannot make the server hold a large partial frame.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as net from 'node:net';
import { compatTargets, startTarget, type ZkTarget } from '../../helpers/zkTarget.js';
import { startPaddock } from '../../helpers/paddockServer.js';
import { fourLetterWord } from '../../helpers/fourLetterWord.js';
import { ZkConnection } from '../../../node-core/client/zkConnection.js';
import { OpCode, PathWatchRequestCodec } from '../../../node-core/protocol/index.js';
import { connectRequestFrame, sendAndAwaitClose } from '../../helpers/rawSocket.js';

const timeoutMs = 2_000;
const config = { 'nio.sessionlessCnxnTimeout': timeoutMs };

function lengthPrefix(length: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(length);
  return bytes;
}

describe.each(compatTargets())('%s: connections that never handshake', (kind) => {
  let target: ZkTarget;
  beforeAll(async () => {
    target = await startTarget(kind, { extraConfig: config });
  });
  afterAll(async () => {
    await target?.stop();
  });

  it('closes idle, partial-prefix and half-ConnectRequest connections after nio.sessionlessCnxnTimeout', async () => {
    const port = target.members[0]!.clientPort;
    const connect = connectRequestFrame();
    const [idle, partialPrefix, halfConnect] = await Promise.all([
      sendAndAwaitClose(port, Buffer.alloc(0), 20_000),
      sendAndAwaitClose(port, connect.subarray(0, 2), 20_000),
      sendAndAwaitClose(port, connect.subarray(0, connect.length >> 1), 20_000),
    ]);
    console.log(
      `${kind}: closed after idle ${idle.closedAfterMs} ms, partial prefix ${partialPrefix.closedAfterMs} ms, ` +
        `half ConnectRequest ${halfConnect.closedAfterMs} ms (nio.sessionlessCnxnTimeout=${timeoutMs})`,
    );
    for (const { closedAfterMs } of [idle, partialPrefix, halfConnect]) {
      expect(closedAfterMs).toBeDefined();
      // Not before the timeout; ZooKeeper's expiry queue may take up to two intervals, plus a loaded machine.
      expect(closedAfterMs!).toBeGreaterThanOrEqual(timeoutMs - 100);
      expect(closedAfterMs!).toBeLessThan(3 * timeoutMs + 3_000);
    }
  });
});

describe('paddock: before the handshake', () => {
  let target: ZkTarget;
  beforeAll(async () => {
    target = await startPaddock({ extraConfig: config });
  });
  afterAll(async () => {
    await target?.stop();
  });

  it('closes at once a connection whose first frame is larger than any ConnectRequest', async () => {
    const port = target.members[0]!.clientPort;
    // Legal under jute.maxbuffer, but a ConnectRequest is 45 bytes: nothing of it is buffered.
    const oversized = Buffer.concat([lengthPrefix(1_000_000), Buffer.alloc(1000)]);
    const { closedAfterMs } = await sendAndAwaitClose(port, oversized, 10_000);
    expect(closedAfterMs).toBeDefined();
    expect(closedAfterMs!).toBeLessThan(timeoutMs);
    expect(await fourLetterWord('127.0.0.1', port, 'ruok')).toBe('imok');
  });

  it('still answers a four-letter word sent in pieces', async () => {
    const port = target.members[0]!.clientPort;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.write('ru');
        setTimeout(() => socket.write('ok'), 300);
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toBe('imok');
  });

  it('keeps a handshaken session open past the timeout', async () => {
    const port = target.members[0]!.clientPort;
    const client = await ZkConnection.connect({ host: '127.0.0.1', port, sessionTimeout: 10_000 });
    try {
      await new Promise((resolve) => setTimeout(resolve, timeoutMs + 1_000));
      expect(client.closed).toBe(false);
      const reply = await client.request(OpCode.exists, (w) => PathWatchRequestCodec.write(w, { path: '/', watch: false }));
      expect(reply.header.err).toBe(0);
    } finally {
      await client.close();
    }
  });
});

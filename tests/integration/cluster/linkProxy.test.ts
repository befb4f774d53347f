// The link proxy on its own: it forwards bytes, cutting resets live connections and refuses new ones, healing
// restores them, and on election links it rewrites the advertised call-back address.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rewriteInitialMessage } from '../../../node-core/cluster/electionHandshake.js';
import { LinkProxy } from '../../../node-core/cluster/linkProxy.js';
import { PortAllocator } from '../../../node-core/cluster/portAllocator.js';

function initialMessage(sid: bigint, address: string, version = -65536n): Buffer {
  const addr = Buffer.from(address);
  const header = Buffer.alloc(20);
  header.writeBigInt64BE(version, 0);
  header.writeBigInt64BE(sid, 8);
  header.writeInt32BE(addr.length, 16);
  return Buffer.concat([header, addr]);
}

async function echoServer(port: number, received: Buffer[]): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      socket.write(chunk);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return server;
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

function nextData(socket: Socket): Promise<Buffer> {
  return new Promise((resolve) => socket.once('data', resolve));
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    socket.once('close', () => resolve());
  });
}

describe('election handshake rewrite', () => {
  it('replaces the advertised address once the message is complete', () => {
    const message = initialMessage(3n, '127.0.0.1:40000');
    expect(rewriteInitialMessage(message.subarray(0, 10), '127.0.0.1:1').kind).toBe('incomplete');
    expect(rewriteInitialMessage(message.subarray(0, 25), '127.0.0.1:1').kind).toBe('incomplete');
    const trailing = Buffer.from([1, 2, 3]);
    const result = rewriteInitialMessage(Buffer.concat([message, trailing]), '127.0.0.1:5555');
    expect(result).toEqual({
      kind: 'done',
      sid: 3n,
      bytes: Buffer.concat([initialMessage(3n, '127.0.0.1:5555'), trailing]),
    });
  });

  it('passes old-style (bare sid) and unknown headers through', () => {
    const bare = Buffer.alloc(8);
    bare.writeBigInt64BE(2n);
    expect(rewriteInitialMessage(bare, 'x:1')).toEqual({ kind: 'done', bytes: bare, sid: 2n });
    const odd = initialMessage(1n, 'a:1', -5n);
    expect(rewriteInitialMessage(odd, 'x:1')).toEqual({ kind: 'done', bytes: odd, sid: undefined });
  });
});

describe('LinkProxy', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(electionCallbackAddress?: string) {
    const [targetPort, listenPort] = (await new PortAllocator().take(2)) as [number, number];
    const received: Buffer[] = [];
    const server = await echoServer(targetPort, received);
    const proxy = new LinkProxy({ listenPort, targetPort, electionCallbackAddress });
    await proxy.start();
    cleanups.push(async () => {
      await proxy.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return { proxy, listenPort, received, server };
  }

  it('forwards, cuts live connections, refuses new ones while cut, and heals', async () => {
    const { proxy, listenPort } = await setup();
    const socket = await open(listenPort);
    socket.on('error', () => undefined);
    socket.write('ping');
    expect((await nextData(socket)).toString()).toBe('ping');
    expect(proxy.activeConnections).toBe(1);

    proxy.setCut(true);
    await closed(socket);
    expect(proxy.activeConnections).toBe(0);
    // accepted by the kernel, then reset at once (or reset before the connect event fires)
    const refused = connect({ host: '127.0.0.1', port: listenPort });
    refused.on('error', () => undefined);
    refused.on('data', () => expect.fail('a cut link delivered data'));
    await closed(refused);

    proxy.setCut(false);
    const again = await open(listenPort);
    again.write('back');
    expect((await nextData(again)).toString()).toBe('back');
    again.destroy();
  });

  it('rewrites the initial message on election links', async () => {
    const { listenPort, received } = await setup('127.0.0.1:4242');
    const socket = await open(listenPort);
    const message = initialMessage(1n, '127.0.0.1:9999');
    // split mid-header, as TCP may deliver it
    socket.write(message.subarray(0, 12));
    await new Promise((resolve) => setTimeout(resolve, 20));
    socket.write(Buffer.concat([message.subarray(12), Buffer.from('rest')]));
    await waitForBytes(received, message.length + 4 - '9999'.length + '4242'.length);
    expect(Buffer.concat(received)).toEqual(Buffer.concat([initialMessage(1n, '127.0.0.1:4242'), Buffer.from('rest')]));
    socket.destroy();
  });

  it('holds a connection while the target is not listening yet', async () => {
    const [targetPort, listenPort] = (await new PortAllocator().take(2)) as [number, number];
    const proxy = new LinkProxy({ listenPort, targetPort });
    await proxy.start();
    cleanups.push(() => proxy.close());
    const socket = await open(listenPort);
    socket.write('early');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const received: Buffer[] = [];
    const server = await echoServer(targetPort, received);
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    expect((await nextData(socket)).toString()).toBe('early');
    socket.destroy();
  });
});

async function waitForBytes(chunks: Buffer[], length: number): Promise<void> {
  const deadline = Date.now() + 2000;
  while (Buffer.concat(chunks).length < length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

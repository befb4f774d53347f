// ZkConnection, the raw single-socket layer: handshake, raw reply headers, pipelining, events, pings, close and
// destroy against a real server, and protocol violations against a scripted fake server.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JuteWriter } from '../../../node-core/jute/index.js';
import {
  ConnectResponseCodec,
  CreateRequestCodec,
  CreateResponseCodec,
  ErrorCode,
  EventType,
  GetDataResponseCodec,
  OpCode,
  PathRequestCodec,
  PathWatchRequestCodec,
  ReplyHeaderCodec,
  SetDataRequestCodec,
  SetWatches2Codec,
  SetWatchesCodec,
  StatResponseCodec,
  Xid,
  type WatcherEvent,
} from '../../../node-core/protocol/index.js';
import { ConnectionLossError, SessionExpiredError, ZkConnection } from '../../../node-core/client/index.js';
import { freePort } from '../../helpers/ports.js';
import type { ZkTarget } from '../../helpers/zkTarget.js';
import { clientTestTargets, eventually, hostAndPort, sleep, startServer } from './clientTargets.js';

const openAcl = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

describe.each(clientTestTargets())('ZkConnection against %s', (kind) => {
  let server: ZkTarget;
  let host: string;
  let port: number;

  beforeAll(async () => {
    server = await startServer(kind);
    ({ host, port } = hostAndPort(server.hostPort));
  });
  afterAll(async () => {
    await server?.stop();
  });

  const open = (extra: Partial<Parameters<typeof ZkConnection.connect>[0]> = {}) =>
    ZkConnection.connect({ host, port, sessionTimeout: 10_000, ...extra });

  it('establishes a session and returns raw replies, errors included', async () => {
    const c = await open();
    try {
      expect(c.sessionId).not.toBe(0n);
      expect(c.passwd).toHaveLength(16);
      expect(c.negotiatedTimeout).toBe(10_000);
      expect(c.readOnly).toBe(false);
      const created = await c.request(OpCode.create, (w) =>
        CreateRequestCodec.write(w, { path: '/raw', data: Buffer.from('x'), acl: openAcl, flags: 0 }),
      );
      expect(created.header.err).toBe(0);
      expect(created.header.xid).toBe(1);
      expect(CreateResponseCodec.read(created.body).path).toBe('/raw');
      expect(c.lastZxid).toBe(created.header.zxid);
      const missing = await c.request(OpCode.getData, (w) => PathWatchRequestCodec.write(w, { path: '/none', watch: false }));
      expect(missing.header).toMatchObject({ xid: 2, err: ErrorCode.noNode });
      expect(missing.body.remaining).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('pipelines requests and matches replies in order', async () => {
    const c = await open();
    try {
      const replies = await Promise.all(
        Array.from({ length: 200 }, () => c.request(OpCode.exists, (w) => PathWatchRequestCodec.write(w, { path: '/', watch: false }))),
      );
      expect(replies.map((r) => r.header.xid)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(c.outstanding).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('emits watch events (xid -1)', async () => {
    const c = await open();
    const writer = await open();
    try {
      await c.request(OpCode.create, (w) => CreateRequestCodec.write(w, { path: '/ev', data: null, acl: openAcl, flags: 0 }));
      const events: WatcherEvent[] = [];
      c.on('event', (e) => events.push(e));
      await c.request(OpCode.getData, (w) => PathWatchRequestCodec.write(w, { path: '/ev', watch: true }));
      await writer.request(OpCode.setData, (w) => SetDataRequestCodec.write(w, { path: '/ev', data: Buffer.from('1'), version: -1 }));
      await eventually(() => events.length === 1);
      expect(events).toEqual([{ type: EventType.nodeDataChanged, state: 3, path: '/ev' }]);
    } finally {
      await c.close();
      await writer.close();
    }
  });

  it('setWatches replays against relativeZxid at once', async () => {
    const c = await open();
    try {
      await c.request(OpCode.create, (w) => CreateRequestCodec.write(w, { path: '/sw', data: null, acl: openAcl, flags: 0 }));
      const events: WatcherEvent[] = [];
      c.on('event', (e) => events.push(e));
      const reply = await c.request(
        OpCode.setWatches,
        (w) => SetWatchesCodec.write(w, { relativeZxid: 0n, dataWatches: ['/sw', '/sw-gone'], existWatches: ['/sw'], childWatches: [] }),
        Xid.setWatches,
      );
      expect(reply.header).toMatchObject({ xid: Xid.setWatches, err: 0 });
      const reply2 = await c.request(
        OpCode.setWatches2,
        (w) =>
          SetWatches2Codec.write(w, {
            relativeZxid: c.lastZxid,
            dataWatches: [],
            existWatches: [],
            childWatches: ['/sw'],
            persistentWatches: ['/p'],
            persistentRecursiveWatches: [],
          }),
        Xid.setWatches,
      );
      expect(reply2.header.err).toBe(0);
      await eventually(() => events.length === 3);
      expect(events).toEqual([
        { type: EventType.nodeDataChanged, state: 3, path: '/sw' },
        { type: EventType.nodeDeleted, state: 3, path: '/sw-gone' },
        { type: EventType.nodeCreated, state: 3, path: '/sw' },
      ]);
    } finally {
      await c.close();
    }
  });

  it('pings keep an idle session alive', async () => {
    const c = await open({ sessionTimeout: 4_000 });
    try {
      expect(c.negotiatedTimeout).toBe(4_000);
      await sleep(6_000);
      expect(c.closed).toBe(false);
      const reply = await c.request(OpCode.exists, (w) => PathWatchRequestCodec.write(w, { path: '/', watch: false }));
      expect(reply.header.err).toBe(0);
      // An explicit ping with xid -2 is answered too.
      const ping = await c.request(OpCode.ping, undefined, Xid.ping);
      expect(ping.header.xid).toBe(Xid.ping);
    } finally {
      await c.close();
    }
  });

  it('close() ends the session; destroy() leaves it resumable', async () => {
    const c = await open();
    const ephemeral = await c.request(OpCode.create, (w) => CreateRequestCodec.write(w, { path: '/mine', data: null, acl: openAcl, flags: 1 }));
    expect(ephemeral.header.err).toBe(0);
    const closeReasons: Array<ConnectionLossError | undefined> = [];
    c.on('close', (e) => closeReasons.push(e));
    c.destroy();
    expect(closeReasons).toHaveLength(1);
    expect(closeReasons[0]).toBeInstanceOf(ConnectionLossError);
    await expect(c.request(OpCode.ping, undefined, Xid.ping)).rejects.toBeInstanceOf(ConnectionLossError);

    const resumed = await open({ sessionId: c.sessionId, passwd: c.passwd, lastZxidSeen: c.lastZxid });
    expect(resumed.sessionId).toBe(c.sessionId);
    const stat = await resumed.request(OpCode.exists, (w) => PathWatchRequestCodec.write(w, { path: '/mine', watch: false }));
    expect(StatResponseCodec.read(stat.body).stat.ephemeralOwner).toBe(c.sessionId);
    const reasons: Array<ConnectionLossError | undefined> = [];
    resumed.on('close', (e) => reasons.push(e));
    await resumed.close();
    expect(reasons).toEqual([undefined]);

    await expect(open({ sessionId: c.sessionId, passwd: c.passwd })).rejects.toBeInstanceOf(SessionExpiredError);
    const check = await open();
    const gone = await check.request(OpCode.exists, (w) => PathWatchRequestCodec.write(w, { path: '/mine', watch: false }));
    expect(gone.header.err).toBe(ErrorCode.noNode);
    await check.close();
  });

  it('rejects with ConnectionLoss when the server is killed mid-flight', async () => {
    const c = await open();
    const closed = new Promise<ConnectionLossError | undefined>((resolve) => c.once('close', resolve));
    await server.kill(1);
    const reason = await closed;
    expect(reason).toBeInstanceOf(ConnectionLossError);
    await expect(c.request(OpCode.getData, (w) => PathRequestCodec.write(w, { path: '/' }))).rejects.toBeInstanceOf(ConnectionLossError);
    await expect(open({ connectTimeoutMs: 1_000 })).rejects.toBeInstanceOf(ConnectionLossError);
    await server.restart(1);
  });

  it("keeps 3.8's watch quirks: a one-shot watch replaces a persistent one; checkWatches sees others' watches", async () => {
    const a = await open();
    const b = await open();
    try {
      const events: WatcherEvent[] = [];
      a.on('event', (e) => events.push(e));
      await a.request(OpCode.create, (w) => CreateRequestCodec.write(w, { path: '/quirk', data: null, acl: openAcl, flags: 0 }));
      await a.request(OpCode.addWatch, (w) => w.writeString('/quirk').writeInt(0));
      await a.request(OpCode.getData, (w) => PathWatchRequestCodec.write(w, { path: '/quirk', watch: true }));
      for (let i = 0; i < 3; i++) {
        await b.request(OpCode.setData, (w) => SetDataRequestCodec.write(w, { path: '/quirk', data: Buffer.from('x'), version: -1 }));
      }
      await a.request(OpCode.sync, (w) => PathRequestCodec.write(w, { path: '/' }));
      expect(events).toEqual([{ type: EventType.nodeDataChanged, state: 3, path: '/quirk' }]);
      const check = (c: ZkConnection, type: number) =>
        c.request(OpCode.checkWatches, (w) => w.writeString('/quirk').writeInt(type)).then((r) => r.header.err);
      expect(await check(b, 3)).toBe(0);
      expect(await check(b, 2)).toBe(ErrorCode.noWatcher);
      const removed = await b.request(OpCode.removeWatches, (w) => w.writeString('/quirk').writeInt(3));
      expect(removed.header.err).toBe(ErrorCode.noWatcher);
      const persistentType = await a.request(OpCode.removeWatches, (w) => w.writeString('/quirk').writeInt(4));
      expect(persistentType.header.err).toBe(ErrorCode.marshallingError);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('reads GetDataResponse bodies from replies', async () => {
    const c = await open();
    try {
      const reply = await c.request(OpCode.getData, (w) => PathWatchRequestCodec.write(w, { path: '/zookeeper', watch: false }));
      expect(reply.header.err).toBe(0);
      expect(GetDataResponseCodec.read(reply.body).stat.czxid).toBe(0n);
    } finally {
      await c.close();
    }
  });
});

// A scripted server speaking just enough protocol to misbehave on purpose.
function fakeServer(onFrame: (socket: Socket, frame: Buffer, index: number) => void): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      let buffered = Buffer.alloc(0);
      let index = 0;
      socket.on('data', (chunk) => {
        buffered = Buffer.concat([buffered, chunk]);
        while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
          const length = buffered.readInt32BE(0);
          onFrame(socket, buffered.subarray(4, 4 + length), index++);
          buffered = buffered.subarray(4 + length);
        }
      });
      socket.on('error', () => undefined);
    });
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address !== null ? address.port : 0 });
    });
  });
}

function frame(write: (w: JuteWriter) => void): Buffer {
  const w = new JuteWriter();
  write(w);
  return w.frame();
}

const handshakeReply = (timeOut: number) =>
  frame((w) => ConnectResponseCodec.write(w, { protocolVersion: 0, timeOut, sessionId: 0x77n, passwd: Buffer.alloc(16, 1), readOnly: false }));

describe('ZkConnection protocol violations', () => {
  it('closes the connection on a reply out of order', async () => {
    const { server, port } = await fakeServer((socket, _frame, index) => {
      if (index === 0) socket.write(handshakeReply(6_000));
      else if (index === 2) socket.write(frame((w) => ReplyHeaderCodec.write(w, { xid: 2, zxid: 5n, err: 0 })));
    });
    try {
      const c = await ZkConnection.connect({ host: '127.0.0.1', port, sessionTimeout: 6_000 });
      expect(c.sessionId).toBe(0x77n);
      const first = c.request(OpCode.sync, (w) => PathRequestCodec.write(w, { path: '/' }));
      const second = c.request(OpCode.sync, (w) => PathRequestCodec.write(w, { path: '/' }));
      await expect(first).rejects.toThrow(/out of order/);
      await expect(second).rejects.toBeInstanceOf(ConnectionLossError);
      expect(c.closed).toBe(true);
    } finally {
      server.close();
    }
  });

  it('closes the connection on a frame longer than maxBuffer', async () => {
    const { server, port } = await fakeServer((socket, _frame, index) => {
      if (index === 0) socket.write(handshakeReply(6_000));
      else {
        const header = Buffer.alloc(4);
        header.writeInt32BE(2_000);
        socket.write(header);
      }
    });
    try {
      const c = await ZkConnection.connect({ host: '127.0.0.1', port, sessionTimeout: 6_000, maxBuffer: 1_000 });
      await expect(c.request(OpCode.sync, (w) => PathRequestCodec.write(w, { path: '/' }))).rejects.toThrow(/Len error/);
    } finally {
      server.close();
    }
  });

  it('treats a handshake answer with timeOut 0 as an expired session', async () => {
    const { server, port } = await fakeServer((socket) => {
      socket.end(handshakeReply(0));
    });
    try {
      await expect(ZkConnection.connect({ host: '127.0.0.1', port, sessionTimeout: 6_000, sessionId: 5n })).rejects.toBeInstanceOf(
        SessionExpiredError,
      );
    } finally {
      server.close();
    }
  });

  it('gives up on a server that goes silent (read timeout = 2/3 of the session timeout)', async () => {
    const { server, port } = await fakeServer((socket, _frame, index) => {
      if (index === 0) socket.write(handshakeReply(1_500));
    });
    try {
      const c = await ZkConnection.connect({ host: '127.0.0.1', port, sessionTimeout: 1_500 });
      const reason = await new Promise<ConnectionLossError | undefined>((resolve) => c.once('close', resolve));
      expect(reason?.message).toMatch(/no reply from server/);
    } finally {
      server.close();
    }
  });

  it('rejects with ConnectionLoss when nothing listens', async () => {
    const port = await freePort();
    await expect(ZkConnection.connect({ host: '127.0.0.1', port, sessionTimeout: 6_000 })).rejects.toBeInstanceOf(ConnectionLossError);
  });

  it('answers auth replies that overtake earlier requests', async () => {
    const { server, port } = await fakeServer((socket, _frame, index) => {
      if (index === 0) socket.write(handshakeReply(6_000));
      else if (index === 2) {
        // request 1 (sync) arrives first, then auth: answer auth first, then sync
        socket.write(frame((w) => ReplyHeaderCodec.write(w, { xid: Xid.auth, zxid: 0n, err: 0 })));
        socket.write(
          frame((w) => {
            ReplyHeaderCodec.write(w, { xid: 1, zxid: 9n, err: 0 });
            w.writeString('/');
          }),
        );
      }
    });
    try {
      const c = await ZkConnection.connect({ host: '127.0.0.1', port, sessionTimeout: 6_000 });
      const sync = c.request(OpCode.sync, (w) => PathRequestCodec.write(w, { path: '/' }));
      const auth = c.request(OpCode.auth, (w) => w.writeInt(0).writeString('digest').writeBuffer(Buffer.from('a:b')), Xid.auth);
      expect((await auth).header.xid).toBe(Xid.auth);
      expect((await sync).header.zxid).toBe(9n);
      expect(c.lastZxid).toBe(9n);
      c.destroy();
    } finally {
      server.close();
    }
  });
});

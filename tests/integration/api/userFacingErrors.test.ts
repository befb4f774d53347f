// The admin API's errors say what went wrong in the user's terms, against real servers: which way a connection
// failed (refused, unknown host, not ZooKeeper, timed out) and quickly; a malformed connect string refused on save;
// a missing parent, a TTL without extended types, an invalid path, data over jute.maxbuffer (refused before
// sending) and a write while disconnected ("nothing was sent"), on Apache ZooKeeper 3.8 and on Paddock.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ApiCallError,
  ApiErrorCode,
  connectApiWebSocket,
  startApiServer,
  type ApiClient,
  type ApiServerHandle,
  type WebSocketConstructor,
} from '../../../node-core/api/index.js';
import { freePort } from '../../helpers/ports.js';
import { startTarget, type TargetKind, type ZkTarget } from '../../helpers/zkTarget.js';

const WS = WebSocket as unknown as WebSocketConstructor;
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

async function apiError(promise: Promise<unknown>): Promise<ApiCallError['error']> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected an API error, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(ApiCallError);
  return (outcome.error as ApiCallError).error;
}

const dir = mkdtempSync(join(tmpdir(), 'paddock-api-errors-'));
let server: ApiServerHandle;
let api: ApiClient;
let http: HttpServer;
let silent: TcpServer;
const silentSockets: Socket[] = [];
let httpPort: number;
let silentPort: number;

beforeAll(async () => {
  server = await startApiServer({ port: 0, profilesPath: join(dir, 'profiles.json'), connectTimeoutMs: 20_000 });
  api = await connectApiWebSocket(server.url, server.token, { WebSocket: WS });
  [httpPort, silentPort] = [await freePort(), await freePort()];
  http = createHttpServer((_req, res) => res.end('hello'));
  // Accepts connections and never says a word: the one case only a timeout can detect.
  silent = createTcpServer((socket) => silentSockets.push(socket));
  await Promise.all([
    new Promise<void>((resolve) => http.listen(httpPort, '127.0.0.1', resolve)),
    new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve)),
  ]);
});

afterAll(async () => {
  api?.close();
  await server?.close();
  for (const s of silentSockets) s.destroy();
  await new Promise((resolve) => http?.close(resolve));
  await new Promise((resolve) => silent?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function openFailure(connectString: string): Promise<{ message: string; ms: number }> {
  const started = Date.now();
  const error = await apiError(api.call('connection.test', { profile: { name: 'x', connectString } }));
  expect(error.code).toBe(ApiErrorCode.connectFailed);
  return { message: error.message, ms: Date.now() - started };
}

describe('connection failures say which', () => {
  // The complaint was 10-12 s for each; these causes are known after one attempt per server.
  const fast = 8_000;

  it('a closed port: refused, at once', async () => {
    const port = await freePort();
    const { message, ms } = await openFailure(`127.0.0.1:${port}`);
    expect(message).toContain(`127.0.0.1:${port} refused the connection`);
    expect(ms).toBeLessThan(fast);
  });

  it('an unknown host', async () => {
    const { message, ms } = await openFailure('no-such-host.invalid:2181');
    expect(message).toContain('the host "no-such-host.invalid" is unknown');
    expect(ms).toBeLessThan(fast);
  });

  it('an HTTP server: not a ZooKeeper server', async () => {
    const { message, ms } = await openFailure(`127.0.0.1:${httpPort}`);
    expect(message).toContain(`127.0.0.1:${httpPort} is not a ZooKeeper server`);
    expect(ms).toBeLessThan(fast);
  });

  it('a server that never answers: timed out, after one handshake timeout rather than the whole open timeout', async () => {
    const { message, ms } = await openFailure(`127.0.0.1:${silentPort}`);
    expect(message).toContain(`127.0.0.1:${silentPort} timed out`);
    // One 5 s handshake attempt; the open timeout of this server is 20 s.
    expect(ms).toBeLessThan(15_000);
  });

  it('several servers failing differently: each named', async () => {
    const port = await freePort();
    const { message } = await openFailure(`127.0.0.1:${port},127.0.0.1:${httpPort}`);
    expect(message).toContain('refused the connection');
    expect(message).toContain('is not a ZooKeeper server');
  });

  it('a malformed connect string is refused before saving and before connecting', async () => {
    const before = (await api.call('profiles.list', {})).profiles.length;
    const error = await apiError(api.call('profiles.save', { profile: { name: 'typo', connectString: 'foo bar' } }));
    expect(error.code).toBe(ApiErrorCode.invalidParams);
    expect(error.message).toContain('contains a space');
    expect((await api.call('profiles.list', {})).profiles.length).toBe(before);
    const { message, ms } = await openFailure('foo bar');
    expect(message).toContain('not valid');
    expect(ms).toBeLessThan(1000);
  });
});

for (const kind of ['apache', 'paddock'] as TargetKind[]) {
  describe(`operation errors in words, on ${kind}`, () => {
    let target: ZkTarget;
    let connectionId: string;

    beforeAll(async () => {
      // Extended types off, as both servers ship (the test helpers turn them on): TTL creates are refused. zoo.cfg's
      // key wins over the launcher's -D on Apache ZooKeeper, which turns unknown keys into system properties.
      target = await startTarget(kind, { size: 1, extraConfig: { extendedTypesEnabled: false } });
      const profile = await api.call('profiles.save', { profile: { name: `errors-${kind}`, connectString: target.connectString } });
      connectionId = (await api.call('connection.open', { profileId: profile.id })).connectionId;
    }, 120_000);

    afterAll(async () => {
      await api.call('connection.close', { connectionId }).catch(() => undefined);
      await target?.stop();
    });

    it('creating /a/b without /a names the missing parent', async () => {
      const error = await apiError(api.call('znode.create', { connectionId, path: '/missing-parent/child' }));
      expect(error.name).toBe('NoNode');
      expect(error.message).toContain('its parent /missing-parent does not exist');
      expect(error.message).not.toContain('/missing-parent/child does not exist');
    });

    it('a TTL create says that TTL needs extendedTypesEnabled', async () => {
      const error = await apiError(api.call('znode.create', { connectionId, path: '/ttl', mode: 'persistentWithTtl', ttlMs: 60_000 }));
      expect(error.message).toContain('zookeeper.extendedTypesEnabled=true');
      expect(error.message).not.toContain('older ZooKeeper version');
    });

    it('a path with ".." says what is wrong with the path, not which request was invalid', async () => {
      const error = await apiError(api.call('znode.list', { connectionId, path: '/a/../b' }));
      expect(error.code).toBe(ApiErrorCode.invalidParams);
      expect(error.message).toBe('"/a/../b" is not a valid znode path: a znode path must not contain "." or ".." names (ZooKeeper has no relative paths).');
      expect(error.message).not.toContain('znode.list');
    });

    it('data over jute.maxbuffer is refused before it is sent, and the session stays up', async () => {
      await api.call('znode.create', { connectionId, path: '/big', data: b64('small') });
      const started = Date.now();
      const error = await apiError(api.call('znode.set', { connectionId, path: '/big', data: Buffer.alloc(1_100_000, 0x61).toString('base64') }));
      expect(error.code).toBe(ApiErrorCode.dataTooLarge);
      expect(error.message).toMatch(/^Not sent: 1,100,000 bytes .*jute\.maxbuffer/);
      expect(Date.now() - started).toBeLessThan(2000);
      // Nothing reached the server: the node and the connection are as they were.
      const node = await api.call('znode.get', { connectionId, path: '/big' });
      expect(Buffer.from(node.data ?? '', 'base64').toString()).toBe('small');
      expect((await api.call('connection.list', {})).connections.find((c) => c.connectionId === connectionId)?.state).toBe('connected');
    });

    it('a write while the server is down says that nothing was sent', async () => {
      await target.kill(1);
      // Once the client knows the socket is gone; a request already on the wire would rightly be "may or may not".
      const deadline = Date.now() + 15_000;
      while ((await api.call('connection.list', {})).connections.find((c) => c.connectionId === connectionId)?.state === 'connected') {
        if (Date.now() > deadline) throw new Error('the connection never noticed its server was killed');
        await new Promise((r) => setTimeout(r, 50));
      }
      const error = await apiError(api.call('znode.set', { connectionId, path: '/big', data: b64('while down') }));
      expect(error.name).toBe('ConnectionLoss');
      expect(error.message).toMatch(/^Nothing was sent: the connection to ZooKeeper is down/);
      expect(error.message).not.toContain('may or may not');
      await target.restart(1);
    }, 60_000);
  });
}

// A node whose children listing is larger than ZooKeeper's default jute.maxbuffer (1 MiB) can still be browsed
// through the API: its connections accept bigger replies than a default client does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectApiWebSocket, startApiServer, type ApiClient, type ApiServerHandle, type WebSocketConstructor } from '../../../node-core/api/index.js';
import { ZkConnection } from '../../../node-core/client/zkConnection.js';
import { CreateMode, CreateRequestCodec, OpCode, Perms } from '../../../node-core/protocol/index.js';
import { startTarget, type ZkTarget } from '../../helpers/zkTarget.js';

let target: ZkTarget;
let server: ApiServerHandle;
let api: ApiClient;
let dir: string;
const children = 70_000;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paddock-big-listing-'));
  target = await startTarget('paddock');
  const member = target.members[0]!;
  const raw = await ZkConnection.connect({ host: '127.0.0.1', port: member.clientPort, sessionTimeout: 30_000 });
  const create = (path: string) =>
    raw.request(OpCode.create, (w) =>
      CreateRequestCodec.write(w, { path, data: null, acl: [{ perms: Perms.all, id: { scheme: 'world', id: 'anyone' } }], flags: CreateMode.persistent }),
    );
  await create('/big');
  // 16-character names: 70,000 × (4 + 16) bytes = 1.4 MB of children in one reply.
  for (let start = 0; start < children; start += 1000) {
    await Promise.all(Array.from({ length: 1000 }, (_, i) => create(`/big/child-${String(start + i).padStart(10, '0')}`)));
  }
  raw.destroy();
  server = await startApiServer({ port: 0, profilesPath: join(dir, 'profiles.json'), connectTimeoutMs: 15_000 });
  api = await connectApiWebSocket(server.url, server.token, { WebSocket: WebSocket as unknown as WebSocketConstructor });
}, 180_000);

afterAll(async () => {
  api?.close();
  await server?.close();
  await target?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a node with a listing over 1 MiB', () => {
  it('is listed page by page through the API', async () => {
    const profile = await api.call('profiles.save', { profile: { name: 'big', connectString: target.connectString } });
    const conn = await api.call('connection.open', { profileId: profile.id });
    const page = await api.call('znode.list', { connectionId: conn.connectionId, path: '/big', offset: 69_990, limit: 50 });
    expect(page.total).toBe(children);
    expect(page.children.map((c) => c.name)).toEqual(Array.from({ length: 10 }, (_, i) => `child-${String(69_990 + i).padStart(10, '0')}`));
  });
});

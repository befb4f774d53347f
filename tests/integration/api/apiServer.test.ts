// The admin API end to end: a real WebSocket to startApiServer, the typed client, and real ZooKeeper servers
// (Apache ZooKeeper 3.8 and Paddock) behind it. Every operation of the contract runs against both targets.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
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
  type ApiEvents,
  type ApiServerHandle,
  type ConnectionInfo,
  type WebSocketConstructor,
} from '../../../node-core/api/index.js';
import { ZkClient } from '../../../node-core/client/index.js';
import { compatTargets, startTarget, type ZkTarget } from '../../helpers/zkTarget.js';

const WS = WebSocket as unknown as WebSocketConstructor;
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const text = (data: string | null) => (data === null ? null : Buffer.from(data, 'base64').toString('utf8'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function apiError(promise: Promise<unknown>): Promise<ApiCallError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected an API error, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(ApiCallError);
  return outcome.error as ApiCallError;
}

const dir = mkdtempSync(join(tmpdir(), 'paddock-api-it-'));
const staticDir = join(dir, 'static');
let server: ApiServerHandle;
let api: ApiClient;

beforeAll(async () => {
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Paddock</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  server = await startApiServer({ port: 0, profilesPath: join(dir, 'profiles.json'), staticDir, connectTimeoutMs: 15_000 });
  api = await connectApiWebSocket(server.url, server.token, { WebSocket: WS });
});

afterAll(async () => {
  api?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the WebSocket server', () => {
  it('listens on 127.0.0.1 with a random token', () => {
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a wrong token in the query string', async () => {
    await expect(connectApiWebSocket(server.url, 'wrong', { WebSocket: WS })).rejects.toThrow(/refused|could not connect/);
  });

  it('refuses a wrong token sent as the first message, and accepts the right one', async () => {
    await expect(connectApiWebSocket(server.url, 'wrong', { WebSocket: WS, tokenIn: 'message' })).rejects.toThrow(/4401/);
    const ok = await connectApiWebSocket(server.url, server.token, { WebSocket: WS, tokenIn: 'message' });
    expect(await ok.call('connection.list', {})).toEqual({ connections: [] });
    ok.close();
  });

  it('closes a socket that never presents a token when it sends a request', async () => {
    const ws = new WebSocket(server.url);
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send(JSON.stringify({ id: 1, method: 'profiles.list', params: {} }));
    expect(await closed).toBe(4401);
  });

  it('refuses upgrades from foreign origins', async () => {
    const ws = new WebSocket(`${server.url}?token=${server.token}`, { origin: 'http://evil.example' });
    ws.on('error', () => undefined);
    const failure = await new Promise<string>((r) =>
      ws.once('unexpected-response', (req, res) => {
        r(String(res.statusCode));
        req.destroy();
      }),
    );
    expect(failure).toBe('403');
  });

  it('serves static files with a strict CSP, and index.html for client routes', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('Paddock');
    expect((await fetch(`${base}/assets/app.js`)).headers.get('content-type')).toContain('javascript');
    expect(await (await fetch(`${base}/browse/some/route`)).text()).toContain('Paddock');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    expect(await (await fetch(`${base}/..%2f..%2fetc%2fpasswd`)).text()).not.toContain('root:');
  });

  it('returns validation errors for invalid params instead of failing', async () => {
    const e = await apiError(api.callRaw('znode.get', { connectionId: 'x', path: 'no-slash' }));
    expect(e.error).toMatchObject({ code: ApiErrorCode.invalidParams, name: 'invalidParams', field: 'params.path' });
    const e2 = await apiError(api.callRaw('znode.create', { connectionId: 'x', path: '/a', mode: 'persistentWithTtl' }));
    expect(e2.error.message).toMatch(/ttlMs is required/);
    const e3 = await apiError(api.callRaw('no.such.method', {}));
    expect(e3.error.code).toBe(ApiErrorCode.unknownMethod);
  });

  it('keeps profiles and never sends passwords back', async () => {
    const saved = await api.call('profiles.save', { profile: { name: 'tmp', connectString: '127.0.0.1:1', auth: { user: 'u', password: 'pw-secret' } } });
    expect(saved.auth).toEqual({ user: 'u', hasPassword: true });
    const { profiles } = await api.call('profiles.list', {});
    expect(JSON.stringify(profiles)).not.toContain('pw-secret');
    await api.call('profiles.delete', { profileId: saved.id });
    expect((await apiError(api.call('profiles.delete', { profileId: saved.id }))).error.code).toBe(ApiErrorCode.unknownProfile);
  });

  it('reports a server nobody answers on as a connect failure', async () => {
    const quick = await startApiServer({ profilesPath: join(dir, 'quick.json'), connectTimeoutMs: 1_500 });
    const client = await connectApiWebSocket(quick.url, quick.token, { WebSocket: WS });
    try {
      const e = await apiError(client.call('connection.test', { profile: { name: 'dead', connectString: '127.0.0.1:1' } }));
      expect(e.error.code).toBe(ApiErrorCode.connectFailed);
      expect(e.error.message).toMatch(/Could not connect to 127\.0\.0\.1:1/);
    } finally {
      client.close();
      await quick.close();
    }
  });
});

describe.each(compatTargets())('operations against %s', (kind) => {
  let target: ZkTarget;
  let other: ZkClient;
  let conn: ConnectionInfo;
  let readOnlyConn: ConnectionInfo;
  const events: Array<ApiEvents['znode.changed']> = [];
  const states: Array<ApiEvents['connection.state']> = [];
  const root = `/api-${kind}`;

  beforeAll(async () => {
    target = await startTarget(kind);
    other = await ZkClient.connect(target.connectString, { sessionTimeout: 10_000 });
    api.on('znode.changed', (e) => events.push(e));
    api.on('connection.state', (e) => states.push(e));
    const profile = await api.call('profiles.save', { profile: { name: `${kind}`, connectString: target.connectString, colour: '#0a0' } });
    const readOnly = await api.call('profiles.save', { profile: { name: `${kind}-ro`, connectString: target.connectString, readOnly: true } });
    conn = await api.call('connection.open', { profileId: profile.id });
    readOnlyConn = await api.call('connection.open', { profileId: readOnly.id });
    await api.call('znode.create', { connectionId: conn.connectionId, path: root, data: b64('root') });
  });

  afterAll(async () => {
    await other?.close();
    await target?.stop();
  });

  const id = () => conn.connectionId;

  it('tests and lists connections', async () => {
    const tested = await api.call('connection.test', { profileId: conn.profileId });
    expect(tested).toMatchObject({ ok: true, rootExists: true, readOnlyServer: false });
    const { connections } = await api.call('connection.list', {});
    expect(connections.map((c) => c.connectionId)).toEqual(expect.arrayContaining([conn.connectionId, readOnlyConn.connectionId]));
    expect(conn).toMatchObject({ state: 'connected', readOnly: false, colour: '#0a0' });
    expect(conn.sessionId).toMatch(/^0x[0-9a-f]+$/);
  });

  it('creates, gets and sets data with format detection', async () => {
    const created = await api.call('znode.create', { connectionId: id(), path: `${root}/cfg`, data: b64('{"a":1}') });
    expect(created.path).toBe(`${root}/cfg`);
    expect(created.stat).toMatchObject({ version: 0, dataLength: 7, nodeType: 'persistent' });
    const got = await api.call('znode.get', { connectionId: id(), path: `${root}/cfg` });
    expect(got).toMatchObject({ format: 'json', stat: { version: 0 } });
    expect(text(got.data)).toBe('{"a":1}');
    const set = await api.call('znode.set', { connectionId: id(), path: `${root}/cfg`, data: b64('<a/>'), expectedVersion: 0 });
    expect(set.stat.version).toBe(1);
    expect((await api.call('znode.get', { connectionId: id(), path: `${root}/cfg` })).format).toBe('xml');
    const missing = await apiError(api.call('znode.get', { connectionId: id(), path: `${root}/nope` }));
    expect(missing.error).toMatchObject({ code: -101, name: 'NoNode', path: `${root}/nope` });
    expect(missing.error.message).toMatch(/does not exist/);
  });

  it('returns the current data and version when a set is stale', async () => {
    await api.call('znode.create', { connectionId: id(), path: `${root}/c`, data: b64('v0') });
    await other.setData(`${root}/c`, 'someone else', 0);
    const e = await apiError(api.call('znode.set', { connectionId: id(), path: `${root}/c`, data: b64('mine'), expectedVersion: 0 }));
    expect(e.error).toMatchObject({ code: -103, name: 'BadVersion', path: `${root}/c` });
    expect(e.error.conflict?.current.stat.version).toBe(1);
    expect(text(e.error.conflict!.current.data)).toBe('someone else');
    expect(text((await api.call('znode.get', { connectionId: id(), path: `${root}/c` })).data)).toBe('someone else');
  });

  it('creates every mode: ephemeral, sequential, container, TTL', async () => {
    const base = `${root}/modes`;
    await api.call('znode.create', { connectionId: id(), path: `${base}/deep/er`, createParents: true });
    const eph = await api.call('znode.create', { connectionId: id(), path: `${base}/e`, mode: 'ephemeral' });
    expect(eph.stat.nodeType).toBe('ephemeral');
    expect(eph.stat.ephemeralOwner).toBe(conn.sessionId);
    const seq = await api.call('znode.create', { connectionId: id(), path: `${base}/s-`, mode: 'persistentSequential' });
    expect(seq.path).toMatch(new RegExp(`^${base}/s-\\d{10}$`));
    const eseq = await api.call('znode.create', { connectionId: id(), path: `${base}/es-`, mode: 'ephemeralSequential' });
    expect(eseq.path).toMatch(/es-\d{10}$/);
    // ZooKeeper hides the container and TTL markers from clients: these read as persistent nodes.
    const container = await api.call('znode.create', { connectionId: id(), path: `${base}/box`, mode: 'container' });
    expect(container).toMatchObject({ path: `${base}/box`, stat: { nodeType: 'persistent', ephemeralOwner: '0x0' } });
    const ttl = await api.call('znode.create', { connectionId: id(), path: `${base}/ttl`, mode: 'persistentWithTtl', ttlMs: 60_000 });
    expect(ttl).toMatchObject({ path: `${base}/ttl`, stat: { nodeType: 'persistent' } });
    const ttlSeq = await api.call('znode.create', { connectionId: id(), path: `${base}/ttls-`, mode: 'persistentSequentialWithTtl', ttlMs: 5_000 });
    expect(ttlSeq.path).toMatch(/ttls-\d{10}$/);
    const exists = await apiError(api.call('znode.create', { connectionId: id(), path: `${base}/e` }));
    expect(exists.error).toMatchObject({ code: -110, name: 'NodeExists' });
  });

  it('lists children with stats, total first, paged', async () => {
    const base = `${root}/list`;
    await api.call('znode.create', { connectionId: id(), path: base });
    const names = Array.from({ length: 45 }, (_, i) => `n${String(i).padStart(2, '0')}`);
    await api.call('znode.multi', { connectionId: id(), ops: names.map((n) => ({ op: 'create' as const, path: `${base}/${n}`, data: b64(n) })) });
    const page = await api.call('znode.list', { connectionId: id(), path: base, offset: 10, limit: 20 });
    expect(page.total).toBe(45);
    expect(page.stat.numChildren).toBe(45);
    expect(page.children.map((c) => c.name)).toEqual(names.slice(10, 30));
    expect(page.children[0]).toMatchObject({ path: `${base}/n10`, stat: { dataLength: 3, numChildren: 0 } });
    const all = await api.call('znode.list', { connectionId: id(), path: base });
    expect(all.children).toHaveLength(45);
  });

  it('reads and writes ACLs, with conflicts on a stale aclVersion', async () => {
    const path = `${root}/acl`;
    await api.call('znode.create', { connectionId: id(), path, acl: [{ perms: 31, scheme: 'world', id: 'anyone' }] });
    expect(await api.call('znode.getAcl', { connectionId: id(), path })).toMatchObject({ acl: [{ perms: 31, scheme: 'world', id: 'anyone' }], stat: { aversion: 0 } });
    const set = await api.call('znode.setAcl', { connectionId: id(), path, acl: [{ perms: 1 | 2 | 8 | 16, scheme: 'world', id: 'anyone' }], expectedVersion: 0 });
    expect(set.stat.aversion).toBe(1);
    const stale = await apiError(api.call('znode.setAcl', { connectionId: id(), path, acl: [{ perms: 31, scheme: 'world', id: 'anyone' }], expectedVersion: 0 }));
    expect(stale.error.name).toBe('BadVersion');
    expect(stale.error.conflict?.currentAcl).toEqual([{ perms: 27, scheme: 'world', id: 'anyone' }]);
    const noCreate = await apiError(api.call('znode.create', { connectionId: id(), path: `${path}/child` }));
    expect(noCreate.error).toMatchObject({ code: -102, name: 'NoAuth' });
  });

  it('runs multi atomically and reports each op when one fails', async () => {
    const base = `${root}/multi`;
    const ok = await api.call('znode.multi', {
      connectionId: id(),
      ops: [
        { op: 'create', path: base, data: b64('m') },
        { op: 'create', path: `${base}/a` },
        { op: 'set', path: base, data: b64('m2'), version: 0 },
        { op: 'check', path: `${base}/a`, version: 0 },
      ],
    });
    expect(ok.results.map((r) => r.ok)).toEqual([true, true, true, true]);
    expect(ok.results[2]).toMatchObject({ op: 'set', ok: true, stat: { version: 1 } });
    const failed = await apiError(
      api.call('znode.multi', {
        connectionId: id(),
        ops: [
          { op: 'create', path: `${base}/b` },
          { op: 'delete', path: `${base}/missing` },
          { op: 'create', path: `${base}/c` },
        ],
      }),
    );
    expect(failed.error).toMatchObject({ code: -101, name: 'NoNode' });
    expect(failed.error.multiResults?.map((r) => r.ok)).toEqual([false, false, false]);
    expect(failed.error.multiResults?.[1]).toMatchObject({ ok: false, error: { code: -101 } });
    expect((await api.call('znode.list', { connectionId: id(), path: base })).total).toBe(1);
  });

  it('previews a recursive delete with counts, enforces the maximum, then deletes', async () => {
    const base = `${root}/tree`;
    await api.call('znode.multi', {
      connectionId: id(),
      ops: [
        { op: 'create', path: base, data: b64('12345') },
        { op: 'create', path: `${base}/a`, data: b64('xy') },
        { op: 'create', path: `${base}/a/a1` },
        { op: 'create', path: `${base}/a/a2` },
        { op: 'create', path: `${base}/b` },
      ],
    });
    await api.call('znode.create', { connectionId: id(), path: `${base}/b/eph`, mode: 'ephemeral' });
    const preview = await api.call('znode.deletePreview', { connectionId: id(), path: base });
    expect(preview).toMatchObject({ count: 6, truncated: false, ephemeralCount: 1, dataBytes: 7, exceedsMax: false });
    expect(preview.paths[preview.paths.length - 1]).toBe(base);
    expect(preview.paths.indexOf(`${base}/a/a1`)).toBeLessThan(preview.paths.indexOf(`${base}/a`));
    const small = await api.call('znode.deletePreview', { connectionId: id(), path: base, max: 3 });
    expect(small).toMatchObject({ count: 6, truncated: true, exceedsMax: true });
    expect(small.paths).toHaveLength(3);
    const refused = await apiError(api.call('znode.delete', { connectionId: id(), path: base, recursive: true, max: 3 }));
    expect(refused.error.code).toBe(ApiErrorCode.tooManyNodes);
    const notEmpty = await apiError(api.call('znode.delete', { connectionId: id(), path: base }));
    expect(notEmpty.error).toMatchObject({ code: -111, name: 'NotEmpty' });
    expect(await api.call('znode.delete', { connectionId: id(), path: base, recursive: true })).toEqual({ deleted: 6 });
    expect((await apiError(api.call('znode.get', { connectionId: id(), path: base }))).error.code).toBe(-101);
    const rootRefused = await apiError(api.call('znode.delete', { connectionId: id(), path: '/', recursive: true }));
    expect(rootRefused.error.message).toMatch(/cannot be deleted/);
  });

  it('copies and moves subtrees', async () => {
    const src = `${root}/src`;
    await api.call('znode.multi', {
      connectionId: id(),
      ops: [
        { op: 'create', path: src, data: b64('top') },
        { op: 'create', path: `${src}/x`, data: b64('x') },
        { op: 'create', path: `${src}/x/y`, data: b64('y') },
      ],
    });
    expect(await api.call('znode.copy', { connectionId: id(), from: src, to: `${root}/copy` })).toEqual({ copied: 3, atomic: true });
    expect(text((await api.call('znode.get', { connectionId: id(), path: `${root}/copy/x/y` })).data)).toBe('y');
    expect(await api.call('znode.move', { connectionId: id(), from: `${root}/copy`, to: `${root}/moved` })).toEqual({ moved: 3, atomic: true });
    expect((await apiError(api.call('znode.get', { connectionId: id(), path: `${root}/copy` }))).error.code).toBe(-101);
    expect(text((await api.call('znode.get', { connectionId: id(), path: `${root}/moved/x` })).data)).toBe('x');
    const into = await apiError(api.call('znode.copy', { connectionId: id(), from: src, to: `${src}/x/inner` }));
    expect(into.error.message).toMatch(/into itself/);
    const clash = await apiError(api.call('znode.copy', { connectionId: id(), from: src, to: `${root}/moved` }));
    expect(clash.error.code).toBe(-110);
  });

  it('exports a subtree and imports it back under each policy', async () => {
    const src = `${root}/exp`;
    const bin = Buffer.from([0, 1, 2, 250]).toString('base64');
    await api.call('znode.multi', {
      connectionId: id(),
      ops: [
        { op: 'create', path: src, data: b64('root') },
        { op: 'create', path: `${src}/bin`, data: bin },
        { op: 'create', path: `${src}/bin/leaf`, acl: [{ perms: 31, scheme: 'world', id: 'anyone' }] },
        { op: 'create', path: `${src}/ttl`, mode: 'persistentWithTtl', ttlMs: 600_000 },
      ],
    });
    const snapshot = await api.call('znode.export', { connectionId: id(), path: src });
    expect(snapshot).toMatchObject({ format: 'paddock-subtree', version: 1, root: src });
    expect(snapshot.nodes.map((n) => n.path)).toEqual(['', 'bin', 'ttl', 'bin/leaf']);
    expect(snapshot.nodes[1]).toMatchObject({ data: bin, acl: [{ perms: 31, scheme: 'world', id: 'anyone' }] });

    const dest = `${root}/imp`;
    const first = await api.call('znode.import', { connectionId: id(), path: dest, snapshot, policy: 'fail' });
    expect(first).toMatchObject({ created: 4, overwritten: 0, skipped: 0, transactions: 1, atomic: true });
    const again = await api.call('znode.export', { connectionId: id(), path: dest });
    expect(again.nodes.map((n) => [n.path, n.data, n.stat.nodeType])).toEqual(snapshot.nodes.map((n) => [n.path, n.data, n.stat.nodeType]));

    const failed = await apiError(api.call('znode.import', { connectionId: id(), path: dest, snapshot, policy: 'fail' }));
    expect(failed.error).toMatchObject({ code: -110, name: 'NodeExists' });

    await api.call('znode.set', { connectionId: id(), path: `${dest}/bin`, data: b64('changed') });
    const skipped = await api.call('znode.import', { connectionId: id(), path: dest, snapshot, policy: 'skip' });
    expect(skipped).toMatchObject({ created: 0, skipped: 4, transactions: 0 });
    expect(text((await api.call('znode.get', { connectionId: id(), path: `${dest}/bin` })).data)).toBe('changed');

    const overwritten = await api.call('znode.import', { connectionId: id(), path: dest, snapshot, policy: 'overwrite' });
    expect(overwritten).toMatchObject({ created: 0, overwritten: 4 });
    expect((await api.call('znode.get', { connectionId: id(), path: `${dest}/bin` })).data).toBe(bin);

    const broken = await apiError(
      api.call('znode.import', { connectionId: id(), path: `${root}/imp2`, snapshot: { ...snapshot, nodes: [{ path: 'a/b', data: null, acl: [] }] as never }, policy: 'fail' }),
    );
    expect(broken.error.code).toBe(ApiErrorCode.invalidSnapshot);
  });

  it('runs subtrees too large for one transaction in batches, and says so', async () => {
    const base = `${root}/big`;
    await api.call('znode.create', { connectionId: id(), path: base });
    for (let start = 0; start < 1500; start += 500) {
      const ops = Array.from({ length: 500 }, (_, i) => ({ op: 'create' as const, path: `${base}/n${start + i}`, data: b64('x'.repeat(100)) }));
      await api.call('znode.multi', { connectionId: id(), ops });
    }
    expect((await api.call('znode.deletePreview', { connectionId: id(), path: base })).count).toBe(1501);
    expect(await api.call('znode.copy', { connectionId: id(), from: base, to: `${root}/big2` })).toEqual({ copied: 1501, atomic: false });
    const snapshot = await api.call('znode.export', { connectionId: id(), path: base });
    const imported = await api.call('znode.import', { connectionId: id(), path: `${root}/big3`, snapshot, policy: 'fail' });
    expect(imported).toMatchObject({ created: 1501, transactions: 2, atomic: false });
    expect(imported.notes.join(' ')).toMatch(/batches/);
    for (const p of [base, `${root}/big2`, `${root}/big3`]) {
      expect(await api.call('znode.delete', { connectionId: id(), path: p, recursive: true })).toEqual({ deleted: 1501 });
    }
  });

  it('searches by name and by data', async () => {
    const base = `${root}/find`;
    await api.call('znode.multi', {
      connectionId: id(),
      ops: [
        { op: 'create', path: base },
        { op: 'create', path: `${base}/alpha`, data: b64('needle here') },
        { op: 'create', path: `${base}/beta`, data: b64('nothing') },
        { op: 'create', path: `${base}/beta/alphabet`, data: b64('needle too') },
      ],
    });
    const byName = await api.call('znode.search', { connectionId: id(), path: base, nameContains: 'ALPHA' });
    expect(byName.matches.map((m) => m.path).sort()).toEqual([`${base}/alpha`, `${base}/beta/alphabet`]);
    const byRegex = await api.call('znode.search', { connectionId: id(), path: base, nameRegex: '^alpha$' });
    expect(byRegex.matches.map((m) => m.path)).toEqual([`${base}/alpha`]);
    const byData = await api.call('znode.search', { connectionId: id(), path: base, dataContains: 'needle' });
    expect(byData.matches.map((m) => m.path).sort()).toEqual([`${base}/alpha`, `${base}/beta/alphabet`]);
    expect(byData.matches[0]?.matchedOn).toEqual(['data']);
    const limited = await api.call('znode.search', { connectionId: id(), path: base, dataContains: 'needle', limit: 1 });
    expect(limited).toMatchObject({ truncated: true });
    expect(limited.matches).toHaveLength(1);
  });

  it('runs ls, get and stat in the console', async () => {
    await api.call('znode.create', { connectionId: id(), path: `${root}/con`, data: b64('hello') });
    await api.call('znode.create', { connectionId: id(), path: `${root}/con/kid` });
    expect(await api.call('console.run', { connectionId: id(), commandLine: `ls ${root}/con` })).toEqual({ output: '[kid]', ok: true, handledBy: 'fallback' });
    expect((await api.call('console.run', { connectionId: id(), commandLine: `get ${root}/con` })).output).toBe('hello');
    const stat = await api.call('console.run', { connectionId: id(), commandLine: `stat ${root}/con` });
    expect(stat.output).toMatch(/^cZxid = 0x[0-9a-f]+\nctime = \w{3} \w{3} \d\d /);
    expect(stat.output).toContain('numChildren = 1');
    expect(await api.call('console.run', { connectionId: id(), commandLine: `get ${root}/none` })).toMatchObject({ ok: false, output: `Node does not exist: ${root}/none` });
  });

  it('pushes znode changes made by another client to a subscriber', async () => {
    const base = `${root}/watched`;
    await api.call('znode.create', { connectionId: id(), path: base });
    const sub = await api.call('watch.subscribe', { connectionId: id(), path: base });
    expect(sub.mode).toBe('persistentRecursive');
    await other.create(`${base}/child`, 'x');
    await other.setData(`${base}/child`, 'y');
    await other.create(`${base}/child/grand`);
    await other.delete(`${base}/child/grand`);
    const mine = () => events.filter((e) => e.subscriptionId === sub.subscriptionId).flatMap((e) => e.changes.map((c) => `${c.type} ${c.path}`));
    await eventually(() => mine().length >= 4, 'four change events');
    expect(mine()).toEqual([`created ${base}/child`, `dataChanged ${base}/child`, `created ${base}/child/grand`, `deleted ${base}/child/grand`]);
    await api.call('watch.unsubscribe', { subscriptionId: sub.subscriptionId });
    await other.create(`${base}/after`);
    await sleep(300);
    expect(mine()).toHaveLength(4);
    expect((await apiError(api.call('watch.unsubscribe', { subscriptionId: sub.subscriptionId }))).error.code).toBe(ApiErrorCode.unknownSubscription);
  });

  it('sends a burst of changes in a few batched messages, in the order they happened', async () => {
    const base = `${root}/burst`;
    await api.call('znode.create', { connectionId: id(), path: base });
    const sub = await api.call('watch.subscribe', { connectionId: id(), path: base });
    const names = Array.from({ length: 500 }, (_, i) => `n${String(i).padStart(3, '0')}`);
    // One session pipelines these, so ZooKeeper applies them, and notifies, in this order.
    await Promise.all(names.map((n) => other.create(`${base}/${n}`)));
    const messages = () => events.filter((e) => e.subscriptionId === sub.subscriptionId);
    const changes = () => messages().flatMap((e) => e.changes.map((c) => `${c.type} ${c.path}`));
    await eventually(() => changes().length >= names.length, '500 change events');
    expect(changes()).toEqual(names.map((n) => `created ${base}/${n}`));
    expect(messages().length).toBeLessThan(names.length / 2);
    await api.call('watch.unsubscribe', { subscriptionId: sub.subscriptionId });
  });

  it('falls back to re-armed one-shot watches when asked', async () => {
    const base = `${root}/oneshot`;
    await api.call('znode.create', { connectionId: id(), path: base });
    await api.call('znode.create', { connectionId: id(), path: `${base}/old` });
    const sub = await api.call('watch.subscribe', { connectionId: id(), path: base, mode: 'oneShot' });
    expect(sub.mode).toBe('oneShot');
    const mine = () => events.filter((e) => e.subscriptionId === sub.subscriptionId).flatMap((e) => e.changes.map((c) => `${c.type} ${c.path}`));
    await other.create(`${base}/new`, 'a');
    await eventually(() => mine().includes(`created ${base}/new`), 'created event');
    await other.setData(`${base}/new`, 'b');
    await eventually(() => mine().includes(`dataChanged ${base}/new`), 'data event on the new child');
    await other.setData(`${base}/new`, 'c');
    await eventually(() => mine().filter((m) => m === `dataChanged ${base}/new`).length === 2, 'a re-armed data watch');
    await other.delete(`${base}/old`);
    await eventually(() => mine().includes(`deleted ${base}/old`), 'deleted event');
    await api.call('watch.unsubscribe', { subscriptionId: sub.subscriptionId });
  });

  it('refuses every write on a read-only profile before touching ZooKeeper', async () => {
    const ro = readOnlyConn.connectionId;
    const path = `${root}/cfg`;
    const before = await api.call('znode.get', { connectionId: ro, path });
    const attempts: Array<Promise<unknown>> = [
      api.call('znode.set', { connectionId: ro, path, data: b64('no') }),
      api.call('znode.create', { connectionId: ro, path: `${root}/ro-new` }),
      api.call('znode.delete', { connectionId: ro, path, recursive: true }),
      api.call('znode.copy', { connectionId: ro, from: path, to: `${root}/ro-copy` }),
      api.call('znode.move', { connectionId: ro, from: path, to: `${root}/ro-move` }),
      api.call('znode.setAcl', { connectionId: ro, path, acl: [{ perms: 1, scheme: 'world', id: 'anyone' }] }),
      api.call('znode.multi', { connectionId: ro, ops: [{ op: 'create', path: `${root}/ro-m` }] }),
      api.call('znode.import', { connectionId: ro, path: `${root}/ro-i`, snapshot: { format: 'paddock-subtree', version: 1, root: '/', exportedAt: '', nodes: [] }, policy: 'skip' }),
      api.call('console.run', { connectionId: ro, commandLine: `set ${path} no` }),
    ];
    for (const attempt of attempts) {
      const e = await apiError(attempt);
      expect(e.error).toMatchObject({ code: ApiErrorCode.readOnlyProfile, name: 'readOnlyProfile' });
      expect(e.error.message).toMatch(/read-only/);
    }
    const after = await api.call('znode.get', { connectionId: ro, path });
    expect(after.stat.mzxid).toBe(before.stat.mzxid);
    expect((await api.call('znode.list', { connectionId: ro, path: root })).children.some((c) => c.name.startsWith('ro-'))).toBe(false);
    expect((await api.call('console.run', { connectionId: ro, commandLine: `ls ${root}/con` })).ok).toBe(true);
  });

  it('reports server facts over 4lw, and from the AdminServer when 4lw does not answer', async () => {
    const facts = await api.call('server.facts', { connectionId: id() });
    expect(facts.members).toHaveLength(1);
    expect(facts.members[0]).toMatchObject({ hostPort: target.hostPort, reachable: true, source: '4lw', srvr: { mode: 'standalone' } });
    expect(facts.members[0]?.srvr?.nodeCount).toBeGreaterThan(5);
    expect(facts.members[0]?.mntr?.zk_server_state).toBe('standalone');
    // A port with no ZooKeeper on it: the 4lw fails, and the AdminServer answers instead.
    const member = target.members[0]!;
    const viaAdmin = await api.call('server.facts', { connectString: '127.0.0.1:1', adminPort: member.adminPort });
    expect(viaAdmin.members[0]).toMatchObject({ reachable: true, source: 'adminServer', srvr: { mode: 'standalone' } });
    expect(viaAdmin.members[0]?.mntr?.server_state).toBe('standalone');
  });

  it('works through a chroot and with digest credentials', async () => {
    await other.addAuth('digest', 'alice:pw');
    await other.create(`${root}/jail`, null);
    await other.create(`${root}/jail/secret`, 'only alice', { acl: [{ perms: 31, id: { scheme: 'auth', id: '' } }] });
    const profile = await api.call('profiles.save', {
      profile: { name: `${kind}-alice`, connectString: target.connectString, chroot: `${root}/jail`, auth: { user: 'alice', password: 'pw' } },
    });
    const alice = await api.call('connection.open', { profileId: profile.id });
    const listed = await api.call('znode.list', { connectionId: alice.connectionId, path: '/' });
    expect(listed.children.map((c) => c.path)).toEqual(['/secret']);
    expect(text((await api.call('znode.get', { connectionId: alice.connectionId, path: '/secret' })).data)).toBe('only alice');
    const denied = await apiError(api.call('znode.get', { connectionId: id(), path: `${root}/jail/secret` }));
    expect(denied.error).toMatchObject({ code: -102, name: 'NoAuth' });
    await api.call('connection.close', { connectionId: alice.connectionId });
  });

  it('emits connection state events and forgets closed connections', async () => {
    const profile = await api.call('profiles.save', { profile: { name: `${kind}-short`, connectString: target.connectString } });
    const short = await api.call('connection.open', { profileId: profile.id });
    const sub = await api.call('watch.subscribe', { connectionId: short.connectionId, path: '/' });
    const ended: Array<ApiEvents['watch.ended']> = [];
    api.on('watch.ended', (e) => ended.push(e));
    await api.call('connection.close', { connectionId: short.connectionId });
    await eventually(() => states.some((s) => s.connectionId === short.connectionId && s.state === 'closed'), 'closed state event');
    await eventually(() => ended.some((e) => e.subscriptionId === sub.subscriptionId), 'watch.ended event');
    const gone = await apiError(api.call('znode.get', { connectionId: short.connectionId, path: '/' }));
    expect(gone.error.code).toBe(ApiErrorCode.unknownConnection);
  });
});

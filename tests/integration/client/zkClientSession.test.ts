// Session behaviour of ZkClient against a real server: surviving a server restart, watch and auth replay after
// reconnect, huge setWatches, failover past a dead host, expiry and auth failure.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateMode, ErrorCode, EventType, KeeperError, KeeperState, Perms } from '../../../node-core/protocol/index.js';
import { ZkClient, ZkConnection, type WatchedEvent, type ZkClientState } from '../../../node-core/client/index.js';
import { freePort } from '../../helpers/ports.js';
import type { ZkTarget } from '../../helpers/zkTarget.js';
import { startTcpProxy } from '../../helpers/tcpProxy.js';
import { clientTestTargets, connectClient, eventually, hostAndPort, sleep, startServer } from './clientTargets.js';

function trackStates(client: ZkClient): ZkClientState[] {
  const states: ZkClientState[] = [];
  client.on('state', (s) => states.push(s));
  return states;
}

describe.each(clientTestTargets())('ZkClient sessions against %s', (kind) => {
  let server: ZkTarget;

  beforeAll(async () => {
    server = await startServer(kind);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps the session when the server is killed and restarted within the timeout', async () => {
    // Apache ZooKeeper accepts connections while it starts and may leave one unanswered (NullPointerException:
    // zkDb is null); a short connect timeout makes the client retry rather than wait out the whole session timeout.
    const client = await connectClient(server.connectString, { sessionTimeout: 20_000, connectTimeoutMs: 5_000 });
    const states = trackStates(client);
    const sessionId = client.sessionId;
    try {
      await client.create('/restart', 'a');
      await client.create('/restart/eph', null, { mode: CreateMode.ephemeral });
      const dataEvents: WatchedEvent[] = [];
      const childEvents: WatchedEvent[] = [];
      await client.getData('/restart', (e) => dataEvents.push(e));
      await client.getChildren('/restart', (e) => childEvents.push(e));

      await server.kill(1);
      await eventually(() => states.includes('disconnected'), 10_000, 'disconnected');
      await expect(client.getData('/restart')).rejects.toMatchObject({ code: ErrorCode.connectionLoss });
      await server.restart(1);
      await client.waitForConnected(20_000);

      expect(client.sessionId).toBe(sessionId);
      expect(states).toEqual(['disconnected', 'connected']);
      expect(dataEvents.map((e) => e.state)).toContain(KeeperState.disconnected);
      expect(dataEvents.at(-1)).toEqual({ type: EventType.none, state: KeeperState.syncConnected, path: undefined });
      expect((await client.exists('/restart/eph'))?.ephemeralOwner).toBe(sessionId);

      // The watches were re-registered with setWatches: changes made now are delivered.
      const other = await connectClient(server.connectString);
      try {
        await other.setData('/restart', 'b');
        await other.create('/restart/new');
        await eventually(
          () => dataEvents.some((e) => e.type === EventType.nodeDataChanged) && childEvents.some((e) => e.type === EventType.nodeChildrenChanged),
          10_000,
          'watch events after reconnect',
        );
        expect(dataEvents.filter((e) => e.type !== EventType.none)).toEqual([
          { type: EventType.nodeDataChanged, state: KeeperState.syncConnected, path: '/restart' },
        ]);
      } finally {
        await other.close();
      }
    } finally {
      await client.close();
    }
  });

  it('delivers a change made while the server was down and restarted', async () => {
    const client = await connectClient(server.connectString);
    const other = await connectClient(server.connectString);
    try {
      await client.create('/replay', 'a');
      const events: WatchedEvent[] = [];
      await client.getData('/replay', (e) => events.push(e));
      // Stop the server so the change below can only reach the client through setWatches' relativeZxid check.
      await server.kill(1);
      await eventually(() => client.state === 'disconnected', 10_000, 'disconnected');
      await server.restart(1);
      await other.waitForConnected(20_000);
      await other.setData('/replay', 'b');
      await client.waitForConnected(20_000);
      await eventually(() => events.some((e) => e.type === EventType.nodeDataChanged), 10_000, 'replayed event');
    } finally {
      await client.close();
      await other.close();
    }
  });

  it('re-sends auth after a reconnect', async () => {
    const client = await connectClient(server.connectString);
    try {
      const digest = createHash('sha1').update('bob:pw').digest('base64');
      await client.addAuth('digest', 'bob:pw');
      await client.create('/bobs', 'mine', { acl: [{ perms: Perms.all, id: { scheme: 'digest', id: `bob:${digest}` } }] });
      client.dropConnection();
      await client.waitForState('disconnected');
      await client.waitForConnected();
      expect((await client.getData('/bobs')).data?.toString()).toBe('mine');
      expect(await client.whoAmI()).toContainEqual({ authScheme: 'digest', user: 'bob' });
    } finally {
      await client.close();
    }
  });

  it('re-registers 10,000 watches on long paths in batches without a reconnect loop', async () => {
    const client = await connectClient(server.connectString);
    const other = await connectClient(server.connectString);
    const long = 'w'.repeat(200);
    try {
      await client.create('/many');
      const fired: string[] = [];
      const watcher = (e: WatchedEvent) => {
        if (e.type === EventType.nodeCreated) fired.push(e.path!);
      };
      for (let start = 0; start < 10_000; start += 1_000) {
        await Promise.all(
          Array.from({ length: 1_000 }, (_, i) => client.exists(`/many/${long}${start + i}`, watcher)),
        );
      }
      const states = trackStates(client);
      const started = Date.now();
      client.dropConnection();
      await client.waitForState('disconnected');
      await client.waitForConnected(20_000);
      const reconnectMs = Date.now() - started;
      await sleep(1_000);
      expect(states).toEqual(['disconnected', 'connected']);
      expect(reconnectMs).toBeLessThan(10_000);
      if (kind === 'apache') {
        const wchs = await server.fourLetterWord('wchs');
        expect(wchs).toMatch(/watching 10000 paths/);
      }
      await other.create(`/many/${long}4321`);
      await eventually(() => fired.length === 1, 10_000, 'NodeCreated after reconnect');
      expect(fired).toEqual([`/many/${long}4321`]);
    } finally {
      await client.close();
      await other.close();
    }
  });

  it('fails over past a dead host in the connect string', async () => {
    const deadPort = await freePort();
    const client = await ZkClient.connect(`127.0.0.1:${deadPort},${server.connectString}`, {
      sessionTimeout: 10_000,
      shuffleHosts: false,
    });
    try {
      expect(client.currentServer).toBe(server.hostPort);
      expect(await client.exists('/')).not.toBeNull();
    } finally {
      await client.close();
    }
  });

  it('surfaces expiry when a partition outlasts the session timeout', async () => {
    const { host, port } = hostAndPort(server.hostPort);
    const proxy = await startTcpProxy(host, port);
    const client = await connectClient(proxy.hostPort, { sessionTimeout: 4_000 });
    const observer = await connectClient(server.connectString);
    try {
      const states = trackStates(client);
      const events: WatchedEvent[] = [];
      await client.create('/exp', null, { mode: CreateMode.ephemeral });
      await client.getData('/exp', (e) => events.push(e));
      proxy.cut();
      await eventually(() => client.state === 'disconnected', 5_000, 'disconnected');
      // The server expires the session (and its ephemeral) once the timeout passes without the client.
      let gone = false;
      await observer.exists('/exp', () => {
        gone = true;
      });
      await eventually(() => gone, 15_000, 'the session to expire on the server');
      proxy.restore();
      await client.waitForState('expired', 15_000);
      expect(states).toEqual(['disconnected', 'expired']);
      expect(events.at(-1)).toEqual({ type: EventType.none, state: KeeperState.expired, path: undefined });
      const error = await client.getData('/exp').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeeperError);
      expect((error as KeeperError).code).toBe(ErrorCode.sessionExpired);
      await client.close();
      expect(client.state).toBe('expired');
    } finally {
      await client.close();
      await observer.close();
      await proxy.close();
    }
  });

  it('rejects a connect that resumes an unknown session', async () => {
    await expect(
      ZkClient.connect(server.connectString, { sessionTimeout: 10_000, sessionId: 0x1234n, passwd: Buffer.alloc(16) }),
    ).rejects.toMatchObject({ code: ErrorCode.sessionExpired });
  });

  it('goes to authFailed on an unknown auth scheme', async () => {
    const client = await connectClient(server.connectString);
    const error = await client.addAuth('no-such-scheme', 'x').catch((e: unknown) => e);
    expect((error as KeeperError).code).toBe(ErrorCode.authFailed);
    expect(client.state).toBe('authFailed');
    await expect(client.exists('/')).rejects.toMatchObject({ code: ErrorCode.authFailed });
    await client.close();
  });
});

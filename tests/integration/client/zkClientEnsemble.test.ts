// ZkClient sessions across a 3-node ensemble, Apache ZooKeeper and Paddock alike: losing the member a session is on
// moves it to another member with its ephemerals and watches, a request in flight then fails with ConnectionLoss
// only, and a session that expires on the leader loses its ephemerals on every member.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateMode, CreateRequestCodec, ErrorCode, EventType, KeeperError, OpCode } from '../../../node-core/protocol/index.js';
import { SessionExpiredError, ZkConnection, type WatchedEvent, type ZkClient, type ZkClientState } from '../../../node-core/client/index.js';
import type { ZkMember, ZkTarget } from '../../helpers/zkTarget.js';
import { clientTestTargets, connectClient, eventually, startServer } from './clientTargets.js';

function memberOf(target: ZkTarget, client: ZkClient): ZkMember {
  const member = target.members.find((m) => m.hostPort === client.currentServer);
  if (member === undefined) throw new Error(`client is on ${client.currentServer ?? 'no server'}`);
  return member;
}

describe.each(clientTestTargets())('ZkClient against a 3-node %s ensemble', (kind) => {
  let target: ZkTarget;
  const clients: ZkClient[] = [];
  const open = async (connectString: string, sessionTimeout = 10_000) => {
    const c = await connectClient(connectString, { sessionTimeout });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    target = await startServer(kind, { size: 3 });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await target?.stop();
  });

  it('moves the session to another member when its member is killed: ephemerals stay, watches are re-registered', async () => {
    const client = await open(target.connectString, 12_000);
    const states: ZkClientState[] = [];
    client.on('state', (s) => states.push(s));
    const sessionId = client.sessionId;
    await client.create('/moving', 'a');
    await client.create('/moving/eph', 'e', { mode: CreateMode.ephemeral });
    const dataEvents: WatchedEvent[] = [];
    const childEvents: WatchedEvent[] = [];
    await client.getData('/moving', (e) => dataEvents.push(e));
    await client.getChildren('/moving', (e) => childEvents.push(e));

    const lost = memberOf(target, client);
    await target.kill(lost.id);
    try {
      // Read from the recorded states: the client may be connected to another member again before a poll of
      // client.state would ever see it disconnected.
      await eventually(() => states.includes('disconnected'), 10_000, 'the client to notice');
    // A request sent into the failover fails with ConnectionLoss at worst, never with anything else.
      const during = await client.exists('/moving').then(
        () => 'ok',
        (error: unknown) => (error instanceof KeeperError ? error.code : String(error)),
      );
      expect(['ok', ErrorCode.connectionLoss]).toContain(during);
      await client.waitForState('connected', 20_000);

      expect(client.sessionId).toBe(sessionId);
      expect(client.currentServer).not.toBe(lost.hostPort);
      expect(states).toEqual(['disconnected', 'connected']);
      expect((await client.exists('/moving/eph'))?.ephemeralOwner).toBe(sessionId);

      // A change made through yet another member reaches the watches the client re-registered.
      const other = await open(target.members.filter((m) => m !== lost && m.hostPort !== client.currentServer)[0]!.hostPort);
      await other.setData('/moving', 'b');
      await other.create('/moving/new');
      await eventually(
        () => dataEvents.some((e) => e.type === EventType.nodeDataChanged) && childEvents.some((e) => e.type === EventType.nodeChildrenChanged),
        10_000,
        'watch events after the move',
      );
      expect(await client.create('/moving/after', 'x')).toBe('/moving/after');
    } finally {
      await target.restart(lost.id);
    }
  });

  it('moves again when the second member dies too, as long as a quorum remains after a restart', async () => {
    const client = await open(target.connectString, 20_000);
    const sessionId = client.sessionId;
    await client.create('/twice', null, { mode: CreateMode.ephemeral });
    const movedOff = async (member: ZkMember) => {
      await target.kill(member.id);
      // The client may not have seen its socket close yet when kill returns.
      await eventually(() => client.state === 'connected' && client.currentServer !== member.hostPort, 20_000, 'the session to move');
    };
    const first = memberOf(target, client);
    try {
      await movedOff(first);
    } finally {
      await target.restart(first.id);
    }
    const second = memberOf(target, client);
    try {
      await movedOff(second);
      expect(client.sessionId).toBe(sessionId);
      expect((await client.exists('/twice'))?.ephemeralOwner).toBe(sessionId);
    } finally {
      await target.restart(second.id);
    }
  });

  it("expires a silent session on the leader and removes its ephemerals on every member", async () => {
    const owner = await ZkConnection.connect({ ...hostAndPortOf(target.members[0]!), sessionTimeout: 4_000 });
    const sessionId = owner.sessionId;
    const observers = await Promise.all(target.members.map((m) => open(m.hostPort)));
    const writer = observers[0]!;
    await writer.create('/expiring', null);
    // Created by the soon-silent session through its own connection.
    const reply = await owner.request(OpCode.create, (w) =>
      CreateRequestCodec.write(w, {
        path: '/expiring/eph',
        data: Buffer.from('x'),
        acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
        flags: CreateMode.ephemeral,
      }),
    );
    expect(reply.header.err).toBe(0);
    const deleted: number[] = [];
    for (const [i, c] of observers.entries()) {
      await c.sync('/expiring');
      const stat = await c.exists('/expiring/eph', (e) => {
        if (e.type === EventType.nodeDeleted) deleted.push(i);
      });
      expect(stat?.ephemeralOwner).toBe(sessionId);
    }
    owner.destroy(); // no closeSession: only expiry can end it
    await eventually(() => deleted.length === 3, 20_000, 'NodeDeleted on every member');
    for (const c of observers) {
      expect(await c.exists('/expiring/eph')).toBeNull();
      expect(await c.getChildren('/expiring')).toEqual([]);
    }
    await expect(
      ZkConnection.connect({ ...hostAndPortOf(target.members[1]!), sessionTimeout: 4_000, sessionId, passwd: owner.passwd }),
    ).rejects.toBeInstanceOf(SessionExpiredError);
  });
});

function hostAndPortOf(member: ZkMember): { host: string; port: number } {
  return { host: '127.0.0.1', port: member.clientPort };
}

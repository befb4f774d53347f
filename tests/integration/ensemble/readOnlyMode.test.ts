// Read-only mode (readonlymode.enabled): a member cut off from its quorum serves reads to clients that accept a
// read-only server and refuses their writes with NotReadOnly, refuses other clients, and closes its read-only
// connections once it rejoins a quorum. ZooKeeper 3.8 admits only local sessions while read-only, so a new
// read-only session needs localSessionsEnabled; without it the createSession is refused like a write. Run against
// Apache ZooKeeper and Paddock with the same assertions.
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { fourLetterWord, serverMode } from '../../helpers/fourLetterWord.js';
import { codeOf, waitFor } from '../../helpers/polling.js';
import { compatTargets, startTarget, type ZkMember, type ZkTarget } from '../../helpers/zkTarget.js';
import { ZkClient } from '../../../node-core/client/index.js';
import { ZkConnection } from '../../../node-core/client/zkConnection.js';
import { ErrorCode } from '../../../node-core/protocol/index.js';

let target: ZkTarget | undefined;
const clients: ZkClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await target?.stop();
  target = undefined;
});

const isro = (m: ZkMember) => fourLetterWord('127.0.0.1', m.clientPort, 'isro').catch(() => 'down');

/** Sends a bare ConnectRequest and returns the first frame the server answers with, or 'closed'. */
function firstFrame(port: number, readOnly: boolean): Promise<Buffer | 'closed'> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    const finish = (value: Buffer | 'closed') => {
      socket.destroy();
      resolve(value);
    };
    socket.on('connect', () => {
      const request = Buffer.alloc(4 + 4 + 8 + 4 + 8 + 4 + 16 + 1);
      request.writeInt32BE(request.length - 4, 0);
      request.writeInt32BE(10_000, 16); // timeOut; protocolVersion, lastZxidSeen and sessionId stay 0
      request.writeInt32BE(16, 28);
      request.writeUInt8(readOnly ? 1 : 0, 48);
      socket.write(request);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) finish(received.subarray(4, 4 + received.readInt32BE(0)));
    });
    socket.on('error', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    setTimeout(() => finish('closed'), 5_000);
  });
}

/** Kills two of three members and waits until the third serves read-only. */
async function isolateLastMember(t: ZkTarget): Promise<ZkMember> {
  const survivor = t.members[2]!;
  await t.kill(1);
  await t.kill(2);
  // ZooKeeper waits max(2 s, tickTime) in LOOKING before it starts the read-only server.
  await waitFor('read-only mode', () => isro(survivor), (r) => r === 'ro');
  expect(await serverMode('127.0.0.1', survivor.clientPort)).toBe('read-only');
  expect(await fourLetterWord('127.0.0.1', survivor.clientPort, 'srvr')).toMatch(/^READ-ONLY mode; serving only read-only clients$/m);
  return survivor;
}

describe.each(compatTargets())('%s: read-only mode on a 3-node ensemble', (kind) => {
  it('with local sessions: serves reads to read-only clients, refuses their writes, and hands them back on quorum', async () => {
    target = await startTarget(kind, { size: 3, extraConfig: { 'readonlymode.enabled': true, localSessionsEnabled: true } });
    const writer = await ZkClient.connect(target.connectString, { sessionTimeout: 10_000 });
    clients.push(writer);
    await writer.create('/ro', 'before');
    await writer.sync('/ro');
    await writer.close();
    expect(await isro(target.members[2]!)).toBe('rw');

    const survivor = await isolateLastMember(target);
    // A client that does not accept a read-only server is turned away.
    expect(await firstFrame(survivor.clientPort, false)).toBe('closed');

    const reader = new ZkClient(survivor.hostPort, { sessionTimeout: 10_000, readOnly: true });
    clients.push(reader);
    await reader.waitForState('connectedReadOnly', 10_000);
    const readOnlySession = reader.sessionId;
    expect((await reader.getData('/ro')).data?.toString()).toBe('before');
    expect(await reader.getChildren('/')).toContain('ro');
    expect(await reader.exists('/ro', () => undefined)).not.toBeNull();
    expect(await codeOf(reader.multiRead([{ op: 'getData', path: '/ro' }]))).toBe('ok');
    expect(await codeOf(reader.create('/ro-write', 'x'))).toBe(ErrorCode.notReadOnly);
    expect(await codeOf(reader.create('/ro-eph', 'x', { mode: 1 }))).toBe(ErrorCode.notReadOnly);
    expect(await codeOf(reader.setData('/ro', 'x'))).toBe(ErrorCode.notReadOnly);
    expect(await codeOf(reader.delete('/ro'))).toBe(ErrorCode.notReadOnly);
    expect(await codeOf(reader.sync('/ro'))).toBe(ErrorCode.notReadOnly);
    expect(await codeOf(reader.multi([{ op: 'check', path: '/ro', version: 0 }]))).toBe(ErrorCode.notReadOnly);
    expect(reader.state).toBe('connectedReadOnly');

    // The quorum comes back: the member closes its read-only connections and the client finds a read-write server.
    const states: string[] = [];
    reader.on('state', (state) => states.push(state));
    await target.restart(1);
    await reader.waitForState('connected', 20_000);
    expect(states[0]).toBe('disconnected');
    // A session made on a read-only server is not carried over (the client has not seen a read-write server).
    expect(reader.sessionId).not.toBe(readOnlySession);
    expect(await reader.create('/ro-after', 'x')).toBe('/ro-after');
    await waitFor('read-write again', () => isro(survivor), (r) => r === 'rw');
  });

  it('without local sessions: a new read-only session is refused like a write, and a replicated session may not reconnect', async () => {
    target = await startTarget(kind, { size: 3, extraConfig: { 'readonlymode.enabled': true } });
    const survivorPort = target.members[2]!.clientPort;
    const existing = await ZkConnection.connect({ host: '127.0.0.1', port: survivorPort, sessionTimeout: 30_000 });
    const { sessionId, passwd } = existing;
    existing.destroy();

    const survivor = await isolateLastMember(target);
    // ReadOnlyRequestProcessor answers the createSession with a NotReadOnly reply header (xid 0), not a ConnectResponse.
    const frame = await firstFrame(survivor.clientPort, true);
    expect(frame).not.toBe('closed');
    const header = frame as Buffer;
    expect(header.length).toBe(16);
    expect(header.readInt32BE(0)).toBe(0);
    expect(header.readInt32BE(12)).toBe(ErrorCode.notReadOnly);
    expect(await firstFrame(survivor.clientPort, false)).toBe('closed');

    const reopened = await ZkConnection.connect({
      host: '127.0.0.1',
      port: survivor.clientPort,
      sessionTimeout: 30_000,
      sessionId,
      passwd,
      readOnly: true,
      connectTimeoutMs: 3_000,
    }).then(
      (connection) => {
        connection.destroy();
        return 'established';
      },
      (error: unknown) => String(error),
    );
    expect(reopened).toMatch(/connection closed during handshake/);
  });
});

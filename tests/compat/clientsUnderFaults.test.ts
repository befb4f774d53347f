// Third-party clients (kazoo, node-zookeeper-client, the Java client through zkCli) while their ensemble fails under
// them: every member stopped and restarted during a session with a request queued, a session that expires while a
// request waits in the client's queue, and a host list changed under a live session. Apache ZooKeeper 3.8 and
// Paddock go through the same harness and must give each client the same experience.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient } from '../../node-core/client/index.js';
import { eventually } from '../helpers/polling.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcpProxy.js';
import { compatTargets, startTarget, type ZkTarget } from '../helpers/zkTarget.js';
import type { ClientState, FaultClient } from './faults/faultClient.js';
import { KazooFaultClient } from './faults/kazooClient.js';
import { NodeZkFaultClient } from './faults/nodeZkFaultClient.js';
import { ZkCliFaultClient } from './faults/zkCliFaultClient.js';

const clients: Record<string, () => FaultClient> = {
  kazoo: () => new KazooFaultClient(),
  'node-zookeeper-client': () => new NodeZkFaultClient(),
  zkCli: () => new ZkCliFaultClient(),
};

interface ClientExpectations {
  /** How a request sent while every member is down ends once the ensemble is back. */
  queuedAcrossRestart: string;
  /** How a request sent while cut off ends once the client learns its session expired ('unanswered': never). */
  queuedAcrossExpiry: string;
  statesAfterExpiry: ClientState[];
}

/**
 * Each client's own behaviour, as it shows against Apache ZooKeeper 3.8; Paddock must give the same. The Java client
 * fails everything in its queue with ConnectionLoss at each failed connect attempt (ClientCnxn's cleanup), so zkCli
 * never carries a request across an outage. node-zookeeper-client drops its queue on expiry without calling back.
 * kazoo starts a new session by itself after LOST; the other two stay expired.
 */
const expectations: Record<string, ClientExpectations> = {
  kazoo: { queuedAcrossRestart: 'ok', queuedAcrossExpiry: 'sessionExpired', statesAfterExpiry: ['connected', 'disconnected', 'expired', 'connected'] },
  'node-zookeeper-client': { queuedAcrossRestart: 'ok', queuedAcrossExpiry: 'unanswered', statesAfterExpiry: ['connected', 'disconnected', 'expired'] },
  zkCli: { queuedAcrossRestart: 'connectionLoss', queuedAcrossExpiry: 'connectionLoss', statesAfterExpiry: ['connected', 'disconnected', 'expired'] },
};

// A short tick so that a session can expire within seconds; limits wide enough for a loaded machine.
const ensembleConfig = { tickTime: 500, initLimit: 20, syncLimit: 10, maxSessionTimeout: 60_000 };
const LONG_SESSION_MS = 30_000;
const SHORT_SESSION_MS = 2_000;

/** Reads through sync first: the observer may be on a member that has not yet applied the client's last write. */
async function syncedExists(observer: ZkClient, path: string) {
  await observer.sync(path.slice(0, path.lastIndexOf('/')) || '/');
  return observer.exists(path);
}

async function ownerOf(observer: ZkClient, path: string): Promise<bigint | undefined> {
  return (await syncedExists(observer, path))?.ephemeralOwner;
}

describe.each(compatTargets())('third-party clients under faults, against %s', (kind) => {
  let target: ZkTarget;
  let observer: ZkClient;

  beforeAll(async () => {
    target = await startTarget(kind, { size: 3, extraConfig: ensembleConfig, startTimeoutMs: 60_000 });
    observer = await ZkClient.connect(target.connectString, { sessionTimeout: LONG_SESSION_MS });
  }, 90_000);

  afterAll(async () => {
    await observer?.close();
    await target?.stop();
  });

  describe.each(Object.keys(clients))('%s', (clientName) => {
    it('keeps its session and its queued request across a stop and restart of every member', async () => {
      const base = await observer.create(`/restart-${clientName}`);
      const client = clients[clientName]!();
      try {
        await client.start(target.connectString, LONG_SESSION_MS);
        await client.createEphemeral(`${base}/eph`);
        const owner = await ownerOf(observer, `${base}/eph`);

        await Promise.all(target.members.map((m) => target.kill(m.id)));
        await client.waitForState('disconnected', 20_000);
        const queued = client.queueCreate(`${base}/during`);
        await Promise.all(target.members.map((m) => target.restart(m.id)));

        const outcome = await queued;
        expect(outcome).toBe(expectations[clientName]!.queuedAcrossRestart);
        await observer.waitForConnected(30_000);
        expect(await ownerOf(observer, `${base}/eph`)).toBe(owner);
        expect((await syncedExists(observer, `${base}/during`)) !== null).toBe(outcome === 'ok');
        await eventually(() => client.states().at(-1) === 'connected', 20_000, `${clientName} connected again`);
        expect(client.states()).toEqual(['connected', 'disconnected', 'connected']);
      } finally {
        await client.close();
      }
    }, 120_000);

    it('learns that its session expired while a request was queued, and the request never happens', async () => {
      const base = await observer.create(`/expire-${clientName}`);
      const proxies: TcpProxy[] = await Promise.all(target.members.map((m) => startTcpProxy('127.0.0.1', m.clientPort)));
      const client = clients[clientName]!();
      try {
        await client.start(proxies.map((p) => p.hostPort).join(','), SHORT_SESSION_MS);
        await client.createEphemeral(`${base}/eph`);

        for (const proxy of proxies) proxy.cut();
        await client.waitForState('disconnected', 20_000);
        const queued = client.queueCreate(`${base}/during`);
        // The ensemble expires the session while the client cannot reach it; only then may the client come back.
        const deadline = Date.now() + 30_000;
        while ((await syncedExists(observer, `${base}/eph`)) !== null) {
          if (Date.now() > deadline) throw new Error('the ensemble did not expire the session within 30 s');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        for (const proxy of proxies) proxy.restore();

        const expected = expectations[clientName]!;
        await eventually(() => client.states().length >= expected.statesAfterExpiry.length, 30_000, `${clientName} states after expiry`);
        expect(client.states().slice(0, expected.statesAfterExpiry.length)).toEqual(expected.statesAfterExpiry);
        const answerGrace = new Promise<string>((resolve) => setTimeout(() => resolve('unanswered'), 5_000));
        expect(await Promise.race([queued, answerGrace])).toBe(expected.queuedAcrossExpiry);
        expect(await syncedExists(observer, `${base}/during`)).toBeNull();
      } finally {
        await client.close();
        await Promise.all(proxies.map((p) => p.close()));
      }
    }, 120_000);
  });

  it('kazoo keeps its session when its host list changes and its old server goes away', async () => {
    const base = await observer.create('/hosts-kazoo');
    const [first, ...others] = target.members;
    const client = new KazooFaultClient();
    try {
      await client.start(first!.hostPort, LONG_SESSION_MS);
      await client.createEphemeral(`${base}/eph`);
      const owner = await ownerOf(observer, `${base}/eph`);

      await client.setHosts(others.map((m) => m.hostPort).join(','));
      await target.kill(first!.id);
      await client.waitForState('disconnected', 20_000);
      expect(await client.queueCreate(`${base}/after`)).toBe('ok');

      expect(client.states()).toEqual(['connected', 'disconnected', 'connected']);
      expect(await ownerOf(observer, `${base}/eph`)).toBe(owner);
      expect(await syncedExists(observer, `${base}/after`)).not.toBeNull();
    } finally {
      await client.close();
      if (first!.pid === undefined) await target.restart(first!.id);
    }
  }, 120_000);
});

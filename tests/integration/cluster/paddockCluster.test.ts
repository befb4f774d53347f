// The paddock engine under the local-cluster supervisor: a 1-node cluster is a standalone Paddock server that
// serves, can be killed and restarted on the same data, and wiped while stopped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient } from '../../../node-core/client/index.js';
import { LocalCluster, findPaddockScript, type MemberState } from '../../../node-core/cluster/index.js';
import { processAlive, processesMentioning, waitUntil, writeThrough } from './clusterTestUtil.js';

const SERVE_TIMEOUT_MS = 20_000;

async function exists(member: MemberState, path: string): Promise<boolean> {
  const client = await ZkClient.connect(member.hostPort, { sessionTimeout: 10_000, connectTimeoutMs: 5_000 });
  try {
    return (await client.exists(path)) !== null;
  } finally {
    await client.close();
  }
}

describe('local cluster, paddock engine, 1 node', () => {
  let dir: string;
  let cluster: LocalCluster;
  const logLines: string[] = [];
  const pids = new Set<number>();
  const serving = (members: MemberState[]) => members[0]!.mode === 'standalone';

  beforeAll(async () => {
    expect(findPaddockScript()).toBeDefined();
    dir = mkdtempSync(join(tmpdir(), 'paddock-cluster-paddock-'));
    cluster = await LocalCluster.create({ nodes: 1, dir, engine: 'paddock', pollIntervalMs: 250 });
    cluster.on('log', (event) => logLines.push(`${event.id}: ${event.line}`));
    cluster.on('member', (state) => state.pid !== undefined && pids.add(state.pid));
    await cluster.start();
  });

  afterAll(async () => {
    await cluster?.stop({ timeoutMs: 3000 });
    if (process.env.PADDOCK_KEEP_TMP === undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('starts a standalone server that serves', async () => {
    const [member] = await cluster.waitFor(serving, SERVE_TIMEOUT_MS, 'the paddock member to serve');
    expect(member!.process).toBe('running');
    expect(cluster.connectString).toBe(member!.hostPort);
    await writeThrough(member!, '/kept');
    const [after] = await cluster.refresh();
    expect(after!.zxid).not.toBe('0x0');
    expect(after!.nodeCount).toBeGreaterThan(0);
    expect(logLines.some((line) => line.includes('Paddock server started'))).toBe(true);
  });

  it('kill shows killed; a restart serves the same data', async () => {
    const before = cluster.memberState(1);
    const killed = await cluster.killMember(1);
    expect(killed.process).toBe('killed');
    expect(killed.mode).toBe('not serving');
    expect(killed.lastExit).toBe('signal SIGKILL');
    expect(processAlive(before.pid!)).toBe(false);

    const restarted = await cluster.startMember(1);
    expect(restarted.pid).not.toBe(before.pid);
    const [member] = await cluster.waitFor(serving, SERVE_TIMEOUT_MS, 'the restarted member to serve');
    expect(await exists(member!, '/kept')).toBe(true);
  });

  it('refuses to wipe a running member; wipes a stopped one', async () => {
    expect(() => cluster.wipeMember(1)).toThrow(/running/);
    const stopped = await cluster.stopMember(1);
    expect(stopped.process).toBe('stopped');
    cluster.wipeMember(1);
    await cluster.startMember(1);
    const [member] = await cluster.waitFor(serving, SERVE_TIMEOUT_MS, 'the wiped member to serve');
    expect(await exists(member!, '/kept')).toBe(false);
  });

  it('leaves no process behind after stop', async () => {
    await cluster.stop();
    expect(cluster.memberState(1).process).toBe('stopped');
    expect([...pids].filter((pid) => processAlive(pid))).toEqual([]);
    await waitUntil(() => processesMentioning(dir).length === 0, 5000, 'watchdogs to exit');
  });
});

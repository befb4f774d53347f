// Local clusters that outlive the GUI: a persistent LocalClusterBackend keeps each cluster in its folder when it
// shuts down, a new backend on the same directory lists it (stopped), starts it again on its data, and only
// remove() deletes it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterInfo } from '../../../node-core/api/contract.js';
import { ZkClient } from '../../../node-core/client/index.js';
import { LocalClusterBackend } from '../../../node-core/api/localClusterBackend.js';

const baseDir = mkdtempSync(join(tmpdir(), 'paddock-persistent-clusters-'));
const backends: LocalClusterBackend[] = [];

function newBackend(): LocalClusterBackend {
  const backend = new LocalClusterBackend({ engine: 'paddock', baseDir, persistent: true, tickTime: 500, pollIntervalMs: 250 });
  backends.push(backend);
  return backend;
}

async function waitForLeader(backend: LocalClusterBackend, clusterId: string): Promise<ClusterInfo> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const info = (await backend.list()).find((c) => c.clusterId === clusterId)!;
    if (info.leaderId !== undefined && info.members.every((m) => m.servingState === 'leading' || m.servingState === 'following')) return info;
    if (Date.now() > deadline) throw new Error(`no leader: ${JSON.stringify(info.members)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

afterAll(async () => {
  for (const backend of backends) await backend.shutdown().catch(() => undefined);
  rmSync(baseDir, { recursive: true, force: true });
});

describe('persistent local clusters', () => {
  it('lists a cluster again after a restart of the backend, starts it and keeps its data; remove() deletes it', async () => {
    const first = newBackend();
    const created = await first.create({ name: 'kept', nodes: 3 });
    await waitForLeader(first, created.clusterId);
    const writer = await ZkClient.connect(created.connectString, { connectTimeoutMs: 10_000 });
    try {
      await writer.create('/survives', Buffer.from('across runs'));
    } finally {
      await writer.close();
    }
    await first.shutdown();
    expect(existsSync(join(baseDir, created.clusterId, 'cluster.json'))).toBe(true);

    const second = newBackend();
    const listed = await second.list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ clusterId: created.clusterId, name: 'kept', connectString: created.connectString });
    expect(listed[0]!.members.map((m) => m.runState)).toEqual(['stopped', 'stopped', 'stopped']);
    // The Apache backend shares the folder but lists only its own engine's clusters.
    expect(await new LocalClusterBackend({ engine: 'apache', baseDir, persistent: true }).list()).toEqual([]);

    await second.start(created.clusterId);
    await waitForLeader(second, created.clusterId);
    const reader = await ZkClient.connect(created.connectString, { connectTimeoutMs: 10_000 });
    try {
      expect((await reader.getData('/survives')).data?.toString()).toBe('across runs');
    } finally {
      await reader.close();
    }

    await second.remove(created.clusterId);
    expect(existsSync(join(baseDir, created.clusterId))).toBe(false);
    expect(await newBackend().list()).toEqual([]);
  }, 120_000);
});

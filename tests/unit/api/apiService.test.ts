// The transport-agnostic service without ZooKeeper: malformed messages, unknown methods, validation errors and the
// cluster backend registry (a fake backend stands in for node-core/cluster).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiService } from '../../../node-core/api/apiService.js';
import type { ClusterBackend, ClusterEvent } from '../../../node-core/api/clusterBackend.js';
import { ApiErrorCode, type ClusterInfo, type EventMessage } from '../../../node-core/api/contract.js';
import { createMemoryLogger } from '../../../node-core/log/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'paddock-api-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeBackend(): ClusterBackend & { emit(e: ClusterEvent): void } {
  const clusters: ClusterInfo[] = [];
  const listeners = new Set<(e: ClusterEvent) => void>();
  return {
    async create(spec) {
      const info: ClusterInfo = {
        clusterId: `k${clusters.length + 1}`,
        name: spec.name ?? 'local',
        backend: 'fake',
        connectString: '127.0.0.1:1',
        members: Array.from({ length: spec.nodes }, (_, i) => ({
          memberId: i + 1,
          role: 'participant' as const,
          runState: 'running' as const,
          servingState: 'unknown' as const,
          clientPort: 1000 + i,
          dataDir: `/tmp/m${i}`,
        })),
      };
      clusters.push(info);
      return info;
    },
    async list() {
      return clusters;
    },
    async remove(id) {
      clusters.splice(clusters.findIndex((c) => c.clusterId === id), 1);
    },
    async memberAction(clusterId, memberId, action) {
      const m = clusters.find((c) => c.clusterId === clusterId)!.members[memberId - 1]!;
      m.runState = action === 'kill' ? 'crashed' : m.runState;
      return m;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(e) {
      for (const l of listeners) l(e);
    },
  };
}

describe('ApiService', () => {
  const logger = createMemoryLogger();
  const service = new ApiService({ profilesPath: join(dir, 'profiles.json'), logger });
  const events: EventMessage[] = [];
  const peer = service.connectPeer((m) => events.push(m));

  it('answers malformed and unknown requests with errors', async () => {
    expect(await peer.handle('garbage')).toMatchObject({ id: -1, error: { code: ApiErrorCode.invalidParams } });
    expect(await peer.handle({ id: 3 })).toMatchObject({ id: 3, error: { code: ApiErrorCode.invalidParams } });
    expect(await peer.handle({ id: 4, method: 'nope' })).toMatchObject({ id: 4, error: { code: ApiErrorCode.unknownMethod } });
    expect(await peer.handle({ id: 5, method: '__proto__' })).toMatchObject({ id: 5, error: { code: ApiErrorCode.unknownMethod } });
    expect(await peer.handle({ id: 6, method: 'znode.get', params: { connectionId: 'x', path: 'bad' } })).toMatchObject({
      id: 6,
      error: { code: ApiErrorCode.invalidParams, field: 'params.path' },
    });
  });

  it('reports an unknown connection in words', async () => {
    const r = await peer.handle({ id: 7, method: 'znode.get', params: { connectionId: 'missing', path: '/' } });
    expect(r).toMatchObject({ id: 7, error: { code: ApiErrorCode.unknownConnection, name: 'unknownConnection' } });
  });

  it('says clusters are unavailable until a backend is registered, then forwards to it', async () => {
    expect(await peer.call('cluster.create', { nodes: 3 })).toMatchObject({ error: { code: ApiErrorCode.clusterUnavailable } });
    const backend = fakeBackend();
    service.clusters.register('fake', backend);
    expect(await peer.call('cluster.backends', {})).toEqual({ result: { backends: ['fake'] } });
    const created = await peer.call('cluster.create', { nodes: 3, observers: 0, name: 'dev' });
    expect(created).toMatchObject({ result: { clusterId: 'k1', name: 'dev' } });
    expect(await peer.call('cluster.member', { clusterId: 'k1', memberId: 2, action: 'kill' })).toMatchObject({ result: { runState: 'crashed' } });
    expect(await peer.call('cluster.member', { clusterId: 'zz', memberId: 2, action: 'kill' })).toMatchObject({ error: { code: ApiErrorCode.unknownCluster } });
    backend.emit({ event: 'cluster.memberLog', data: { clusterId: 'k1', memberId: 1, stream: 'stdout', line: 'hello', time: 1 } });
    expect(events).toContainEqual({ event: 'cluster.memberLog', data: { clusterId: 'k1', memberId: 1, stream: 'stdout', line: 'hello', time: 1 } });
    // A profile on the cluster's members goes with it (its ports are dead); one elsewhere stays.
    await peer.call('profiles.save', { profile: { name: 'on-cluster', connectString: '127.0.0.1:1' } });
    await peer.call('profiles.save', { profile: { name: 'elsewhere', connectString: '127.0.0.1:2' } });
    expect(await peer.call('cluster.remove', { clusterId: 'k1' })).toEqual({ result: { closedConnections: [], removedProfiles: ['on-cluster'] } });
    expect(events).toContainEqual({ event: 'cluster.removing', data: { clusterId: 'k1', stage: 'closingConnections', membersStopped: 0, members: 3 } });
    const names = (await peer.call('profiles.list', {}).then((r) => ('result' in r ? r.result.profiles : []))).map((p) => p.name);
    expect(names).toContain('elsewhere');
    expect(names).not.toContain('on-cluster');
    expect(await peer.call('cluster.list', {})).toEqual({ result: { clusters: [] } });
  });

  it('never logs profile passwords', async () => {
    await peer.call('profiles.save', { profile: { name: 'x', connectString: '127.0.0.1:1', auth: { user: 'u', password: 'topsecret' } } });
    await peer.handle({ id: 9, method: 'profiles.save', params: { profile: { name: 'x', connectString: 'h', auth: { password: 'topsecret' } } } });
    expect(logger.lines.join('\n')).not.toContain('topsecret');
    const listed = await peer.call('profiles.list', {});
    expect(JSON.stringify(listed)).not.toContain('topsecret');
  });
});

describe('inProcessTransport', () => {
  it('carries typed calls and errors to a service without a socket', async () => {
    const { inProcessTransport } = await import('../../../node-core/api/inProcessTransport.js');
    const { ApiClient, ApiCallError } = await import('../../../node-core/api/client.js');
    const service = new ApiService({ profilesPath: join(dir, 'in-process.json'), logger: createMemoryLogger() });
    const client = new ApiClient(inProcessTransport(service));
    const saved = await client.call('profiles.save', { profile: { name: 'p', connectString: 'h:1' } });
    expect((await client.call('profiles.list', {})).profiles).toEqual([saved]);
    await expect(client.call('connection.close', { connectionId: 'nope' })).rejects.toBeInstanceOf(ApiCallError);
    client.close();
    await expect(client.call('profiles.list', {})).rejects.toThrow(/closed/);
    await service.close();
  });
});

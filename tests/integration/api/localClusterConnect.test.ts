// Fail-fast connecting has one exception: a local cluster the API itself started. Its members refuse connections
// for the seconds they take to start, so opening it right after creating it (as the desktop app and `paddock ui`
// do) waits for a session instead of reporting "refused".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiService } from '../../../node-core/api/apiService.js';
import type { ApiPeer } from '../../../node-core/api/apiService.js';
import { ClusterBackendRegistry } from '../../../node-core/api/clusterBackend.js';
import { LocalClusterBackend } from '../../../node-core/api/localClusterBackend.js';
import { createLogger } from '../../../node-core/log/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'paddock-local-connect-'));
let service: ApiService;
let peer: ApiPeer;

beforeAll(() => {
  const clusterBackends = new ClusterBackendRegistry();
  clusterBackends.register('paddock', new LocalClusterBackend({ engine: 'paddock', baseDir: join(dir, 'clusters'), pollIntervalMs: 500 }));
  service = new ApiService({ profilesPath: join(dir, 'profiles.json'), clusterBackends, connectTimeoutMs: 60_000, logger: createLogger('it', { level: 'warn' }) });
  peer = service.connectPeer(() => undefined);
});

afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('connecting to a local cluster that is still starting', () => {
  it('waits for its members instead of failing on their first refusals', async () => {
    const created = await peer.call('cluster.create', { nodes: 3 });
    if (!('result' in created)) throw new Error(created.error.message);
    const profile = await peer.call('profiles.save', { profile: { name: 'local', connectString: created.result.connectString } });
    if (!('result' in profile)) throw new Error(profile.error.message);
    const opened = await peer.call('connection.open', { profileId: profile.result.id });
    expect('error' in opened ? opened.error.message : opened.result.state).toBe('connected');
  }, 90_000);
});

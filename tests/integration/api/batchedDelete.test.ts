// The stepwise subtree delete behind the GUI's progress bar: each step removes at most about `max` nodes, children
// first, and says when the subtree is gone, for wide trees and for chains deeper than one step can walk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiService } from '../../../node-core/api/apiService.js';
import type { ApiPeer } from '../../../node-core/api/apiService.js';
import { ZkClient } from '../../../node-core/client/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTarget, type ZkTarget } from '../../helpers/zkTarget.js';

const dir = mkdtempSync(join(tmpdir(), 'paddock-batched-delete-'));
let target: ZkTarget;
let service: ApiService;
let peer: ApiPeer;
let zk: ZkClient;
let connectionId: string;

beforeAll(async () => {
  target = await startTarget('paddock', { size: 1 });
  zk = await ZkClient.connect(target.connectString);
  service = new ApiService({ profilesPath: join(dir, 'profiles.json') });
  peer = service.connectPeer(() => undefined);
  const profile = await peer.call('profiles.save', { profile: { name: 't', connectString: target.connectString } });
  if (!('result' in profile)) throw new Error(profile.error.message);
  const opened = await peer.call('connection.open', { profileId: profile.result.id });
  if (!('result' in opened)) throw new Error(opened.error.message);
  connectionId = opened.result.connectionId;
}, 60_000);

afterAll(async () => {
  await zk?.close().catch(() => undefined);
  await service?.close();
  await target?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function stepUntilDone(path: string, max: number): Promise<number[]> {
  const steps: number[] = [];
  for (let i = 0; i < 100; i++) {
    const r = await peer.call('znode.delete', { connectionId, path, step: true, max });
    if (!('result' in r)) throw new Error(r.error.message);
    steps.push(r.result.deleted);
    if (r.result.done === true) return steps;
  }
  throw new Error(`not done after 100 steps: ${steps.join(',')}`);
}

describe('stepwise subtree delete', () => {
  it('removes a wide subtree in steps of at most max nodes', async () => {
    await zk.create('/wide');
    for (let i = 0; i < 25; i++) await zk.create(`/wide/c${i}`);
    const steps = await stepUntilDone('/wide', 10);
    expect(steps.every((n) => n <= 10)).toBe(true);
    expect(steps.reduce((a, b) => a + b, 0)).toBe(26);
    expect(steps.length).toBeGreaterThan(2);
    expect(await zk.exists('/wide')).toBeNull();
  });

  it('removes a chain deeper than one step can walk', async () => {
    let path = '/deep';
    await zk.create(path);
    for (let i = 0; i < 12; i++) {
      path += `/d${i}`;
      await zk.create(path);
    }
    const steps = await stepUntilDone('/deep', 5);
    expect(steps.reduce((a, b) => a + b, 0)).toBe(13);
    expect(await zk.exists('/deep')).toBeNull();
  });

  it('refuses / and /zookeeper', async () => {
    const r = await peer.call('znode.delete', { connectionId, path: '/zookeeper', step: true, max: 10 });
    expect('error' in r && r.error.message).toContain('ZooKeeper itself needs it');
  });
});

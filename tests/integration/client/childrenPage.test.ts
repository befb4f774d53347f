// Large nodes page by page through the client: the count first, then sorted pages of names with stats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childCount, listChildrenPage, type ZkClient } from '../../../node-core/client/index.js';
import { clientTestTargets, connectClient, startServer } from './clientTargets.js';
import type { ZkTarget } from '../../helpers/zkTarget.js';

describe.each(clientTestTargets())('children pages against %s', (kind) => {
  let target: ZkTarget;
  let client: ZkClient;
  beforeAll(async () => {
    target = await startServer(kind);
    client = await connectClient(target.connectString);
  });
  afterAll(async () => {
    await client?.close();
    await target?.stop();
  });

  it('knows the count before listing, and pages through sorted children with their stats', async () => {
    await client.create('/big');
    const names = Array.from({ length: 250 }, (_, i) => `child-${String(i).padStart(4, '0')}`);
    await Promise.all(names.map((name, i) => client.create(`/big/${name}`, 'x'.repeat(i % 7))));
    expect(await childCount(client, '/big')).toBe(250);
    const page = await listChildrenPage(client, '/big', { offset: 100, limit: 50, concurrency: 8 });
    expect(page.total).toBe(250);
    expect(page.children.map((c) => c.name)).toEqual(names.slice(100, 150));
    expect(page.children[0]!.path).toBe('/big/child-0100');
    expect(page.children.map((c) => c.stat.dataLength)).toEqual(names.slice(100, 150).map((_, i) => (100 + i) % 7));
    const last = await listChildrenPage(client, '/big', { offset: 240, limit: 50 });
    expect(last.children).toHaveLength(10);
  });
});

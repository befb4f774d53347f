// enforceQuota=true through Paddock's own client, on a 3-member ensemble of Apache ZooKeeper 3.8 and of Paddock:
// creates and setData over a hard limit (alone, sequential, inside a multi) fail with QuotaExceeded (-125), writes
// within it pass, every member keeps the same usage in zookeeper_stats, and a restarted member has it too.
import { afterEach, describe, expect, it } from 'vitest';
import { MultiError, ZkClient } from '../../node-core/client/index.js';
import { CreateMode, ErrorCode, OpCode } from '../../node-core/protocol/index.js';
import { compatTargets, startTarget, type ZkTarget } from '../helpers/zkTarget.js';
import { codeOf } from '../helpers/polling.js';

let target: ZkTarget | undefined;
const clients: ZkClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await target?.stop();
  target = undefined;
});

async function usageOn(t: ZkTarget, id: number): Promise<string> {
  const client = await ZkClient.connect(t.members[id - 1]!.hostPort, { sessionTimeout: 10_000 });
  clients.push(client);
  await client.sync('/zookeeper/quota/e/zookeeper_stats');
  return (await client.getData('/zookeeper/quota/e/zookeeper_stats')).data!.toString();
}

describe.each(compatTargets())('%s: enforceQuota=true on a 3-member ensemble', (kind) => {
  it('refuses creates and setData over a hard limit with QuotaExceeded, and every member counts the same usage', async () => {
    target = await startTarget(kind, { size: 3, extraConfig: { enforceQuota: true } });
    const client = await ZkClient.connect(target.connectString, { sessionTimeout: 10_000 });
    clients.push(client);
    await client.create('/e', 'ab');
    // What setquota -N 3 and -B 8 leave behind (zkCli writes one limit at a time; the result is the same text).
    await client.create('/zookeeper/quota/e', null);
    await client.create('/zookeeper/quota/e/zookeeper_limits', 'count=-1,bytes=-1=;byteHardLimit=8;countHardLimit=3');
    await client.create('/zookeeper/quota/e/zookeeper_stats', 'count=0,bytes=0');
    expect((await client.getData('/zookeeper/quota/e/zookeeper_stats')).data!.toString()).toBe('count=1,bytes=2');

    expect(await client.create('/e/a', '1234')).toBe('/e/a');
    expect(await codeOf(client.create('/e/b', '123'))).toBe(ErrorCode.quotaExceeded);
    expect(await codeOf(client.setData('/e/a', '1234567'))).toBe(ErrorCode.quotaExceeded);
    expect(await codeOf(client.setData('/e/a', '123456'))).toBe('ok');
    expect(await codeOf(client.create('/e/s-', '', { mode: CreateMode.persistentSequential }))).toBe('ok');
    // count is now 3 (the limit): one more node is refused, alone or inside a multi
    expect(await codeOf(client.create('/e/s-', '', { mode: CreateMode.persistentSequential }))).toBe(ErrorCode.quotaExceeded);
    const failure = await client.multi([
      { op: 'setData', path: '/e/a', data: '12' },
      { op: 'create', path: '/e/m', data: '' },
    ]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MultiError);
    expect((failure as MultiError).code).toBe(ErrorCode.quotaExceeded);
    expect((failure as MultiError).results.map((r) => (r.type === OpCode.error ? r.err : 'ok'))).toEqual([ErrorCode.ok, ErrorCode.quotaExceeded]);
    expect(await client.exists('/e/m')).toBeNull();
    // a delete makes room again
    await client.delete('/e/a');
    expect(await codeOf(client.create('/e/b', '12345678'))).toBe(ErrorCode.quotaExceeded);
    expect(await client.create('/e/b', '123456')).toBe('/e/b');

    const usage = 'count=3,bytes=8';
    expect(await Promise.all([1, 2, 3].map((id) => usageOn(target!, id)))).toEqual([usage, usage, usage]);
    await target.kill(3);
    await target.restart(3);
    expect(await usageOn(target, 3)).toBe(usage);
  });
});

// ZooKeeper's recipes on ZkClient, against Apache ZooKeeper 3.8 and Paddock: mutual exclusion, leader hand-over,
// barriers, a service registry that forgets dead instances, and a config watcher that sees every change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient, ZkLock, LeaderElection, ZkBarrier, ServiceRegistry, ConfigWatcher, type ConfigValue, type ServiceInstance } from '../../../node-core/client/index.js';
import { clientTestTargets, connectClient, eventually, sleep, startServer } from './clientTargets.js';
import type { ZkTarget } from '../../helpers/zkTarget.js';

describe.each(clientTestTargets())('recipes against %s', (kind) => {
  let target: ZkTarget;
  const clients: ZkClient[] = [];
  const client = async () => {
    const c = await connectClient(target.connectString);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    target = await startServer(kind);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await target?.stop();
  });

  it('a lock admits one holder at a time, in arrival order, and a dead holder releases it', async () => {
    const [a, b, c] = await Promise.all([client(), client(), client()]);
    const order: string[] = [];
    let inside = 0;
    let maxInside = 0;
    const work = (name: string, lock: ZkLock) =>
      lock.withLock(async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        order.push(name);
        await sleep(50);
        inside--;
      });
    const lockA = new ZkLock(a, '/recipes/lock', 'a');
    await lockA.acquire();
    const waiting = [work('b', new ZkLock(b, '/recipes/lock', 'b')), work('c', new ZkLock(c, '/recipes/lock', 'c'))];
    await sleep(100);
    expect(order).toEqual([]);
    await lockA.release();
    await Promise.all(waiting);
    expect(maxInside).toBe(1);
    expect(order.sort()).toEqual(['b', 'c']);

    // A holder whose session ends (here: closed) lets the next contender in.
    const d = await client();
    const held = new ZkLock(d, '/recipes/lock2');
    await held.acquire();
    const e = await client();
    const next = new ZkLock(e, '/recipes/lock2');
    const acquired = next.acquire(10_000);
    await d.close();
    await acquired;
    expect(next.isHeld).toBe(true);
    // A timed-out attempt gives up and leaves the queue.
    const f = await client();
    await expect(new ZkLock(f, '/recipes/lock2').acquire(200)).rejects.toThrow(/OperationTimeout/);
    expect((await f.getChildren('/recipes/lock2')).length).toBe(1);
  });

  it('leader election hands over to the next candidate when the leader resigns', async () => {
    const [a, b] = await Promise.all([client(), client()]);
    const first = new LeaderElection(a, '/recipes/election', 'first');
    const second = new LeaderElection(b, '/recipes/election', 'second');
    const firstLeads = new Promise<void>((resolve) => first.once('leader', resolve));
    await first.run();
    await firstLeads;
    const secondLeads = new Promise<void>((resolve) => second.once('leader', resolve));
    await second.run();
    await sleep(100);
    expect(second.isLeader).toBe(false);
    expect(await second.leaderId()).toBe('first');
    await first.resign();
    await secondLeads;
    expect(second.isLeader).toBe(true);
    expect(await first.leaderId()).toBe('second');
  });

  it('a barrier holds waiters until it is removed', async () => {
    const [a, b] = await Promise.all([client(), client()]);
    const barrier = new ZkBarrier(a, '/recipes/barrier');
    await barrier.set();
    let passed = false;
    const waiter = new ZkBarrier(b, '/recipes/barrier').wait(10_000).then(() => (passed = true));
    await sleep(150);
    expect(passed).toBe(false);
    await barrier.remove();
    await waiter;
    expect(passed).toBe(true);
    await expect(new ZkBarrier(b, '/recipes/barrier2').wait(10)).resolves.toBeUndefined();
  });

  it('the service registry lists live instances and forgets one whose session ends', async () => {
    const [consumerClient, one, two] = await Promise.all([client(), client(), client()]);
    const seen: ServiceInstance[][] = [];
    const stop = await new ServiceRegistry(consumerClient).watch('billing', (instances) => seen.push(instances));
    await new ServiceRegistry(one).register('billing', { id: 'one', data: { host: '10.0.0.1', port: 8080 } });
    await new ServiceRegistry(two).register('billing', { id: 'two', data: { host: '10.0.0.2', port: 8080 } });
    await eventually(() => seen.at(-1)?.length === 2, 10_000, 'two instances');
    expect(seen.at(-1)).toEqual([
      { id: 'one', data: { host: '10.0.0.1', port: 8080 } },
      { id: 'two', data: { host: '10.0.0.2', port: 8080 } },
    ]);
    await two.close();
    await eventually(() => seen.at(-1)?.length === 1, 10_000, 'one instance left');
    expect(seen.at(-1)![0]!.id).toBe('one');
    stop();
  });

  it('the config watcher reports the value, every change, deletion and re-creation', async () => {
    const [writer, reader] = await Promise.all([client(), client()]);
    const values: (ConfigValue | null)[] = [];
    const watcher = new ConfigWatcher(reader, '/recipes/config');
    await watcher.start((value) => values.push(value));
    expect(values).toEqual([null]);
    await writer.create('/recipes/config', 'v1');
    await eventually(() => values.length === 2, 10_000, 'created');
    await writer.setData('/recipes/config', 'v2');
    await eventually(() => values.length === 3, 10_000, 'changed');
    await writer.delete('/recipes/config');
    await eventually(() => values.length === 4, 10_000, 'deleted');
    expect(values.map((v) => v?.data?.toString() ?? null)).toEqual([null, 'v1', 'v2', null]);
    expect(watcher.current).toBeNull();
    watcher.stop();
  });
});

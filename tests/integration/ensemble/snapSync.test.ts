// Issue 14 point 5: a member whose dataDir was wiped rejoins a big tree. The leader streams the SNAP in bounded
// chunks (ZooKeeper's wire form: SNAP packet, raw snapshot, "BenWasHere") while it keeps serving a writer, the
// learner times the sync out by progress, and the member serves every znode, and the writes made meanwhile.
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startPaddock } from '../../helpers/paddockServer.js';
import { modeOf, waitForModes } from '../../helpers/ensembleModes.js';
import type { ZkTarget } from '../../helpers/zkTarget.js';
import { ZkClient, type TransactionOp } from '../../../node-core/client/index.js';
import { expectEveryMemberHas, startWriters } from '../../helpers/acknowledgedWriters.js';

let target: ZkTarget | undefined;
const clients: ZkClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await target?.stop();
  target = undefined;
});

async function client(connectString: string): Promise<ZkClient> {
  const c = await ZkClient.connect(connectString, { sessionTimeout: 20_000 });
  clients.push(c);
  return c;
}

const znodes = 60_000;
const kib = Buffer.alloc(1024, 'k');
const nameOf = (i: number) => `n${String(i).padStart(5, '0')}`;

/** Multis of 100 creates, 8 in flight: one proposal and fsync per 100 znodes fills the tree in seconds. */
async function fillTree(c: ZkClient): Promise<void> {
  await c.create('/big');
  const perMulti = 100;
  const inFlight = 8;
  for (let start = 0; start < znodes; start += perMulti * inFlight) {
    const multis: Promise<unknown>[] = [];
    for (let m = start; m < Math.min(znodes, start + perMulti * inFlight); m += perMulti) {
      const ops: TransactionOp[] = [];
      for (let i = m; i < Math.min(znodes, m + perMulti); i++) {
        ops.push({ op: 'create', path: `/big/${nameOf(i)}`, data: i === znodes - 1 ? Buffer.from('last') : kib });
      }
      multis.push(c.multi(ops));
    }
    await Promise.all(multis);
  }
}

describe('a wiped member of a 3-member Paddock ensemble holding 60,000 znodes of 1 KiB', () => {
  it('gets a streamed SNAP while a writer runs, serves every znode, and loses no acknowledged write', async () => {
    target = await startPaddock({ size: 3 });
    const modes = await waitForModes(target, ['leader', 'follower', 'follower']);
    const setup = await client(target.connectString);
    await fillTree(setup);
    await setup.create('/load');

    // Member 2, as in the report, unless it leads: then the other follower.
    const wiped = modes[1] === 'follower' ? target.members[1]! : target.members[2]!;
    const others = target.members.filter((m) => m !== wiped);
    await target.kill(wiped.id);
    rmSync(join(wiped.dataDir, 'version-2'), { recursive: true, force: true });

    const writers = startWriters(others.map((m) => m.hostPort).join(','), 2, client);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const restartedAt = Date.now();
    const ackedAtRestart = writers.acknowledged.length;
    await target.restart(wiped.id);
    // Generous for a loaded machine: before streaming, the member never served at 56,000 znodes.
    await waitForModes(target, ['leader', 'follower', 'follower'], 45_000);
    const servedAfterMs = Date.now() - restartedAt;
    const ackedWhileSyncing = writers.acknowledged.length - ackedAtRestart;

    const direct = await client(wiped.hostPort);
    expect(await direct.getAllChildrenNumber('/big')).toBe(znodes);
    expect((await direct.getData(`/big/${nameOf(znodes - 1)}`)).data?.toString()).toBe('last');
    expect((await direct.getData(`/big/${nameOf(12_345)}`)).data?.equals(kib)).toBe(true);
    const children = await direct.getChildren('/big');
    expect(children.length).toBe(znodes);
    expect(new Set(children).has(nameOf(0))).toBe(true);

    // It takes writes after the sync, and the others see them.
    await direct.create('/after-snap', 'written through the wiped member');
    const other = await client(others[0]!.hostPort);
    await other.sync('/');
    expect((await other.getData('/after-snap')).data?.toString()).toBe('written through the wiped member');

    await writers.stop();
    expect(ackedWhileSyncing, 'the leader kept acknowledging writes while it sent the snapshot').toBeGreaterThan(0);
    await expectEveryMemberHas(target, writers.acknowledged, client);
    expect(await modeOf(wiped)).toBe('follower');

    const log = target.logTail(wiped.id, 400);
    expect(log).toMatch(/Installed the leader's snapshot at 0x[0-9a-f]+ \((\d+) znodes\)/);
    expect(Number(/Installed the leader's snapshot at 0x[0-9a-f]+ \((\d+) znodes\)/.exec(log)![1])).toBeGreaterThanOrEqual(znodes);
    expect(log).not.toMatch(/silent for \d+ ms/);
    const leader = others.find((m) => target!.logTail(m.id, 400).includes(`to ${wiped.id}: sent`));
    expect(leader, 'the leader logged the streamed SNAP').toBeDefined();
    const story = (id: number) => target!.logTail(id, 400).split('\n').filter((line) => /SNAP|snapshot|Serving|State /.test(line));
    console.log(
      `wiped member ${wiped.id} served ${servedAfterMs} ms after its restart; ${ackedWhileSyncing} writes acknowledged meanwhile\n` +
        [...story(wiped.id), ...others.flatMap((m) => story(m.id))].join('\n'),
    );
  }, 120_000);
});

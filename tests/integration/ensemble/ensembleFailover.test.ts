// Real-process ensembles of `paddock server` on loopback: writes survive the loss of the leader, a restarted
// member rejoins, a wiped member catches up from a snapshot, and without a majority writes are refused.
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startPaddock } from '../../helpers/paddockServer.js';
import { modeOf, waitForModes } from '../../helpers/ensembleModes.js';
import type { ZkMember, ZkTarget } from '../../helpers/zkTarget.js';
import { ZkClient } from '../../../node-core/client/index.js';
import { ErrorCode, KeeperError } from '../../../node-core/protocol/index.js';
import { expectEveryMemberHas, startWriters } from '../../helpers/acknowledgedWriters.js';
import { eventually } from '../../helpers/polling.js';

let target: ZkTarget | undefined;
const clients: ZkClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await target?.stop();
  target = undefined;
});

async function client(connectString: string): Promise<ZkClient> {
  const c = await ZkClient.connect(connectString, { sessionTimeout: 10_000 });
  clients.push(c);
  return c;
}

describe.each([3, 5])('a %i-node Paddock ensemble', (size) => {
  it('elects one leader, survives kill -9 of the leader under load, and the old leader rejoins', async () => {
    target = await startPaddock({ size });
    const modes = await waitForModes(target, ['leader', ...Array(size - 1).fill('follower')]);
    const setup = await client(target.connectString);
    await setup.create('/load');

    const writers = startWriters(target.connectString, 4, client);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const leader = target.members[modes.indexOf('leader')]!;
    const beforeKill = writers.acknowledged.length;
    await target.kill(leader.id);
    await waitForModes(target, ['leader', ...Array(size - 2).fill('follower')]);
    // Writers continue through the remaining members.
    const deadline = Date.now() + 10_000;
    while (writers.acknowledged.length < beforeKill + 50 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await writers.stop();
    expect(writers.acknowledged.length).toBeGreaterThan(beforeKill + 50);

    await target.restart(leader.id);
    await waitForModes(target, ['leader', ...Array(size - 1).fill('follower')]);
    expect(await modeOf(leader)).toBe('follower');
    await expectEveryMemberHas(target, writers.acknowledged, client);
  });
});

/** 600 creates, then a follower's data dir is wiped and it rejoins (from the leader's snapshot). */
async function wipeAndRejoinFollower(running: ZkTarget) {
  const modes = await waitForModes(running, ['leader', 'follower', 'follower']);
  const c = await client(running.connectString);
  await c.create('/load');
  const paths: string[] = [];
  for (let i = 0; i < 600; i++) paths.push(await c.create(`/load/n${i}`, 'x'));
  const follower = running.members[modes.indexOf('follower')]!;
  await running.kill(follower.id);
  rmSync(join(follower.dataDir, 'version-2'), { recursive: true, force: true });
  await running.restart(follower.id);
  await waitForModes(running, ['leader', 'follower', 'follower']);
  return { c, paths, follower };
}

describe('a 3-node Paddock ensemble', () => {
  it('brings a wiped member back from a snapshot of the leader', async () => {
    target = await startPaddock({ size: 3 });
    const { paths, follower } = await wipeAndRejoinFollower(target);
    // 600 transactions exceed the leader's in-memory window of 500, so only a snapshot can bring it back.
    expect(target.logTail(follower.id, 200)).toMatch(/Installed the leader's snapshot at 0x[0-9a-f]+ \(\d+ znodes\)/);
    await expectEveryMemberHas(target, paths, client);
  });

  it('writes members\' snapshots in the snapshot worker, also after a leader\'s snapshot replaced a member\'s state', async () => {
    target = await startPaddock({ size: 3, extraConfig: { snapCount: 100 } });
    const { c, paths, follower } = await wipeAndRejoinFollower(target);
    expect(target.logTail(follower.id, 400)).toMatch(/Installed the leader's snapshot/);
    for (let i = 600; i < 900; i += 50) {
      paths.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) => c.create(`/load/n${i + j}`, 'x')))));
    }
    // Its state no longer follows its own log from the start: the snapshot it wrote of the leader's state is where
    // the worker starts rebuilding from (never its older files).
    const sinceInstall = () => {
      const tail = target!.logTail(follower.id, 2_000);
      return tail.slice(tail.lastIndexOf("Installed the leader's snapshot"));
    };
    await eventually(() => /by the snapshot worker/.test(sinceInstall()), 60_000, 'a worker snapshot on the follower');
    expect(sinceInstall()).toMatch(/written in \d+ ms by the snapshot worker \(from (snapshot\.[0-9a-f]+|its tree of the previous snapshot) /);
    for (const member of target.members) {
      expect(target.logTail(member.id, 2_000)).toMatch(/by the snapshot worker/);
      expect(target.logTail(member.id, 2_000)).not.toMatch(/Snapshot worker failed/);
    }
    await target.kill(follower.id);
    await target.restart(follower.id);
    await waitForModes(target, ['leader', 'follower', 'follower']);
    await expectEveryMemberHas(target, paths, client);
  }, 180_000);

  it('refuses writes once a majority is gone, and serves again when it is back', async () => {
    target = await startPaddock({ size: 3 });
    const modes = await waitForModes(target, ['leader', 'follower', 'follower']);
    const survivor = target.members[modes.indexOf('follower')]!;
    const others = target.members.filter((m) => m !== survivor);
    for (const m of others) await target.kill(m.id);
    const c = new ZkClient(survivor.hostPort, { sessionTimeout: 4_000 });
    clients.push(c);
    const outcome = await c.create('/no-quorum', 'x').then(
      () => 'accepted',
      (error: unknown) => (error instanceof KeeperError ? error.code : String(error)),
    );
    expect(outcome).toBe(ErrorCode.connectionLoss);
    expect(await modeOf(survivor)).toBeUndefined();
    for (const m of others) await target.restart(m.id);
    await waitForModes(target, ['leader', 'follower', 'follower']);
    const after = await client(target.connectString);
    expect(await after.create('/quorum-back', 'x')).toBe('/quorum-back');
  });
});

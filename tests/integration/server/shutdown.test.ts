// Stopping `paddock server` as ZooKeeper stops: SIGTERM or SIGINT ends a standalone server and every ensemble role
// within a second whatever its clients do (sessions that never close, a writer mid-request, a client that never
// reads its replies), with exit code 0, and no acknowledged write is lost across SIGTERM restarts of every member.
// Apache ZooKeeper 3.8 goes through the same harness for the figure it is compared with.
import { afterEach, describe, expect, it } from 'vitest';
import { startPaddock } from '../../helpers/paddockServer.js';
import { apacheZkAvailable, startApacheZk } from '../../helpers/apacheZk.js';
import { serverMode } from '../../helpers/fourLetterWord.js';
import { expectEveryMemberHas, startWriters } from '../../helpers/acknowledgedWriters.js';
import type { MemberExit, ZkMember, ZkTarget } from '../../helpers/zkEnsemble.js';
import { ClientPool } from '../../helpers/clientPool.js';
import { openStubbornClients, type StubbornClients } from '../../helpers/stubbornClients.js';

/** The bound is 1 s; the margin is for a loaded 2-core CI machine. */
const EXIT_BOUND_MS = 1500;

let target: ZkTarget | undefined;
const pool = new ClientPool();
const client = pool.connect;
const stubborn: StubbornClients[] = [];

afterEach(async () => {
  for (const s of stubborn.splice(0)) s.destroy();
  await pool.closeAll();
  await target?.stop();
  target = undefined;
});

async function stubbornClientsOn(member: ZkMember): Promise<StubbornClients> {
  const opened = await openStubbornClients(member.hostPort);
  stubborn.push(opened);
  return opened;
}

function report(what: string, exit: MemberExit): void {
  process.stdout.write(
    `[shutdown] ${what}: exited in ${exit.elapsedMs.toFixed(0)} ms, code ${String(exit.code)}, signal ${String(exit.signal)}\n`,
  );
}

function expectPromptCleanExit(t: ZkTarget, id: number, exit: MemberExit, what: string): void {
  report(what, exit);
  expect(exit.timedOut, `${what} was still running 10 s after the signal`).toBe(false);
  expect(exit.elapsedMs, `${what} took ${exit.elapsedMs.toFixed(0)} ms to exit`).toBeLessThan(EXIT_BOUND_MS);
  expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
  // The stop itself released everything: the process did not need the deadline's forced exit.
  const log = t.logTail(id, 400);
  expect(log).toContain('Shutdown complete');
  expect(log).not.toContain('Exiting anyway');
}

async function modeOf(member: ZkMember): Promise<string | undefined> {
  return serverMode('127.0.0.1', member.clientPort).catch(() => undefined);
}

async function membersInMode(t: ZkTarget, mode: string): Promise<ZkMember[]> {
  const modes = await Promise.all(t.members.map(modeOf));
  return t.members.filter((_, i) => modes[i] === mode);
}

describe('paddock server, standalone', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('exits within a second of %s with stubborn clients connected', async (signal) => {
    target = await startPaddock();
    const member = target.members[0]!;
    await stubbornClientsOn(member);
    const exit = await target.signalAndWait(member.id, signal);
    expectPromptCleanExit(target, member.id, exit, `standalone, ${signal}`);
    expect(target.logTail(member.id, 200)).toContain(`Received ${signal}, shutting down`);
  });
});

describe('paddock ensemble members', () => {
  it('a follower, an observer and the leader each exit within a second of SIGTERM, the last member of SIGINT', async () => {
    target = await startPaddock({ size: 4, observers: [4] });
    const t = target;
    for (const member of t.members) await stubbornClientsOn(member);

    // The follower goes first so that the leader keeps its quorum and is still leading when its turn comes.
    const follower = (await membersInMode(t, 'follower'))[0]!;
    expectPromptCleanExit(t, follower.id, await t.signalAndWait(follower.id, 'SIGTERM'), `follower ${follower.id}, SIGTERM`);

    const observer = t.members.find((m) => m.id === 4)!;
    expect(await modeOf(observer)).toBe('observer');
    expectPromptCleanExit(t, observer.id, await t.signalAndWait(observer.id, 'SIGTERM'), `observer ${observer.id}, SIGTERM`);

    const [leader] = await membersInMode(t, 'leader');
    expect(leader, 'the leader kept its quorum').toBeDefined();
    expectPromptCleanExit(t, leader!.id, await t.signalAndWait(leader!.id, 'SIGTERM'), `leader ${leader!.id}, SIGTERM`);

    // The last voter has lost its quorum and is looking for one, with its election links still dialling.
    const last = t.members.find((m) => m.pid !== undefined)!;
    expectPromptCleanExit(t, last.id, await t.signalAndWait(last.id, 'SIGINT'), `looking member ${last.id}, SIGINT`);
  }, 120_000);

  it('loses no acknowledged write across SIGTERM restarts of every member under a write load', async () => {
    target = await startPaddock({ size: 3 });
    const t = target;
    await (await client(t.connectString)).create('/load');
    const writers = startWriters(t.connectString, 4, client);
    const waitForMoreWrites = async (count: number) => {
      const goal = writers.acknowledged.length + count;
      const deadline = Date.now() + 20_000;
      while (writers.acknowledged.length < goal && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(writers.acknowledged.length, 'writes resume after the restart').toBeGreaterThanOrEqual(goal);
    };
    await waitForMoreWrites(50);
    // One member at a time, the leader among them, as a rolling restart does...
    for (const member of t.members) {
      expectPromptCleanExit(t, member.id, await t.signalAndWait(member.id, 'SIGTERM'), `member ${member.id} under writes, SIGTERM`);
      await t.restart(member.id);
      await waitForMoreWrites(50);
    }
    // ...and then all at once, as a whole ensemble is stopped and started again.
    const exits = await Promise.all(t.members.map((m) => t.signalAndWait(m.id, 'SIGTERM')));
    exits.forEach((exit, i) => expectPromptCleanExit(t, i + 1, exit, `member ${i + 1} in a full stop, SIGTERM`));
    await Promise.all(t.members.map((m) => t.restart(m.id)));
    await waitForMoreWrites(50);
    await writers.stop();
    await expectEveryMemberHas(t, writers.acknowledged, client);
  }, 180_000);
});

describe('Apache ZooKeeper 3.8 through the same harness', () => {
  it('exits on SIGTERM with stubborn clients connected (the figure Paddock is compared with)', async () => {
    if (!apacheZkAvailable()) throw new Error('Apache ZooKeeper is not installed: apt-get install -y zookeeper');
    target = await startApacheZk();
    const member = target.members[0]!;
    await stubbornClientsOn(member);
    const exit = await target.signalAndWait(member.id, 'SIGTERM');
    report('Apache ZooKeeper standalone, SIGTERM', exit);
    expect(exit.timedOut).toBe(false);
  });
});

// Observers: a 3-voter ensemble with a fourth, non-voting member (server.4=...:observer, peerType=observer). The
// observer serves reads and forwards writes, the leader counts it in zk_synced_observers, losing it leaves the
// quorum alone, and it cannot keep writes going once the voters lose their majority. Run against Apache ZooKeeper
// and Paddock with the same assertions.
import { afterEach, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../../helpers/polling.js';
import { serverMode } from '../../helpers/fourLetterWord.js';
import { compatTargets, startTarget, type ZkMember, type ZkTarget } from '../../helpers/zkTarget.js';
import { ZkClient } from '../../../node-core/client/index.js';
import { ErrorCode, KeeperError } from '../../../node-core/protocol/index.js';

let target: ZkTarget | undefined;
const clients: ZkClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await target?.stop();
  target = undefined;
});

async function client(connectString: string, sessionTimeout = 10_000): Promise<ZkClient> {
  const c = await ZkClient.connect(connectString, { sessionTimeout });
  clients.push(c);
  return c;
}

const modeOf = (m: ZkMember) => (m.pid === undefined ? Promise.resolve(undefined) : serverMode('127.0.0.1', m.clientPort).catch(() => undefined));

function mntrValue(text: string, key: string): string | undefined {
  return new RegExp(`^${key}\\t(.*)$`, 'm').exec(text)?.[1];
}

const outcomeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (error: unknown) => (error instanceof KeeperError ? error.code : String(error)),
  );

describe.each(compatTargets())('%s: 3 voters and 1 observer', (kind) => {
  it('serves reads and forwards writes on the observer; the quorum does not need it and it cannot replace a voter', async () => {
    target = await startTarget(kind, { size: 4, observers: [4] });
    const modes = await waitFor('modes', () => Promise.all(target!.members.map(modeOf)), (m) => m.filter((x) => x === 'leader').length === 1);
    const observer = target.members[3]!;
    expect(modes[3]).toBe('observer');
    expect(modes.filter((m) => m === 'follower')).toHaveLength(2);
    const leader = target.members[modes.indexOf('leader')]!;
    const leaderMntr = await waitFor('synced observer', () => target!.fourLetterWord('mntr', leader.id), (t) => mntrValue(t, 'zk_synced_observers') === '1');
    expect(mntrValue(leaderMntr, 'zk_synced_followers')).toBe('2');
    expect(mntrValue(await target.fourLetterWord('mntr', observer.id), 'zk_server_state')).toBe('observer');

    // Writes through the observer, read back from it and from a voter.
    const viaObserver = await client(observer.hostPort);
    await viaObserver.create('/obs', 'one');
    await viaObserver.setData('/obs', 'two');
    expect((await viaObserver.getData('/obs')).data?.toString()).toBe('two');
    const viaVoter = await client(leader.hostPort);
    await viaVoter.sync('/obs');
    expect((await viaVoter.getData('/obs')).data?.toString()).toBe('two');

    // A voter's write reaches a watch set on the observer (INFORM).
    // The watch exists once the observer has answered the read; only then may the voter write.
    let notify: (path: string) => void = () => undefined;
    const changed = new Promise<string>((resolve) => (notify = resolve));
    await viaObserver.getData('/obs', (event) => notify(event.path ?? ''));
    await viaVoter.setData('/obs', 'three');
    expect(await Promise.race([changed, sleep(20_000).then(() => 'no watch event within 20 s')])).toBe('/obs');
    expect((await viaObserver.getData('/obs')).data?.toString()).toBe('three');

    // Losing the observer costs the quorum nothing.
    await target.kill(observer.id);
    const voters = target.members.slice(0, 3).map((m) => m.hostPort).join(',');
    const voterClient = await client(voters);
    await voterClient.create('/without-observer', 'x');
    expect(await Promise.all(target.members.slice(0, 3).map(modeOf))).toEqual(modes.slice(0, 3));

    // Back again, it catches up; then two voters die and the observer alone keeps no writes going.
    await target.restart(observer.id);
    expect(await modeOf(observer)).toBe('observer');
    const again = await client(observer.hostPort);
    await again.sync('/');
    expect((await again.exists('/without-observer')) !== null).toBe(true);
    await again.close();

    const followers = target.members.slice(0, 3).filter((m) => m !== leader);
    await target.kill(followers[0]!.id);
    await target.kill(followers[1]!.id);
    await waitFor('observer to stop serving', () => modeOf(observer), (m) => m === undefined, 20_000);
    const stranded = new ZkClient(observer.hostPort, { sessionTimeout: 4_000 });
    clients.push(stranded);
    expect(await outcomeOf(stranded.create('/no-quorum', 'x'))).toBe(ErrorCode.connectionLoss);
  });
});

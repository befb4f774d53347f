// What each member of a running ensemble says it is (srvr's Mode line), and waiting until the roles settle: how
// failover, migration and mixed-ensemble tests find the leader whichever engine runs it.
import { serverMode } from './fourLetterWord.js';
import type { ZkMember, ZkTarget } from './zkEnsemble.js';

/** undefined for a member that is down or not serving (electing, or cut off from a quorum). */
export const modeOf = (m: ZkMember): Promise<string | undefined> =>
  m.pid === undefined ? Promise.resolve(undefined) : serverMode('127.0.0.1', m.clientPort).catch(() => undefined);

/** Waits until the running members report exactly `expected` (in any order); returns each member's mode by index. */
export async function waitForModes(t: ZkTarget, expected: string[], timeoutMs = 20_000): Promise<(string | undefined)[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const modes = await Promise.all(t.members.map(modeOf));
    const present = modes.filter((m): m is string => m !== undefined).sort();
    if (JSON.stringify(present) === JSON.stringify([...expected].sort())) return modes;
    if (Date.now() > deadline) throw new Error(`modes ${JSON.stringify(modes)}, wanted ${JSON.stringify(expected)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until every running member serves under one leader; returns that leader. */
export async function waitForLeader(t: ZkTarget, timeoutMs = 30_000): Promise<ZkMember> {
  const running = t.members.filter((m) => m.pid !== undefined).length;
  const modes = await waitForModes(t, ['leader', ...Array<string>(running - 1).fill('follower')], timeoutMs);
  return t.members[modes.indexOf('leader')]!;
}

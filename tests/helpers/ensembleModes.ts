// What each member of a running ensemble reports as its Mode (srvr), and waiting until the ensemble shows a set of
// modes: how the ensemble tests tell that an election or a member's sync is over.
import { serverMode } from './fourLetterWord.js';
import type { ZkMember, ZkTarget } from './zkTarget.js';

export const modeOf = (m: ZkMember): Promise<string | undefined> =>
  m.pid === undefined ? Promise.resolve(undefined) : serverMode('127.0.0.1', m.clientPort).catch(() => undefined);

/** Resolves with every member's mode once the running members show exactly `expected` (in any order). */
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

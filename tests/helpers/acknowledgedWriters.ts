// Writers that keep creating znodes under /load through a whole ensemble and remember which creates were
// acknowledged, and the check that every running member holds each of them: the "no acknowledged write lost" test
// of failover, restart and shutdown scenarios.
import { expect } from 'vitest';
import type { ZkClient } from '../../node-core/client/index.js';
import { KeeperError } from '../../node-core/protocol/index.js';
import type { ZkTarget } from './zkEnsemble.js';

export type ConnectClient = (connectString: string) => Promise<ZkClient>;

export interface AcknowledgedWriters {
  /** Paths whose create was answered with success, in the order the answers came. */
  readonly acknowledged: string[];
  stop(): Promise<void>;
}

/** `/load` must exist. Each writer connects through `connect`, which owns closing the client. */
export function startWriters(connectString: string, count: number, connect: ConnectClient): AcknowledgedWriters {
  const acknowledged: string[] = [];
  let running = true;
  const done = Promise.all(
    Array.from({ length: count }, async (_, w) => {
      const c = await connect(connectString);
      for (let n = 0; running; n++) {
        const path = `/load/w${w}-${n}`;
        try {
          await c.create(path, path);
          acknowledged.push(path);
        } catch (error) {
          // ConnectionLoss leaves the outcome unknown; only acknowledged writes are checked.
          if (!(error instanceof KeeperError)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    }),
  );
  return {
    acknowledged,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

export async function expectEveryMemberHas(t: ZkTarget, paths: readonly string[], connect: ConnectClient): Promise<void> {
  for (const member of t.members.filter((m) => m.pid !== undefined)) {
    const reader = await connect(member.hostPort);
    await reader.sync('/');
    const present = new Set(await reader.getChildren('/load'));
    const missing = paths.filter((p) => !present.has(p.slice('/load/'.length)));
    expect(missing, `member ${member.id} misses acknowledged writes`).toEqual([]);
  }
}

/**
 * Each writer's acknowledged creates were committed in the order it saw them acknowledged (their czxids increase),
 * read through `member` after a sync: a replayed or reordered write shows here even when nothing is missing.
 */
export async function expectAcknowledgedInOrder(member: string, paths: readonly string[], connect: ConnectClient): Promise<void> {
  const reader = await connect(member);
  await reader.sync('/');
  const lastByWriter = new Map<string, { path: string; czxid: bigint }>();
  for (const path of paths) {
    const writer = path.slice('/load/'.length).split('-')[0]!;
    const { czxid } = (await reader.exists(path)) ?? { czxid: -1n };
    const before = lastByWriter.get(writer);
    if (before !== undefined) expect(czxid > before.czxid, `${path} after ${before.path}`).toBe(true);
    lastByWriter.set(writer, { path, czxid });
  }
}

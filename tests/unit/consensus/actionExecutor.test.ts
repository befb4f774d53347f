// The executor's own promises: actions run in the order the core emitted them, inputs that arrive while actions
// run queue behind them, a stopped executor does nothing more, and the next tick is scheduled after every input.
import { describe, expect, it } from 'vitest';
import { ActionExecutor, type PeerEnvironment } from '../../../node-core/consensus/actionExecutor.js';
import { QuorumPeer } from '../../../node-core/consensus/quorumPeer.js';
import { ServerState, notificationVersion } from '../../../node-core/protocol/quorumPackets.js';

const fresh = { acceptedEpoch: 0n, currentEpoch: 0n, appliedZxid: 0n, logTail: [] };

/** Records every call as a line; `on` lets a test react inside one. */
function recordingEnvironment(now: () => number, on: Partial<PeerEnvironment> = {}): { env: PeerEnvironment; calls: string[] } {
  const calls: string[] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push(`${name} ${args.map((a) => (typeof a === 'object' && a !== null && 'leader' in a ? `vote ${String(a.leader)}` : String(a))).join(' ')}`.trim());
    };
  const env: PeerEnvironment = {
    now,
    sendNotification: record('sendNotification'),
    sendPacket: record('sendPacket'),
    connectToLeader: record('connectToLeader'),
    closeLink: record('closeLink'),
    sendSnapshot: record('sendSnapshot'),
    persist: (action) => record('persist')(action.kind),
    commit: record('commit'),
    serving: record('serving'),
    stateChanged: record('stateChanged'),
    configActivated: (change) => record('configActivated')(change.version),
    leaderReceivedRequest: record('leaderReceivedRequest'),
    learnerPing: record('learnerPing'),
    revalidateSession: record('revalidateSession'),
    sessionRevalidated: record('sessionRevalidated'),
    syncDone: record('syncDone'),
    scheduleTick: record('scheduleTick'),
  };
  for (const [name, handler] of Object.entries(on)) {
    const recorder = env[name as keyof PeerEnvironment] as (...args: unknown[]) => unknown;
    (env as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      recorder(...args);
      return (handler as (...args: unknown[]) => unknown)(...args);
    };
  }
  return { env, calls };
}

const voteFor3 = {
  leader: 3,
  zxid: 0n,
  electionEpoch: 1n,
  peerEpoch: 0n,
  state: ServerState.LOOKING,
  version: notificationVersion,
};

describe('ActionExecutor', () => {
  it('carries out a start in order and then schedules the next tick', () => {
    const peer = new QuorumPeer({ myId: 1, voters: [1, 2, 3], tickTime: 100, initLimit: 10, syncLimit: 5 });
    const { env, calls } = recordingEnvironment(() => 0);
    new ActionExecutor(peer, env).start(fresh);
    expect(calls).toEqual([
      'stateChanged looking null started',
      'sendNotification 2 vote 1',
      'sendNotification 3 vote 1',
      `scheduleTick ${peer.nextDeadline()}`,
    ]);
  });

  it('queues the actions of an input that arrives while actions run behind the rest, and schedules once', () => {
    const peer = new QuorumPeer({ myId: 1, voters: [1, 2, 3], tickTime: 100, initLimit: 10, syncLimit: 5 });
    let executor!: ActionExecutor;
    let delivered = false;
    const { env, calls } = recordingEnvironment(() => 0, {
      // The first action of the start hears 3's better vote at once (a network that answers synchronously).
      stateChanged: () => {
        if (delivered) return;
        delivered = true;
        executor.receiveNotification(3, voteFor3);
      },
    });
    executor = new ActionExecutor(peer, env);
    executor.start(fresh);
    expect(calls).toEqual([
      'stateChanged looking null started',
      'sendNotification 2 vote 1',
      'sendNotification 3 vote 1',
      'sendNotification 2 vote 3',
      'sendNotification 3 vote 3',
      `scheduleTick ${peer.nextDeadline()}`,
    ]);
  });

  it('does nothing more once stopped, not even the rest of the actions already emitted', () => {
    const peer = new QuorumPeer({ myId: 1, voters: [1, 2, 3], tickTime: 100, initLimit: 10, syncLimit: 5 });
    let executor!: ActionExecutor;
    const { env, calls } = recordingEnvironment(() => 0, { sendNotification: () => executor.stop() });
    executor = new ActionExecutor(peer, env);
    executor.start(fresh);
    expect(calls).toEqual(['stateChanged looking null started', 'sendNotification 2 vote 1']);
    expect(executor.isStopped).toBe(true);
    executor.tick();
    executor.receiveNotification(3, voteFor3);
    expect(calls).toHaveLength(2);
  });

  it('stamps inputs with the environment clock', () => {
    const peer = new QuorumPeer({ myId: 1, voters: [1, 2, 3], tickTime: 100, initLimit: 10, syncLimit: 5 });
    let now = 1000;
    const { env, calls } = recordingEnvironment(() => now);
    const executor = new ActionExecutor(peer, env);
    executor.start(fresh);
    const firstDeadline = peer.nextDeadline()!;
    expect(firstDeadline).toBeGreaterThan(1000);
    now = firstDeadline;
    calls.length = 0;
    executor.tick();
    // Nobody answered: at the deadline the member sends its vote again and waits longer than before.
    expect(calls.filter((c) => c.startsWith('sendNotification'))).toEqual(['sendNotification 2 vote 1', 'sendNotification 3 vote 1']);
    expect(peer.nextDeadline()! - now).toBeGreaterThan(firstDeadline - 1000);
  });
});

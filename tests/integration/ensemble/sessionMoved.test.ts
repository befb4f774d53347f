// SessionMoved on a 3-node ensemble, Apache ZooKeeper 3.8 and Paddock side by side: a session re-attached on
// another member (its old socket still open) and then written through the old connection. ZooKeeper's leader
// refuses that write as SessionMoved and the old member closes the connection without a reply; Paddock must match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionLossError, ZkConnection } from '../../../node-core/client/index.js';
import { CreateRequestCodec, OpCode, PathWatchRequestCodec, Perms } from '../../../node-core/protocol/index.js';
import { serverMode } from '../../helpers/fourLetterWord.js';
import { compatTargets, startTarget, type ZkMember, type ZkTarget } from '../../helpers/zkTarget.js';

type Role = 'leader' | 'follower';

interface Observation {
  /** Whether member A closed the old connection by itself once the session moved (before any write on it). */
  oldClosedOnMove: boolean;
  /** The write on the old connection: 'closed' (ConnectionLoss, no reply) or the reply's error code. */
  writeOutcome: 'closed' | number;
  /** Whether the znode of that write exists afterwards. */
  applied: boolean;
  /** The new connection still works afterwards (its own write's error code). */
  newConnectionWrite: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const openAcl = [{ perms: Perms.all, id: { scheme: 'world', id: 'anyone' } }];

function create(connection: ZkConnection, path: string) {
  return connection.request(OpCode.create, (w) => CreateRequestCodec.write(w, { path, data: Buffer.from('x'), acl: openAcl, flags: 0 }));
}

async function exists(connection: ZkConnection, path: string): Promise<boolean> {
  const reply = await connection.request(OpCode.exists, (w) => PathWatchRequestCodec.write(w, { path, watch: false }));
  return reply.header.err === 0;
}

async function rolesOf(target: ZkTarget): Promise<Map<Role, ZkMember[]>> {
  const roles = new Map<Role, ZkMember[]>([
    ['leader', []],
    ['follower', []],
  ]);
  for (const member of target.members) {
    const mode = await serverMode('127.0.0.1', member.clientPort);
    if (mode === 'leader' || mode === 'follower') roles.get(mode)!.push(member);
  }
  return roles;
}

/** A session opened on `a`, re-attached on `b` with a.'s socket kept open, then written through the old socket. */
async function moveAndWriteThroughOldConnection(a: ZkMember, b: ZkMember, path: string): Promise<Observation> {
  const old = await ZkConnection.connect({ host: '127.0.0.1', port: a.clientPort, sessionTimeout: 10_000 });
  let oldClosed = false;
  old.once('close', () => (oldClosed = true));
  const moved = await ZkConnection.connect({
    host: '127.0.0.1',
    port: b.clientPort,
    sessionTimeout: 10_000,
    sessionId: old.sessionId,
    passwd: old.passwd,
    lastZxidSeen: old.lastZxid,
  });
  try {
    expect(moved.sessionId).toBe(old.sessionId);
    await sleep(500);
    const oldClosedOnMove = oldClosed;
    let writeOutcome: Observation['writeOutcome'];
    if (oldClosedOnMove) writeOutcome = 'closed';
    else {
      try {
        writeOutcome = (await create(old, path)).header.err;
      } catch (error) {
        if (!(error instanceof ConnectionLossError)) throw error;
        writeOutcome = 'closed';
      }
    }
    // sync then read on the session's current member: every member has applied what the leader committed.
    await moved.request(OpCode.sync, (w) => w.writeString('/'));
    const applied = await exists(moved, path);
    const newConnectionWrite = (await create(moved, `${path}-new`)).header.err;
    return { oldClosedOnMove, writeOutcome, applied, newConnectionWrite };
  } finally {
    old.destroy();
    await moved.close();
  }
}

const cases: [from: Role, to: Role][] = [
  ['follower', 'follower'],
  ['leader', 'follower'],
  ['follower', 'leader'],
];

const observed = new Map<string, Observation>();

describe.each(compatTargets())('SessionMoved on a 3-node %s ensemble', (kind) => {
  let target: ZkTarget;
  let roles: Map<Role, ZkMember[]>;

  beforeAll(async () => {
    target = await startTarget(kind, { size: 3 });
    roles = await rolesOf(target);
  }, 90_000);

  afterAll(async () => {
    await target?.stop();
  });

  it.each(cases)('a write on the old connection after a move from the %s to a %s is refused and not applied', async (from, to) => {
    const a = roles.get(from)![0]!;
    const b = roles.get(to)!.find((m) => m !== a)!;
    let outcome: Observation;
    try {
      outcome = await moveAndWriteThroughOldConnection(a, b, `/moved-${from}-${to}`);
    } catch (error) {
      // Apache 3.8 now and then drops the re-attached (new) connection in this dance; that is the reference being
      // flaky, not an outcome to compare, so the case is tried again once on a fresh session. Paddock gets no retry.
      if (kind !== 'apache' || !(error instanceof ConnectionLossError)) throw error;
      console.log(`[sessionMoved] apache ${from}->${to}: new connection lost (${error.message}); trying once more`);
      outcome = await moveAndWriteThroughOldConnection(a, b, `/moved-${from}-${to}-again`);
    }
    observed.set(`${kind} ${from}->${to}`, outcome);
    console.log(`[sessionMoved] ${kind} ${from}->${to}: ${JSON.stringify(outcome)}`);
    // ZooKeeper 3.8: member A keeps the old connection until it is written to, then closes it without a reply.
    expect(outcome).toEqual({ oldClosedOnMove: false, writeOutcome: 'closed', applied: false, newConnectionWrite: 0 });
  });
});

describe('SessionMoved, Apache ZooKeeper and Paddock alike', () => {
  // Registered only when both targets run, so a single-target run shows no skipped test.
  if (compatTargets().length === 2) it('every case has the same outcome on both', () => {
    for (const [from, to] of cases) {
      expect(observed.get(`paddock ${from}->${to}`)).toEqual(observed.get(`apache ${from}->${to}`));
    }
  });
});

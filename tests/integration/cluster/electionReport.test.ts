// Elections as Paddock members measure them: the local-cluster backend reads each member's admin `election` record
// and reports the newest completed one with cluster.election, so after the leader of a 3-member cluster is killed the
// event names the new leader as winner and carries how long the election took.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../../node-core/api/contract.js';
import { LocalClusterBackend } from '../../../node-core/api/localClusterBackend.js';
import { findPaddockScript } from '../../../node-core/cluster/index.js';

type ElectionEvent = ApiEvents['cluster.election'];

const ELECTION_TIMEOUT_MS = 30_000;

describe('local cluster backend, paddock engine: member-reported elections', () => {
  let baseDir: string;
  let backend: LocalClusterBackend;
  let clusterId: string;
  const events: ElectionEvent[] = [];

  /** The first election event from `from` on that satisfies check. */
  async function electionEvent(from: number, check: (event: ElectionEvent) => boolean, what: string): Promise<ElectionEvent> {
    const deadline = Date.now() + ELECTION_TIMEOUT_MS;
    for (;;) {
      const found = events.slice(from).find(check);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last event: ${JSON.stringify(events.at(-1))}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const settled = (event: ElectionEvent) =>
    event.leaderId !== undefined &&
    event.members.filter((m) => m.servingState === 'following').length === event.members.filter((m) => m.servingState !== 'unknown').length - 1 &&
    event.lastElection?.winner === event.leaderId;

  beforeAll(async () => {
    expect(findPaddockScript()).toBeDefined();
    baseDir = mkdtempSync(join(tmpdir(), 'paddock-election-report-'));
    backend = new LocalClusterBackend({ engine: 'paddock', baseDir, tickTime: 500, pollIntervalMs: 250 });
    backend.subscribe((event) => {
      if (event.event === 'cluster.election') events.push(event.data);
    });
    clusterId = (await backend.create({ nodes: 3 })).clusterId;
  });

  afterAll(async () => {
    await backend?.shutdown();
    if (baseDir !== undefined) rmSync(baseDir, { recursive: true, force: true });
  });

  it('reports the first election as the leader recorded it', async () => {
    const event = await electionEvent(0, (e) => e.clusterId === clusterId && settled(e), 'the first leader with its election record');
    const election = event.lastElection!;
    expect(election.reportedBy).toBe(event.leaderId);
    expect(election.durationMs).toBeGreaterThan(0);
    expect(Date.parse(election.serving!)).toBeGreaterThanOrEqual(Date.parse(election.started));
    expect(Number(election.epoch)).toBe(event.epoch);
  });

  it('after the leader is killed, reports the new leader as winner with the duration a live member measured', async () => {
    const before = events.filter((e) => e.clusterId === clusterId && settled(e)).at(-1)!;
    const oldLeader = before.leaderId!;
    const from = events.length;
    const killedAt = Date.now();
    await backend.memberAction(clusterId, oldLeader, 'kill');

    const event = await electionEvent(
      from,
      (e) => e.clusterId === clusterId && e.leaderId !== undefined && e.leaderId !== oldLeader && settled(e),
      'a new leader with its election record',
    );
    const election = event.lastElection!;
    expect(election.winner).toBe(event.leaderId);
    expect(election.durationMs).toBeGreaterThan(0);
    expect(election.durationMs).toBeLessThan(30_000);
    // the failover election, not a record left from the first one
    expect(Date.parse(election.started)).toBeGreaterThanOrEqual(killedAt);
    expect(Number(election.epoch)).toBeGreaterThan(before.epoch!);

    expect(election.reportedBy).not.toBe(oldLeader);
    const reporter = event.members.find((m) => m.memberId === election.reportedBy);
    expect(['leading', 'following']).toContain(reporter?.servingState);
    const [info] = await backend.list();
    expect(info!.members.find((m) => m.memberId === election.reportedBy)?.runState).toBe('running');
    expect(info!.members.find((m) => m.memberId === oldLeader)?.runState).toBe('crashed');
  });
});

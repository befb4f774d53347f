// Measures failover on an ensemble of each server: a writer keeps one setData in flight while the leader is
// kill -9'd; the figures are the time until a survivor serves as the new leader (polled with srvr), the election
// time the new leader itself reports, the longest gap between acknowledged writes, and how many acknowledged writes
// the members (the restarted one included) no longer reflect afterwards. Kills alternate between the two servers.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ZkClient } from '../../node-core/client/index.js';
import { createBenchServer, serverKinds, serverLabels, type BenchServer, type ServerKind } from './benchServer.js';
import { longestGap, lostWrites, type NodeReading } from './failoverCheck.js';
import { FailoverWriter } from './failoverWriter.js';
import { failoverFigures, type FigureStore } from './figures.js';
import type { BenchOptions } from './options.js';
import { ensureNode, openAdmin } from './treeSetup.js';
import { alternate, type Progress } from './workloadPhase.js';

const PARENT = '/failover';
const HOST = '127.0.0.1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface KillResult {
  killed: number;
  newLeader: number;
  newLeaderMs: number;
  electionMs: number | undefined;
  /** Paddock only: from the kill to looking, and from the decision to serving (its election history). */
  phases: string | undefined;
  gapMs: number;
  acks: number;
  failedWrites: number;
  lost: number;
  checkedOn: number[];
}

async function leaderOf(server: BenchServer, deadlineMs: number): Promise<number> {
  while (performance.now() < deadlineMs) {
    const modes = await server.modes();
    const leader = modes.indexOf('leader');
    if (leader >= 0 && modes.every((m) => m === 'leader' || m === 'follower')) return leader + 1;
    await sleep(50);
  }
  throw new Error('the ensemble did not settle with one leader and all followers serving');
}

/** Polls srvr on the survivors until one serves as leader; resolves with its id and the time it was seen. */
async function newLeaderAmong(server: BenchServer, survivors: number[], deadlineMs: number): Promise<{ id: number; seenAtMs: number }> {
  while (performance.now() < deadlineMs) {
    const modes = await Promise.all(survivors.map((id) => server.mode(id)));
    const seenAtMs = performance.now();
    const index = modes.indexOf('leader');
    if (index >= 0) return { id: survivors[index]!, seenAtMs };
    await sleep(10);
  }
  throw new Error(`no survivor (${survivors.join(', ')}) served as leader in time`);
}

/**
 * The election time as the new leader logs or publishes it: Paddock's /commands/election history (looking until
 * a leader was decided), Apache ZooKeeper's "LEADER ELECTION TOOK - n MS" log line. Undefined if not found.
 */
async function reportedElection(
  server: BenchServer,
  leader: number,
  killedAtEpochMs: number,
): Promise<{ electionMs: number | undefined; phases: string | undefined }> {
  if (server.kind === 'paddock') {
    try {
      const response = await fetch(`http://${HOST}:${server.adminPort(leader)}/commands/election`);
      const body = (await response.json()) as { elections?: Array<{ started?: string; decided?: string; serving?: string }> };
      const last = body.elections?.at(-1);
      if (last?.started === undefined || last.decided === undefined) return { electionMs: undefined, phases: undefined };
      const started = Date.parse(last.started);
      const decided = Date.parse(last.decided);
      const serving = last.serving === undefined ? undefined : Date.parse(last.serving);
      const phases =
        `kill to looking ${started - killedAtEpochMs} ms, looking to decided ${decided - started} ms` +
        (serving === undefined ? '' : `, decided to serving ${serving - decided} ms`);
      return { electionMs: decided - started, phases };
    } catch {
      return { electionMs: undefined, phases: undefined };
    }
  }
  const log = readFileSync(server.logPath(leader), 'utf8');
  const matches = [...log.matchAll(/LEADER ELECTION TOOK - (\d+) MS/gi)];
  const last = matches.at(-1)?.[1];
  return { electionMs: last === undefined ? undefined : Number(last), phases: undefined };
}

/** The node as one member serves it, after a sync so a member that just rejoined has caught up. */
async function readNode(server: BenchServer, member: number, path: string): Promise<NodeReading> {
  const target = server.targets[member - 1]!;
  let lastError: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    let client: ZkClient | undefined;
    try {
      client = await ZkClient.connect(`${target.host}:${target.port}`, { sessionTimeout: 10_000, connectTimeoutMs: 5_000 });
      await client.sync(path);
      const { data, stat } = await client.getData(path);
      return { member, seq: Number(data?.toString('utf8') ?? '0'), version: stat.version };
    } catch (error) {
      lastError = error;
      await sleep(100);
    } finally {
      await client?.close();
    }
  }
  throw new Error(`cannot read ${path} from member ${member}: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

async function killLeaderOnce(server: BenchServer, round: number, options: BenchOptions): Promise<KillResult> {
  const path = `${PARENT}/round-${round}`;
  const leader = await leaderOf(server, performance.now() + 60_000);
  const admin = await openAdmin(server.targets[leader === 1 ? 1 : 0]!);
  try {
    await ensureNode(admin, PARENT);
    await ensureNode(admin, path, Buffer.from('0'));
  } finally {
    await admin.close();
  }

  // Short back-offs so the figure shows the servers' failover rather than the client's retry schedule.
  const client = await ZkClient.connect(server.connectString, {
    sessionTimeout: 30_000,
    connectTimeoutMs: 2_000,
    retryDelayMs: 10,
    maxRetryDelayMs: 200,
  });
  const writer = new FailoverWriter(client, path);
  let newLeader: { id: number; seenAtMs: number };
  let killedAtMs: number;
  let killedAtEpochMs: number;
  try {
    await sleep(options.quick ? 600 : 2_000);
    if (writer.acks.length === 0) throw new Error(`the writer got no acknowledgement before the kill (${writer.lastFailure ?? 'no error'})`);
    killedAtMs = performance.now();
    killedAtEpochMs = Date.now();
    await server.kill(leader);
    const survivors = server.memberIds.filter((id) => id !== leader);
    newLeader = await newLeaderAmong(server, survivors, killedAtMs + 120_000);
    if (!(await writer.waitForAcksSince(killedAtMs, 1, 120_000))) {
      throw new Error(`writes did not resume within 120 s of the kill (${writer.lastFailure ?? 'no error'})`);
    }
    // a little steady writing after the resumption, so a second stall would show too
    await sleep(options.quick ? 300 : 1_000);
  } finally {
    await writer.stop();
  }

  const { electionMs, phases } = await reportedElection(server, newLeader.id, killedAtEpochMs);
  const readings: NodeReading[] = [];
  for (const id of server.memberIds.filter((m) => m !== leader)) readings.push(await readNode(server, id, path));
  await server.startMember(leader, path);
  readings.push(await readNode(server, leader, path));
  return {
    killed: leader,
    newLeader: newLeader.id,
    newLeaderMs: newLeader.seenAtMs - killedAtMs,
    electionMs,
    phases,
    gapMs: longestGap(writer.acks).ms,
    acks: writer.acks.length,
    failedWrites: writer.failures,
    lost: Math.max(...readings.map((r) => lostWrites(writer.acks, r))),
    checkedOn: readings.map((r) => r.member),
  };
}

function describe(r: KillResult): string {
  const reported =
    r.electionMs === undefined ? 'election time not reported' : `reports ${r.electionMs} ms election${r.phases ? `: ${r.phases}` : ''}`;
  return (
    `killed leader ${r.killed}, member ${r.newLeader} served as leader after ${r.newLeaderMs.toFixed(0)} ms (${reported}); ` +
    `longest write gap ${r.gapMs.toFixed(0)} ms; ${r.acks} acked, ${r.failedWrites} failed, ${r.lost} acked writes lost ` +
    `(checked on ${r.checkedOn.join(', ')})`
  );
}

export async function measureFailover(size: number, options: BenchOptions, store: FigureStore, progress: Progress): Promise<void> {
  store.define(failoverFigures(size));
  const servers = new Map<ServerKind, BenchServer>();
  try {
    for (const kind of serverKinds) {
      const server = await createBenchServer({ kind, size });
      try {
        await server.start();
        servers.set(kind, server);
        progress(`failover: ${serverLabels[kind]} ${size}-node ensemble is up`);
      } catch (error) {
        await server.destroy();
        const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        store.markUnavailable(size, kind, `failover: ${reason}`);
        progress(`failover: ${serverLabels[kind]} ensemble unavailable: ${reason}`);
      }
    }
    const failed = new Set<ServerKind>();
    for (let round = 0; round < options.failoverKills; round++) {
      for (const kind of alternate(serverKinds, round)) {
        const server = servers.get(kind);
        if (server === undefined || failed.has(kind)) continue;
        try {
          const r = await killLeaderOnce(server, round + 1, options);
          store.add(size, 'failover.newLeader', kind, r.newLeaderMs);
          if (r.electionMs !== undefined) store.add(size, 'failover.election', kind, r.electionMs);
          store.add(size, 'failover.writeGap', kind, r.gapMs);
          store.add(size, 'failover.lostWrites', kind, r.lost, r.lost);
          progress(`failover ${serverLabels[kind]} kill ${round + 1}/${options.failoverKills}: ${describe(r)}`);
        } catch (error) {
          failed.add(kind);
          const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
          store.markUnavailable(size, kind, `failover kill ${round + 1}: ${reason}`);
          progress(`failover ${serverLabels[kind]} kill ${round + 1} failed: ${reason}`);
        }
      }
    }
  } finally {
    for (const server of servers.values()) await server.destroy();
  }
}

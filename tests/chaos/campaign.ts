// One chaos campaign: a real-process local Paddock cluster under concurrent writers and readers while the fault
// injector kills, pauses, isolates and wipes members; then every fault is undone, the final state read, and the
// client history checked: registers for linearizability (a lost write or a stale read breaks it), appends for
// loss and duplication.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalCluster } from '../../node-core/cluster/index.js';
import { ZkClient } from '../../node-core/client/index.js';
import { ErrorCode } from '../../node-core/protocol/index.js';
import { checkLinearizability, znodeRegisterModel } from '../sim/linearizability.js';
import { Prng } from '../sim/prng.js';
import { FaultInjector, type FaultKind } from './faults.js';
import { LOG_PARENT, ROOT, Workload, registerPath, type AppendRecord } from './workload.js';

export interface CampaignOptions {
  seed: number;
  nodes: number;
  durationMs: number;
  writers: number;
  readers: number;
  registers: number;
  meanFaultIntervalMs: number;
  maxFaultMs: number;
  log: (line: string) => void;
}

export interface AppendVerdict {
  acknowledged: number;
  unknown: number;
  /** Acknowledged, but absent at the end (or under another name). */
  lost: string[];
  /** Present more than once. */
  duplicated: string[];
  /** Present, but never sent by any client. */
  invented: string[];
}

export interface CampaignReport {
  seed: number;
  nodes: number;
  durationMs: number;
  faults: Record<FaultKind, number>;
  operations: number;
  acknowledged: number;
  unknownOutcomes: Record<string, number>;
  linearizability: { verdict: string; explanation?: string; partitions?: number };
  appends: AppendVerdict;
  ok: boolean;
}

export function checkAppends(appends: readonly AppendRecord[], present: ReadonlyMap<string, string>): AppendVerdict {
  const namesByValue = new Map<string, string[]>();
  for (const [name, value] of present) namesByValue.set(value, [...(namesByValue.get(value) ?? []), name]);
  const sent = new Set(appends.map((a) => a.value));
  const verdict: AppendVerdict = { acknowledged: 0, unknown: 0, lost: [], duplicated: [], invented: [] };
  for (const append of appends) {
    const names = namesByValue.get(append.value) ?? [];
    if (names.length > 1) verdict.duplicated.push(`${append.value} as ${names.join(', ')}`);
    if (append.acknowledgedAs === undefined) {
      verdict.unknown++;
      continue;
    }
    verdict.acknowledged++;
    if (!names.some((name) => append.acknowledgedAs!.endsWith(`/${name}`))) verdict.lost.push(`${append.value} (acknowledged as ${append.acknowledgedAs})`);
  }
  for (const value of namesByValue.keys()) if (!sent.has(value)) verdict.invented.push(value);
  return verdict;
}

async function readLog(client: ZkClient): Promise<Map<string, string>> {
  const present = new Map<string, string>();
  for (const name of await client.getChildren(LOG_PARENT)) {
    const { data } = await client.getData(`${LOG_PARENT}/${name}`);
    present.set(name, data?.toString('utf8') ?? '');
  }
  return present;
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const random = new Prng(options.seed);
  const dir = mkdtempSync(join(tmpdir(), `paddock-chaos-${options.nodes}-`));
  const cluster = await LocalCluster.create({ nodes: options.nodes, dir, engine: 'paddock', fresh: true });
  const sessionTimeoutMs = 10_000;
  try {
    await cluster.start();
    await cluster.waitFor((ms) => ms.filter((m) => m.mode === 'leader').length === 1 && ms.every((m) => m.mode !== 'not serving'), 120_000, 'a serving ensemble');
    const connectString = cluster.snapshot().connectString;
    const workload = new Workload({ connectString, writers: options.writers, readers: options.readers, registers: options.registers, sessionTimeoutMs, random });

    const setup = await ZkClient.connect(connectString, { sessionTimeout: sessionTimeoutMs });
    await setup.create(ROOT);
    await setup.create(LOG_PARENT);
    for (let key = 0; key < options.registers; key++) {
      const call = performance.now();
      await setup.create(registerPath(key), 'init');
      workload.history.push({ clientId: 'setup', call, ret: performance.now(), input: { kind: 'create', path: registerPath(key), data: 'init' }, output: { err: ErrorCode.ok } });
    }
    await setup.close();

    const faults = new FaultInjector(cluster, random, {
      meanIntervalMs: options.meanFaultIntervalMs,
      maxDurationMs: options.maxFaultMs,
      maxConcurrent: Math.floor(options.nodes / 2) + 1,
      log: options.log,
    });
    workload.start();
    faults.start();
    await new Promise((resolve) => setTimeout(resolve, options.durationMs));
    options.log('stopping faults; healing the cluster');
    await faults.stop();
    cluster.healAll();
    for (const member of cluster.snapshot().members) {
      if (member.process === 'paused') cluster.resumeMember(member.id);
      if (member.process !== 'running' && member.process !== 'paused') await cluster.startMember(member.id);
    }
    await cluster.waitFor((ms) => ms.filter((m) => m.mode === 'leader').length === 1 && ms.every((m) => m.mode !== 'not serving'), 180_000, 'every member serving again');
    await workload.stop();
    await workload.finalReads(30_000);

    const reader = await ZkClient.connect(connectString, { sessionTimeout: sessionTimeoutMs });
    await reader.sync(LOG_PARENT);
    const appends = checkAppends(workload.appends, await readLog(reader));
    await reader.close();

    options.log(`checking ${workload.history.length} operations for linearizability`);
    const result = checkLinearizability(workload.history, znodeRegisterModel, { boundReplyLessByNextReply: true, timeoutMs: 120_000 });
    const linearizability =
      result.verdict === 'linearizable'
        ? { verdict: result.verdict, partitions: result.partitions }
        : { verdict: result.verdict, explanation: result.explanation };
    return {
      seed: options.seed,
      nodes: options.nodes,
      durationMs: options.durationMs,
      faults: faults.counts,
      operations: workload.history.length + workload.appends.length,
      acknowledged: workload.acknowledged,
      unknownOutcomes: Object.fromEntries(workload.unknownOutcomes),
      linearizability,
      appends,
      ok: result.ok && appends.lost.length === 0 && appends.duplicated.length === 0 && appends.invented.length === 0,
    };
  } finally {
    await cluster.stop({ timeoutMs: 5_000 }).catch(() => cluster.killAllNow());
    if (process.env.PADDOCK_KEEP_TMP === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

export function formatReport(report: CampaignReport): string {
  const faults = Object.entries(report.faults).map(([kind, n]) => `${kind} ${n}`).join(', ');
  const unknown = Object.entries(report.unknownOutcomes).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
  const a = report.appends;
  return [
    `seed ${report.seed}, ${report.nodes} members, ${Math.round(report.durationMs / 1000)} s of faults`,
    `faults: ${faults}`,
    `operations: ${report.operations}, acknowledged ${report.acknowledged}; without a definite reply: ${unknown}`,
    `registers: ${report.linearizability.verdict}${report.linearizability.explanation ? `\n${report.linearizability.explanation}` : ''}`,
    `appends: ${a.acknowledged} acknowledged, ${a.unknown} unknown; lost ${a.lost.length}, duplicated ${a.duplicated.length}, invented ${a.invented.length}`,
    ...a.lost.slice(0, 10).map((x) => `  lost ${x}`),
    ...a.duplicated.slice(0, 10).map((x) => `  duplicated ${x}`),
    ...a.invented.slice(0, 10).map((x) => `  invented ${x}`),
    `verdict: ${report.ok ? 'ok' : 'FAILED'}`,
  ].join('\n');
}

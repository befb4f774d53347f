// A simulation campaign: many seeds over worker processes (one per job), each seed checked as CI checks it. Prints
// progress and the seeds/s as it goes, then what the seeds exercised, the CPU time per seed (the figure that holds on
// a shared machine, where wall time depends on the neighbours), and every failing seed with its fault regime and the
// command that replays it.
import { fork, type ChildProcess } from 'node:child_process';
import { describeFaultOptions, drawFaultOptions, type FaultOptions } from './faultOptions.js';
import { Prng } from './prng.js';
import { checkSeed, type SeedVerdict } from './simCheck.js';
import { replayCommand } from './simulator.js';

interface Batch {
  from: number;
  to: number;
}

interface Failure {
  seed: number;
  problems: string[];
  faults: FaultOptions;
}

/** Sums over the seeds of a batch: what they exercised. */
interface Coverage {
  events: number;
  committed: number;
  acked: number;
  checkedOps: number;
  elections: number;
  crashes: number;
  diff: number;
  trunc: number;
  snap: number;
}

type WorkerMessage = {
  kind: 'done';
  batch: Batch;
  failures: Failure[];
  coverage: Coverage;
  convergedAfterMs: number[];
  /** The worker's CPU time since it started. */
  cpuMs: number;
};

function emptyCoverage(): Coverage {
  return { events: 0, committed: 0, acked: 0, checkedOps: 0, elections: 0, crashes: 0, diff: 0, trunc: 0, snap: 0 };
}

// Small batches keep both workers busy to the end and the progress line current.
const batchSize = 10;

/** Runs in a worker process: checks each batch the parent sends and reports its failures. */
export function serveCampaignWorker(): void {
  process.on('message', (batch: Batch) => {
    const failures: Failure[] = [];
    const coverage = emptyCoverage();
    const convergedAfterMs: number[] = [];
    for (let seed = batch.from; seed < batch.to; seed++) {
      let verdict: SeedVerdict;
      try {
        verdict = checkSeed({ seed });
      } catch (error) {
        // A seed that throws is a failing seed like any other, not the end of the campaign.
        const faults = drawFaultOptions(new Prng(seed));
        failures.push({ seed, problems: [`threw ${(error as Error).stack ?? String(error)}`], faults });
        continue;
      }
      const { result, problems } = verdict;
      if (problems.length > 0) failures.push({ seed, problems, faults: result.faults });
      coverage.events += result.events;
      coverage.committed += result.committed;
      coverage.acked += result.acked;
      coverage.checkedOps += result.history.length;
      coverage.elections += result.elections;
      coverage.crashes += result.crashes;
      coverage.diff += result.syncs.diff;
      coverage.trunc += result.syncs.trunc;
      coverage.snap += result.syncs.snap;
      convergedAfterMs.push(result.convergedAfterMs);
    }
    // All the CPU this worker has used, its start-up (module loading, transpiling) included.
    const cpu = process.cpuUsage();
    const cpuMs = (cpu.user + cpu.system) / 1000;
    process.send!({ kind: 'done', batch, failures, coverage, convergedAfterMs, cpuMs } satisfies WorkerMessage);
  });
}

/** Checks seeds [first, first + count) with `jobs` worker processes; resolves to the number of failing seeds. */
export async function runCampaign(first: number, count: number, jobs: number, script: string, log: (line: string) => void = console.log): Promise<number> {
  const end = first + count;
  let next = first;
  let done = 0;
  const failures: Failure[] = [];
  const coverage = emptyCoverage();
  const convergedAfterMs: number[] = [];
  const workerCpuMs: number[] = [];
  const parentCpuBefore = process.cpuUsage();
  const started = performance.now();
  const rate = (): string => (done / Math.max(0.001, (performance.now() - started) / 1000)).toFixed(1);
  log(`campaign: seeds ${first}..${end - 1} on ${jobs} worker process(es)`);
  const progress = setInterval(() => {
    const perSecond = Number(rate());
    const eta = perSecond > 0 ? `about ${Math.round((count - done) / perSecond)} s to go` : 'first batches running';
    log(`  ${done}/${count} seeds, ${perSecond} seeds/s, ${failures.length} failing, ${eta}`);
  }, 10_000);
  const workers: ChildProcess[] = [];
  await new Promise<void>((resolve, reject) => {
    let running = 0;
    const feed = (worker: ChildProcess): void => {
      if (next >= end) {
        worker.disconnect();
        return;
      }
      const batch = { from: next, to: Math.min(end, next + batchSize) };
      next = batch.to;
      worker.send(batch);
    };
    for (let i = 0; i < jobs; i++) {
      const worker = fork(script, ['--campaign-worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      workers.push(worker);
      running++;
      worker.on('message', (message: WorkerMessage) => {
        done += message.batch.to - message.batch.from;
        workerCpuMs[i] = message.cpuMs;
        for (const key of Object.keys(coverage) as (keyof Coverage)[]) coverage[key] += message.coverage[key];
        convergedAfterMs.push(...message.convergedAfterMs);
        for (const failure of message.failures) {
          failures.push(failure);
          log(`  seed ${failure.seed} FAILED: ${failure.problems[0]!.slice(0, 300)}`);
        }
        feed(worker);
      });
      worker.on('exit', (code) => {
        running--;
        if (code !== 0 && next < end) reject(new Error(`campaign worker ${i + 1} exited with code ${code}`));
        else if (running === 0) resolve();
      });
      feed(worker);
    }
  }).finally(() => {
    clearInterval(progress);
    for (const worker of workers) if (worker.exitCode === null) worker.kill();
  });
  const seconds = (performance.now() - started) / 1000;
  log(`campaign: ${done} seeds in ${seconds.toFixed(1)} s (${rate()} seeds/s), ${failures.length} failing`);
  if (done > 0) {
    const parentCpu = process.cpuUsage(parentCpuBefore);
    const cpuMs = workerCpuMs.reduce((a, b) => a + b, 0) + (parentCpu.user + parentCpu.system) / 1000;
    const perSeed = cpuMs / done;
    log(`  cpu: ${perSeed.toFixed(1)} ms per seed, workers and this process together (${(cpuMs / 1000).toFixed(1)} s in all); 100,000 seeds need ${((perSeed * 100_000) / 60_000 / jobs).toFixed(1)} min of ${jobs} free core(s)`);
    const each = (value: number): string => (value / done).toFixed(1);
    log(
      `  per seed: ${each(coverage.events)} events, ${each(coverage.committed)} txns committed, ${each(coverage.acked)} writes acknowledged, ` +
        `${each(coverage.checkedOps)} ops checked for linearizability, ${each(coverage.elections)} elections, ${each(coverage.crashes)} crashes, ` +
        `syncs DIFF ${each(coverage.diff)} / TRUNC ${each(coverage.trunc)} / SNAP ${each(coverage.snap)}`,
    );
    convergedAfterMs.sort((a, b) => a - b);
    const at = (q: number): number => convergedAfterMs[Math.min(convergedAfterMs.length - 1, Math.floor(q * convergedAfterMs.length))]!;
    log(`  converged after the heal in ${at(0.5)} ms (median), ${at(0.99)} ms (99th percentile), ${at(1)} ms (slowest)`);
  }
  failures.sort((a, b) => a.seed - b.seed);
  for (const failure of failures) {
    log(`seed ${failure.seed}: ${failure.problems.join('; ')}`);
    log(`  regime: ${describeFaultOptions(failure.faults)}`);
    log(`  replay: ${replayCommand(failure.seed)} --verbose`);
  }
  return failures.length;
}

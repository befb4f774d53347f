// A simulation campaign: many seeds over worker processes (one per job), each seed checked as CI checks it. Prints
// progress and the seeds/s as it goes, then every failing seed with its fault regime and the command that replays it.
import { fork, type ChildProcess } from 'node:child_process';
import { describeFaultOptions, type FaultOptions } from './faultOptions.js';
import { checkSeed } from './simCheck.js';
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

type WorkerMessage = { kind: 'done'; batch: Batch; failures: Failure[] };

// Small batches keep both workers busy to the end and the progress line current.
const batchSize = 10;

/** Runs in a worker process: checks each batch the parent sends and reports its failures. */
export function serveCampaignWorker(): void {
  process.on('message', (batch: Batch) => {
    const failures: Failure[] = [];
    for (let seed = batch.from; seed < batch.to; seed++) {
      const { result, problems } = checkSeed({ seed });
      if (problems.length > 0) failures.push({ seed, problems, faults: result.faults });
    }
    process.send!({ kind: 'done', batch, failures } satisfies WorkerMessage);
  });
}

/** Checks seeds [first, first + count) with `jobs` worker processes; resolves to the number of failing seeds. */
export async function runCampaign(first: number, count: number, jobs: number, script: string, log: (line: string) => void = console.log): Promise<number> {
  const end = first + count;
  let next = first;
  let done = 0;
  const failures: Failure[] = [];
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
  failures.sort((a, b) => a.seed - b.seed);
  for (const failure of failures) {
    log(`seed ${failure.seed}: ${failure.problems.join('; ')}`);
    log(`  regime: ${describeFaultOptions(failure.faults)}`);
    log(`  replay: ${replayCommand(failure.seed)} --verbose`);
  }
  return failures.length;
}

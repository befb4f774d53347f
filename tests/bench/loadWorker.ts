// A load-generator process (forked by loadRun.ts): opens its share of the clients, keeps `inFlight` requests
// pipelined on each, and reports the ops, latencies and its own CPU over the measured window. Several of these run
// side by side so that the generator, not the server, is never the hidden bottleneck.
import { performance } from 'node:perf_hooks';
import { ZkConnection } from '../../node-core/client/zkConnection.js';
import { downsample } from './stats.js';
import type { FromWorker, ToWorker, WorkerJob, WorkerResult } from './loadMessages.js';
import { opSource } from './workloads.js';

type Phase = 'idle' | 'warmup' | 'measure' | 'done';

function send(message: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) throw new Error('loadWorker must be started with an IPC channel (fork)');
    process.send(message, undefined, {}, () => resolve());
  });
}

async function connectAll(job: WorkerJob): Promise<ZkConnection[]> {
  return Promise.all(
    job.clientIndexes.map((index) => {
      const target = job.targets[index % job.targets.length]!;
      return ZkConnection.connect({ ...target, sessionTimeout: 30_000, connectTimeoutMs: 15_000 });
    }),
  );
}

function runJob(job: WorkerJob, connections: ZkConnection[]): Promise<WorkerResult> {
  return new Promise<WorkerResult>((resolve, reject) => {
    const countMode = job.totalOps !== undefined;
    let phase: Phase = countMode ? 'measure' : 'warmup';
    let remaining = job.totalOps ?? Infinity;
    let ops = 0;
    let errors = 0;
    let firstError: string | undefined;
    let outstanding = 0;
    const latencies: number[] = [];
    let windowStart = performance.now();
    let cpuAtStart = process.cpuUsage();
    let windowMs = 0;
    let cpuInWindow: NodeJS.CpuUsage = { user: 0, system: 0 };
    let failed = false;

    const finishWindow = () => {
      if (phase === 'done') return;
      phase = 'done';
      windowMs = performance.now() - windowStart;
      cpuInWindow = process.cpuUsage(cpuAtStart);
      maybeSettle();
    };
    const maybeSettle = () => {
      if (phase !== 'done' || outstanding > 0 || failed) return;
      resolve({
        ops,
        errors,
        firstError,
        windowMs,
        latenciesUs: downsample(latencies, job.maxSamples),
        cpuUserUs: cpuInWindow.user,
        cpuSystemUs: cpuInWindow.system,
      });
    };
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      reject(error instanceof Error ? error : new Error(String(error)));
    };

    connections.forEach((connection, i) => {
      const next = opSource(job.workload, {
        createParent: job.createParent,
        keysParent: job.keysParent,
        keyCount: job.keyCount,
        clientIndex: job.clientIndexes[i]!,
      });
      let seq = 0;
      const issue = (): void => {
        if (phase === 'done' || failed || remaining <= 0) return;
        remaining--;
        const op = next(seq++);
        const sentInWindow = phase === 'measure';
        const sentAt = performance.now();
        outstanding++;
        connection.request(op.type, op.write).then((reply) => {
          outstanding--;
          if (phase === 'measure' && sentInWindow) {
            if (reply.header.err === 0) {
              ops++;
              latencies.push((performance.now() - sentAt) * 1000);
            } else {
              errors++;
              firstError ??= `err ${reply.header.err} on opcode ${op.type}`;
            }
          }
          if (countMode && remaining <= 0 && outstanding === 0) finishWindow();
          if (phase === 'done') maybeSettle();
          else issue();
        }, fail);
      };
      for (let k = 0; k < job.inFlight; k++) issue();
    });

    if (!countMode) {
      setTimeout(() => {
        phase = 'measure';
        windowStart = performance.now();
        cpuAtStart = process.cpuUsage();
        setTimeout(finishWindow, job.durationMs);
      }, job.warmupMs);
    }
  });
}

let job: WorkerJob | undefined;
let connections: ZkConnection[] = [];

process.on('message', (message: ToWorker) => {
  void (async () => {
    try {
      if (message.type === 'job') {
        job = message.job;
        connections = await connectAll(job);
        await send({ type: 'ready' });
      } else if (message.type === 'go') {
        if (job === undefined) throw new Error('go before job');
        const result = await runJob(job, connections);
        await Promise.all(connections.map((c) => c.close()));
        await send({ type: 'result', result });
        process.exit(0);
      }
    } catch (error) {
      for (const c of connections) c.destroy();
      await send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    }
  })();
});

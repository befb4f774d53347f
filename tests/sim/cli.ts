// Replays simulation seeds from the command line: `npm run sim -- --seed N [--verbose]`, `--seeds A..B`, or a
// campaign over many seeds in worker processes: `npm run sim -- --seeds 100000 --jobs 2 [--first F]`.
import { fileURLToPath } from 'node:url';
import { runCampaign, serveCampaignWorker } from './campaign.js';
import { describeFaultOptions } from './faultOptions.js';
import { checkSeed } from './simCheck.js';
import { replayCommand } from './simulator.js';

interface Args {
  seeds: number[] | { first: number; count: number };
  verbose: boolean;
  jobs: number;
}

function parseArgs(argv: string[]): Args {
  let seeds: Args['seeds'] = [1];
  let verbose = false;
  let jobs = 1;
  let first = 1;
  let count: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): number => {
      const text = argv[++i];
      const number = Number(text);
      if (text === undefined || !Number.isSafeInteger(number)) throw new Error(`${arg} needs an integer, got ${text ?? 'nothing'}`);
      return number;
    };
    if (arg === '--seed') seeds = [value()];
    else if (arg === '--seeds' && argv[i + 1]?.includes('..')) {
      const [from, to] = argv[++i]!.split('..').map(Number);
      if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to! < from!) throw new Error(`--seeds A..B needs A <= B, got ${argv[i]}`);
      seeds = Array.from({ length: to! - from! + 1 }, (_, k) => from! + k);
    } else if (arg === '--seeds') count = value();
    else if (arg === '--first') first = value();
    else if (arg === '--jobs') jobs = Math.max(1, value());
    else if (arg === '--verbose' || arg === '-v') verbose = true;
    else throw new Error(`unknown argument ${arg} (use --seed N, --seeds A..B, --seeds COUNT [--first F] [--jobs J], --verbose)`);
  }
  if (count !== null) seeds = { first, count };
  return { seeds, verbose, jobs };
}

function replay(seeds: number[], verbose: boolean): number {
  let failed = 0;
  for (const seed of seeds) {
    const started = performance.now();
    const { result, problems } = checkSeed({ seed, verbose });
    const ms = Math.round(performance.now() - started);
    console.log(`seed ${seed}: regime ${describeFaultOptions(result.faults)}`);
    const summary = `seed ${seed}: ${problems.length === 0 ? 'ok' : 'FAILED'} events=${result.events} committed=${result.committed} acked=${result.acked} checked ops=${result.history.length} elections=${result.elections} crashes=${result.crashes} (${ms} ms)`;
    console.log(summary);
    if (problems.length > 0) {
      failed++;
      if (!verbose) for (const line of result.trace.slice(-60)) console.log(`  | ${line}`);
      for (const problem of problems) console.log(`  violation: ${problem}`);
      console.log(`  replay: ${replayCommand(seed)} --verbose`);
    }
  }
  return failed;
}

async function main(): Promise<void> {
  if (process.argv.includes('--campaign-worker')) {
    serveCampaignWorker();
    return;
  }
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`sim: ${(error as Error).message}`);
    process.exitCode = 2;
    return;
  }
  const { seeds, verbose, jobs } = args;
  if (Array.isArray(seeds) && jobs === 1) {
    process.exitCode = replay(seeds, verbose) > 0 ? 1 : 0;
    return;
  }
  const range = Array.isArray(seeds) ? { first: seeds[0]!, count: seeds.length } : seeds;
  const failed = await runCampaign(range.first, range.count, jobs, fileURLToPath(import.meta.url));
  process.exitCode = failed > 0 ? 1 : 0;
}

void main();

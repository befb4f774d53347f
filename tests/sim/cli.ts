// Replays simulation seeds from the command line: `npm run sim -- --seed N [--verbose]` or `--seeds A..B`.
import { replayCommand, runSimulation } from './simulator.js';

function parseArgs(argv: string[]): { seeds: number[]; verbose: boolean } {
  let seeds: number[] = [1];
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--seed') seeds = [Number(argv[++i])];
    else if (arg === '--seeds') {
      const [from, to] = argv[++i]!.split('..').map(Number);
      seeds = Array.from({ length: to! - from! + 1 }, (_, k) => from! + k);
    } else if (arg === '--verbose' || arg === '-v') verbose = true;
  }
  return { seeds, verbose };
}

const { seeds, verbose } = parseArgs(process.argv.slice(2));
let failed = 0;
for (const seed of seeds) {
  const started = performance.now();
  const result = runSimulation({ seed, verbose });
  const ms = Math.round(performance.now() - started);
  const summary = `seed ${seed}: ${result.ok ? 'ok' : 'FAILED'} events=${result.events} committed=${result.committed} acked=${result.acked} elections=${result.elections} crashes=${result.crashes} (${ms} ms)`;
  console.log(summary);
  if (!result.ok) {
    failed++;
    if (!verbose) for (const line of result.trace.slice(-60)) console.log(`  | ${line}`);
    for (const violation of result.violations) console.log(`  violation: ${violation}`);
    console.log(`  replay: ${replayCommand(seed)} --verbose`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;

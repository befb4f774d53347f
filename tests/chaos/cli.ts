// `npm run chaos -- --minutes 30 [--seed N] [--nodes 3,5] [--writers 4] [--readers 2]`: fault campaigns against
// real-process local Paddock clusters (see campaign.ts). The minutes are shared between the member counts given.
// Prints each fault as it happens and a report per campaign; exits 1 if any campaign lost, duplicated or
// invented a write, or read stale data. A failing seed can be run again with --seed (the faults' order and kinds
// repeat; their timing against the load does not, since real processes are involved).
import { parseArgs } from 'node:util';
import { formatReport, runCampaign } from './campaign.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '2' },
    seed: { type: 'string' },
    nodes: { type: 'string', default: '3,5' },
    writers: { type: 'string', default: '4' },
    readers: { type: 'string', default: '2' },
    registers: { type: 'string', default: '8' },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const sizes = values.nodes!.split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 3)) throw new Error(`--nodes takes member counts of 3 or more, got ${values.nodes}`);
const totalMs = Number(values.minutes) * 60_000;
const started = Date.now();
process.stdout.write(`chaos: seed ${seed}, ${values.minutes} min over ${sizes.join(' and ')} members\n`);

let failed = false;
for (const [i, nodes] of sizes.entries()) {
  const report = await runCampaign({
    seed: seed + i,
    nodes,
    durationMs: totalMs / sizes.length,
    writers: Number(values.writers),
    readers: Number(values.readers),
    registers: Number(values.registers),
    meanFaultIntervalMs: 4_000,
    maxFaultMs: 8_000,
    log: (line) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}\n`),
  });
  process.stdout.write(`\n${formatReport(report)}\n\n`);
  if (!report.ok) failed = true;
}
process.exit(failed ? 1 : 0);

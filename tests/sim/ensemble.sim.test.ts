// Runs the deterministic ensemble simulator over many seeds: safety invariants after every event, convergence
// after healing, equal tree digests per zxid, and the znode history checked against the register model. A failure
// names the seed to replay.
import { describe, expect, it } from 'vitest';
import { checkSeed } from './simCheck.js';
import { replayCommand, runSimulation } from './simulator.js';

// CI runs 1,000 seeds in chunks of 200 (each chunk its own test, so progress shows and a failure names its chunk).
const seedCount = Number(process.env.SIM_SEEDS ?? 1000);
const chunkSize = 200;
const firstSeed = Number(process.env.SIM_FIRST_SEED ?? 1);
const regressionSeeds = [
  { seed: 910, caught: 'a looking voter and an observing observer answered each other endlessly' },
];

describe('ensemble simulation', () => {
  const chunks: [number, number][] = [];
  for (let start = firstSeed; start < firstSeed + seedCount; start += chunkSize) {
    chunks.push([start, Math.min(start + chunkSize, firstSeed + seedCount)]);
  }
  it.each(chunks)('keeps every invariant for seeds %i to %i (exclusive)', (from, to) => {
    const failures: string[] = [];
    let events = 0;
    let committed = 0;
    for (let seed = from; seed < to; seed++) {
      const { result, problems } = checkSeed({ seed });
      events += result.events;
      committed += result.committed;
      if (problems.length > 0) {
        failures.push(`seed ${seed}: ${problems.join('; ')}\n  replay: ${replayCommand(seed)} --verbose`);
      }
    }
    if (failures.length > 0) console.error(failures.join('\n'));
    expect(failures).toEqual([]);
    expect(committed).toBeGreaterThan((to - from) * 100);
    expect(events).toBeGreaterThan(0);
  }, 300_000);

  // Seeds that once failed, beyond the range above, with what each caught: each must keep passing.
  it.each(regressionSeeds)('seed $seed still passes ($caught)', ({ seed }) => {
    const { problems } = checkSeed({ seed });
    expect(problems, `replay: ${replayCommand(seed)} --verbose`).toEqual([]);
  });

  it('replays a seed identically', () => {
    const a = runSimulation({ seed: 4242 });
    const b = runSimulation({ seed: 4242 });
    expect(b.events).toBe(a.events);
    expect(b.committed).toBe(a.committed);
    expect(b.trace).toEqual(a.trace);
  });
});

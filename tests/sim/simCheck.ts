// One seed, checked the way CI and the campaign check it: the simulator's own invariants, then the linearizability of
// the client history against the znode register model.
import { checkLinearizability } from './linearizability.js';
import { znodeRegisterModel } from './linearizabilityModels.js';
import { runSimulation, type SimOptions, type SimResult } from './simulator.js';

export interface SeedVerdict {
  result: SimResult;
  /** Empty when the seed passed. */
  problems: string[];
}

export function checkSeed(options: SimOptions): SeedVerdict {
  const result = runSimulation(options);
  const problems = [...result.violations];
  if (result.ok) {
    const verdict = checkLinearizability(result.history, znodeRegisterModel, { timeoutMs: 5000 });
    if (!verdict.ok) problems.push(`${verdict.verdict}: ${'explanation' in verdict ? String(verdict.explanation) : ''}`);
  }
  return { result, problems };
}

// A short chaos campaign on every CI run (the long ones are `npm run chaos -- --minutes 30`): a real 3-member
// Paddock cluster under writers and readers through kills, pauses, isolations and a data-dir wipe, then the history
// checked. The seed is printed, so a failure can be replayed with `npm run chaos -- --seed N --nodes 3`.
import { describe, expect, it } from 'vitest';
import { formatReport, runCampaign } from '../chaos/campaign.js';

describe('chaos campaign (short)', () => {
  it('loses, duplicates and invents nothing and reads nothing stale through 45 s of faults', async () => {
    const seed = Math.floor(Math.random() * 2 ** 31);
    const lines: string[] = [];
    const report = await runCampaign({
      seed,
      nodes: 3,
      durationMs: 45_000,
      writers: 3,
      readers: 2,
      registers: 6,
      meanFaultIntervalMs: 3_000,
      maxFaultMs: 6_000,
      log: (line) => lines.push(line),
    });
    const text = `${formatReport(report)}\n--- faults ---\n${lines.join('\n')}`;
    expect(report.ok, text).toBe(true);
    expect(report.linearizability.verdict, text).toBe('linearizable');
    expect(Object.values(report.faults).reduce((a, b) => a + b, 0), text).toBeGreaterThanOrEqual(5);
    expect(report.acknowledged, text).toBeGreaterThan(200);
    expect(report.appends.acknowledged, text).toBeGreaterThan(20);
  }, 400_000);
});

// How the GUI prints latencies: whole numbers as they are, fractions to one decimal, unknowns as "?".
import { describe, expect, it } from 'vitest';
import { formatLatency, formatMs } from '../../../renderer/src/data/numbers.js';

describe('formatMs / formatLatency', () => {
  it('rounds Paddock\'s unrounded averages to one decimal', () => {
    expect(formatMs(2.5714285714285716)).toBe('2.6');
    expect(formatMs(0.04)).toBe('0');
    expect(formatMs(3)).toBe('3');
    expect(formatMs(undefined)).toBe('?');
    expect(formatLatency({ latencyMin: 0, latencyAvg: 2.5714285714285716, latencyMax: 17 })).toBe('0/2.6/17');
    expect(formatLatency({})).toBe('?/?/?');
  });
});

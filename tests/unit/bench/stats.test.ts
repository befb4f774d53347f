// The benchmark's arithmetic: percentiles, medians and spreads, ratios, CPU shares, /proc parsing and formatting.
import { describe, expect, it } from 'vitest';
import {
  cpuPercent,
  downsample,
  median,
  percentile,
  percentileOfSorted,
  ratio,
  spread,
  summarizeLatencies,
} from '../../bench/stats.js';
import { parseMachineCpuTicks, parseProcStatCpuTicks, parseVmRssBytes } from '../../bench/procStats.js';
import { formatRatio, formatSpread, formatValue } from '../../bench/report.js';
import { parseBenchArgs, UsageError } from '../../bench/options.js';

describe('percentile (nearest rank)', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('names an observed value at each rank', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile(oneToHundred, 0)).toBe(1);
    expect(percentile(oneToHundred, 1)).toBe(1);
    expect(percentile(oneToHundred, 1.5)).toBe(2);
  });

  it('sorts numerically, not as strings', () => {
    expect(percentile([100, 9, 20, 3], 50)).toBe(9);
    expect(percentile([100, 9, 20, 3], 100)).toBe(100);
  });

  it('takes the smallest value covering p% for small sets', () => {
    expect(percentileOfSorted([10, 20, 30], 50)).toBe(20);
    expect(percentileOfSorted([10, 20, 30], 34)).toBe(20);
    expect(percentileOfSorted([10, 20, 30], 33)).toBe(10);
    expect(percentileOfSorted([10, 20, 30, 40], 99)).toBe(40);
    expect(percentileOfSorted([7], 99)).toBe(7);
  });

  it('rejects empty input and out-of-range p', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], NaN)).toThrow(RangeError);
  });
});

describe('median and spread', () => {
  it('takes the middle of an odd count and the mean of the two middles of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5])).toBe(5);
    expect(() => median([])).toThrow(RangeError);
  });

  it('reports min and max around the median and keeps the runs in order', () => {
    expect(spread([12, 10, 30])).toEqual({ median: 12, min: 10, max: 30, runs: [12, 10, 30] });
    expect(() => spread([])).toThrow(RangeError);
  });
});

describe('summarizeLatencies', () => {
  it('gives count, p50, p99, max and mean', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => 1000 - i); // 1..1000, unsorted
    expect(summarizeLatencies(samples)).toEqual({ count: 1000, p50: 500, p99: 990, max: 1000, mean: 500.5 });
  });

  it('gives NaN figures for no samples instead of throwing', () => {
    const s = summarizeLatencies([]);
    expect(s.count).toBe(0);
    expect(s.p50).toBeNaN();
    expect(s.max).toBeNaN();
  });

  it('accepts typed arrays', () => {
    expect(summarizeLatencies(Float64Array.from([2, 1, 3])).p50).toBe(2);
  });
});

describe('ratio', () => {
  it('divides Paddock by ZooKeeper', () => {
    expect(ratio(50, 200)).toBe(0.25);
    expect(ratio(300, 100)).toBe(3);
  });

  it('is undefined when a side is missing, not finite, or the denominator is zero', () => {
    expect(ratio(undefined, 1)).toBeUndefined();
    expect(ratio(1, undefined)).toBeUndefined();
    expect(ratio(1, 0)).toBeUndefined();
    expect(ratio(NaN, 1)).toBeUndefined();
    expect(ratio(0, 5)).toBe(0);
  });
});

describe('downsample', () => {
  it('keeps everything under the limit', () => {
    expect(downsample([1, 2, 3], 5)).toEqual([1, 2, 3]);
  });

  it('strides evenly to exactly the limit, keeping the distribution', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i);
    const kept = downsample(values, 100);
    expect(kept).toHaveLength(100);
    expect(kept[0]).toBe(0);
    expect(kept[99]).toBe(990);
    expect(percentile(kept, 50)).toBe(490);
    expect(downsample(values, 0)).toEqual([]);
  });
});

describe('cpuPercent', () => {
  it('expresses CPU seconds per wall second as % of one core', () => {
    expect(cpuPercent(1.5, 1)).toBe(150);
    expect(cpuPercent(0.25, 2)).toBe(12.5);
    expect(cpuPercent(1, 0)).toBeNaN();
  });
});

describe('/proc parsing', () => {
  it('reads utime + stime from /proc/<pid>/stat even when the command name has spaces and parentheses', () => {
    const rest = 'S 1 2 3 4 5 6 7 8 9 10 700 300 0 0 20 0 40';
    expect(parseProcStatCpuTicks(`1234 (java) ${rest}`)).toBe(1000);
    expect(parseProcStatCpuTicks(`1234 (we ird) (name)) ${rest}`)).toBe(1000);
    expect(parseProcStatCpuTicks('garbage')).toBeUndefined();
  });

  it('reads VmRSS in bytes', () => {
    expect(parseVmRssBytes('Name:\tnode\nVmRSS:\t  123456 kB\nVmSwap:\t0 kB\n')).toBe(123456 * 1024);
    expect(parseVmRssBytes('Name:\tzombie\n')).toBeUndefined();
  });

  it('reads busy and total jiffies from /proc/stat', () => {
    const stat = 'cpu  100 5 50 800 10 2 3 0 0 0\ncpu0 50 2 25 400 5 1 1 0 0 0\n';
    expect(parseMachineCpuTicks(stat)).toEqual({ busy: 160, total: 970 });
    expect(parseMachineCpuTicks('intr 1 2 3')).toBeUndefined();
  });
});

describe('formatting', () => {
  it('formats values by unit', () => {
    expect(formatValue('ops/s', 72679.4)).toBe('72,679');
    expect(formatValue('µs', 23.94)).toBe('23.9');
    expect(formatValue('µs', 2946.2)).toBe('2,946');
    expect(formatValue('MiB', 512.26)).toBe('512');
    expect(formatValue('%', 53.6)).toBe('54');
  });

  it('shows median with the min–max spread, and ratios with two decimals', () => {
    expect(formatSpread('ops/s', { median: 2000, min: 1500, max: 2500, runs: [1500, 2000, 2500] })).toBe(
      '2,000 (1,500–2,500)',
    );
    expect(formatSpread('ms', { median: 12.34, min: 12.34, max: 12.34, runs: [12.34] })).toBe('12.3');
    expect(formatRatio(0.2834)).toBe('0.28×');
    expect(formatRatio(undefined)).toBe('–');
  });
});

describe('parseBenchArgs', () => {
  it('gives quick mode short runs and the 100,000-znode recovery only', () => {
    const options = parseBenchArgs(['--quick']);
    if (options === 'help') throw new Error('unexpected help');
    expect(options.quick).toBe(true);
    expect(options.recoveryZnodes).toEqual([100_000]);
    expect(options.reps).toBeGreaterThanOrEqual(3);
    // Quick runs measure a 3-node ensemble too (getData, setData and create on it).
    expect(options.topologies).toEqual([1, 3]);
  });

  it('adds an ensemble topology and filters workloads', () => {
    const options = parseBenchArgs(['--ensemble', '3', '--only', 'exists,getData']);
    if (options === 'help') throw new Error('unexpected help');
    expect(options.topologies).toEqual([1, 3]);
    expect(options.workloads).toEqual(['getData', 'exists']);
    expect(options.recoveryZnodes).toEqual([100_000, 1_000_000]);
  });

  it('rejects bad options', () => {
    expect(() => parseBenchArgs(['--ensemble', '2'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--only', 'nope'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--reps', '0'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--frobnicate'])).toThrow(UsageError);
    expect(parseBenchArgs(['--help'])).toBe('help');
  });
});

// The statistics the benchmark reports: latency percentiles of one run, and the median with its min–max spread
// across repeated runs. Pure functions, so their arithmetic is unit tested.

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** A figure measured over several runs: the median is what the table shows, min and max show how noisy it was. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

function ascending(values: ArrayLike<number>): Float64Array {
  const sorted = Float64Array.from(values as ArrayLike<number>);
  sorted.sort();
  return sorted;
}

/**
 * Nearest-rank percentile of ascending values: the smallest value with at least p% of the values at or below it.
 * Chosen over interpolation because it always names a latency that was actually observed (p100 is the maximum).
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no values');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within [0, 100], got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function percentile(values: ArrayLike<number>, p: number): number {
  return percentileOfSorted(ascending(values), p);
}

/** The middle value, or the mean of the two middle values when the count is even. */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = ascending(values);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function spread(runs: readonly number[]): Spread {
  if (runs.length === 0) throw new RangeError('spread of no runs');
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs: [...runs] };
}

export function summarizeLatencies(samples: ArrayLike<number>): LatencySummary {
  if (samples.length === 0) return { count: 0, p50: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = ascending(samples);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) total += sorted[i]!;
  return {
    count: sorted.length,
    p50: percentileOfSorted(sorted, 50),
    p99: percentileOfSorted(sorted, 99),
    max: sorted[sorted.length - 1]!,
    mean: total / sorted.length,
  };
}

/** Paddock/ZooKeeper; undefined when either side is missing or the denominator is zero. */
export function ratio(numerator: number | undefined, denominator: number | undefined): number | undefined {
  if (numerator === undefined || denominator === undefined) return undefined;
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator === 0) return undefined;
  return numerator / denominator;
}

/**
 * Keeps at most `limit` samples, evenly strided, so a long throughput run does not ship millions of latencies
 * between processes; percentiles of a uniform stride stay within noise of the full set.
 */
export function downsample(samples: ArrayLike<number>, limit: number): number[] {
  if (limit <= 0) return [];
  if (samples.length <= limit) return Array.from(samples);
  const out: number[] = [];
  const step = samples.length / limit;
  for (let i = 0; i < limit; i++) out.push(samples[Math.floor(i * step)]!);
  return out;
}

/** CPU use as a percentage of one core over a wall-clock window (200% = both cores of a 2-core machine). */
export function cpuPercent(cpuSeconds: number, wallSeconds: number): number {
  if (wallSeconds <= 0) return NaN;
  return (cpuSeconds / wallSeconds) * 100;
}

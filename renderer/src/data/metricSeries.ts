// mntr samples of one server kept over time for the monitoring charts: a bounded ring of numeric figures, and the
// points of one figure as a chart line. Pure: no Vue, so it is tested under Node.

/** The figures the monitoring view charts, by their mntr names (AdminServer monitor keys get the same "zk_"). */
export const keySeries = [
  'zk_avg_latency',
  'zk_outstanding_requests',
  'zk_num_alive_connections',
  'zk_znode_count',
  'zk_watch_count',
  'zk_packets_received',
] as const;
export type KeySeries = (typeof keySeries)[number];

export interface MetricSample {
  time: number;
  values: Record<string, number>;
}

/** Adds one sample (its numeric figures only), dropping the oldest beyond max. Returns a new array. */
export function appendSample(samples: readonly MetricSample[], time: number, figures: Record<string, string | number>, max: number): MetricSample[] {
  const values: Record<string, number> = {};
  for (const [key, value] of Object.entries(figures)) if (typeof value === 'number' && Number.isFinite(value)) values[key] = value;
  const next = [...samples, { time, values }];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** The points of one figure, skipping samples that lack it (a member that was briefly unreachable). */
export function seriesPoints(samples: readonly MetricSample[], key: string): { time: number; value: number }[] {
  return samples.flatMap((s) => (key in s.values ? [{ time: s.time, value: s.values[key]! }] : []));
}

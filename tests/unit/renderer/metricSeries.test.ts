// The monitoring charts' samples: only numbers are kept, the ring is bounded, and a missing figure leaves a gap.
import { describe, expect, it } from 'vitest';
import { appendSample, seriesPoints, type MetricSample } from '../../../renderer/src/data/metricSeries.js';

describe('metric series', () => {
  it('keeps numeric figures only and drops the oldest samples beyond the bound', () => {
    let samples = appendSample([], 1, { zk_znode_count: 5, zk_version: '3.8.0', zk_avg_latency: 0.5 }, 2);
    expect(samples).toEqual([{ time: 1, values: { zk_znode_count: 5, zk_avg_latency: 0.5 } }]);
    samples = appendSample(samples, 2, { zk_znode_count: 6 }, 2);
    samples = appendSample(samples, 3, { zk_znode_count: 7 }, 2);
    expect(samples.map((s) => s.time)).toEqual([2, 3]);
  });

  it('gives the points of one figure, skipping samples without it', () => {
    const samples: MetricSample[] = [
      { time: 1, values: { zk_znode_count: 5 } },
      { time: 2, values: {} },
      { time: 3, values: { zk_znode_count: 9 } },
    ];
    expect(seriesPoints(samples, 'zk_znode_count')).toEqual([
      { time: 1, value: 5 },
      { time: 3, value: 9 },
    ]);
    expect(seriesPoints(samples, 'zk_watch_count')).toEqual([]);
  });
});

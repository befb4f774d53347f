// Min/avg/max of request latencies since the last reset (ZooKeeper's AvgMinMaxCounter), kept server-wide for
// srvr/mntr and per connection for cons.
export class LatencyStats {
  private lowest = Number.MAX_SAFE_INTEGER;
  max = 0;
  total = 0;
  count = 0;

  record(ms: number): void {
    this.lowest = Math.min(this.lowest, ms);
    this.max = Math.max(this.max, ms);
    this.total += ms;
    this.count++;
  }

  /** 0 until a latency is recorded, as ZooKeeper reports it. */
  get min(): number {
    return this.count === 0 ? 0 : this.lowest;
  }

  get avg(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }

  reset(): void {
    this.lowest = Number.MAX_SAFE_INTEGER;
    this.max = 0;
    this.total = 0;
    this.count = 0;
  }
}

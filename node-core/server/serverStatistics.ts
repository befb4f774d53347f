// Server-wide counters that srvr, stat and mntr report (ZooKeeper's ServerStats): packets and request latency,
// reset by srst.
export class ServerStatistics {
  packetsReceived = 0;
  packetsSent = 0;
  authFailed = 0;
  minLatency = Number.MAX_SAFE_INTEGER;
  maxLatency = 0;
  totalLatency = 0;
  latencyCount = 0;

  packetReceived(): void {
    this.packetsReceived++;
  }

  packetSent(): void {
    this.packetsSent++;
  }

  recordLatency(ms: number): void {
    this.minLatency = Math.min(this.minLatency, ms);
    this.maxLatency = Math.max(this.maxLatency, ms);
    this.totalLatency += ms;
    this.latencyCount++;
  }

  get min(): number {
    return this.latencyCount === 0 ? 0 : this.minLatency;
  }

  get avg(): number {
    return this.latencyCount === 0 ? 0 : this.totalLatency / this.latencyCount;
  }

  reset(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.minLatency = Number.MAX_SAFE_INTEGER;
    this.maxLatency = 0;
    this.totalLatency = 0;
    this.latencyCount = 0;
  }
}

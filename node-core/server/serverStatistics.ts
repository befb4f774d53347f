// Server-wide counters that srvr, stat and mntr report (ZooKeeper's ServerStats): packets and request latency,
// reset by srst.
import { LatencyStats } from './latencyStats.js';

export class ServerStatistics {
  packetsReceived = 0;
  packetsSent = 0;
  authFailed = 0;
  readonly latency = new LatencyStats();

  packetReceived(): void {
    this.packetsReceived++;
  }

  packetSent(): void {
    this.packetsSent++;
  }

  recordLatency(ms: number): void {
    this.latency.record(ms);
  }

  reset(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.latency.reset();
  }
}

// The failover benchmark's writer: one session (ZkClient, failing over across the connect string) doing setData in
// a loop with one request in flight, recording every acknowledged write with its version and reply time.
import { performance } from 'node:perf_hooks';
import type { ZkClient } from '../../node-core/client/index.js';
import type { AckedWrite } from './failoverCheck.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FailoverWriter {
  readonly acks: AckedWrite[] = [];
  /** Writes that failed (connection loss while the ensemble elects, mostly); their outcome is unknown. */
  failures = 0;
  lastFailure: string | undefined;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly client: ZkClient,
    private readonly path: string,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    let seq = 0;
    while (this.running) {
      seq++;
      try {
        const stat = await this.client.setData(this.path, String(seq));
        this.acks.push({ seq, version: stat.version, ackedAtMs: performance.now() });
      } catch (error) {
        this.failures++;
        this.lastFailure = error instanceof Error ? error.message : String(error);
        // the client fails queued requests at once while no server takes the session; do not spin on that
        await sleep(2);
      }
    }
  }

  /** Acknowledged writes whose reply came after `sinceMs` (performance.now() ms). */
  acksSince(sinceMs: number): number {
    let n = 0;
    for (let i = this.acks.length - 1; i >= 0 && this.acks[i]!.ackedAtMs > sinceMs; i--) n++;
    return n;
  }

  /** Resolves once `count` writes were acknowledged after `sinceMs`, or false after `timeoutMs`. */
  async waitForAcksSince(sinceMs: number, count: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (this.acksSince(sinceMs) >= count) return true;
      await sleep(5);
    }
    return false;
  }

  /** Stops after the write in flight; a write stuck on a dead connection is abandoned by closing the client. */
  async stop(): Promise<void> {
    this.running = false;
    const finished = await Promise.race([this.loop.then(() => true), sleep(5_000).then(() => false)]);
    await this.client.close();
    if (!finished) await this.loop;
  }
}

// ZooKeeper's RateLogger: a message is logged the first time, then a repeat of it at most once per interval with
// how many times it came ("[N times] Message: ..."), so a client hammering a quota cannot flood the log.
import type { Logger } from '../log/logger.js';

export class RateLogger {
  private message: string | undefined;
  private count = 0;
  private since = 0;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 100,
    private readonly now: () => number = Date.now,
  ) {}

  log(message: string): void {
    const now = this.now();
    if (message === this.message) {
      this.count++;
      if (now - this.since >= this.intervalMs) {
        this.flush();
        this.message = message;
        this.since = now;
      }
      return;
    }
    this.flush();
    this.message = message;
    this.since = now;
    this.logger.warn(`Message:${message} Value:null`);
  }

  /** Logs the repeats counted since the last line. */
  flush(): void {
    if (this.message !== undefined && this.count > 0) {
      this.logger.warn(`${this.count > 1 ? `[${this.count} times] ` : ''}Message: ${this.message}`);
    }
    this.message = undefined;
    this.count = 0;
  }
}

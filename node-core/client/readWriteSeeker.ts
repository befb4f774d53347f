// While a session sits on a read-only server, asks the other servers `isro` as ZooKeeper's Java client does
// (ClientCnxn.pingRwServer): one server per probe in turn, the interval doubling from 100 ms up to 60 s, until one
// answers "rw". The session then drops its read-only connection and moves there.
import { fourLetterWord } from './fourLetterWord.js';
import type { HostPort } from './connectString.js';

const minIntervalMs = 100;
const maxIntervalMs = 60_000;

export type IsroProbe = (host: HostPort) => Promise<string>;

const probeWithIsro: IsroProbe = (host) => fourLetterWord(host.host, host.port, 'isro', { timeoutMs: 1_000 });

export class ReadWriteSeeker {
  private timer: NodeJS.Timeout | undefined;
  private next = 0;
  private running = false;

  constructor(
    private readonly hosts: readonly HostPort[],
    private readonly found: (host: HostPort) => void,
    private readonly probe: IsroProbe = probeWithIsro,
  ) {}

  /** Starts probing every server but `current` (which is read-only). */
  start(current: HostPort): void {
    this.stop();
    const others = this.hosts.filter((h) => h.host !== current.host || h.port !== current.port);
    if (others.length === 0) return;
    this.running = true;
    let interval = minIntervalMs;
    const tick = async () => {
      const host = others[this.next++ % others.length]!;
      const answer = await this.probe(host).catch(() => '');
      if (!this.running) return;
      if (answer.trim() === 'rw') {
        this.stop();
        this.found(host);
        return;
      }
      interval = Math.min(interval * 2, maxIntervalMs);
      this.timer = setTimeout(() => void tick(), interval);
      this.timer.unref();
    };
    this.timer = setTimeout(() => void tick(), interval);
    this.timer.unref();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

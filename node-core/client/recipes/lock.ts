// A distributed mutex (ZooKeeper's lock recipe): acquire waits for this client's turn among ephemeral sequential
// contenders; the lock is released by release() or, if the holder dies, by its session ending.
import type { ZkClient } from '../zkClient.js';
import { ContenderQueue } from './contenderQueue.js';

export class ZkLock {
  private readonly queue: ContenderQueue;
  private held = false;

  constructor(client: ZkClient, readonly path: string, private readonly identifier = '') {
    this.queue = new ContenderQueue(client, path, 'lock-');
  }

  get isHeld(): boolean {
    return this.held;
  }

  async acquire(timeoutMs = Infinity): Promise<void> {
    if (this.held) return;
    await this.queue.join(this.identifier);
    await this.queue.waitForTurn(timeoutMs);
    this.held = true;
  }

  async release(): Promise<void> {
    this.held = false;
    await this.queue.leave();
  }

  /** Runs `work` while holding the lock and always releases it. */
  async withLock<T>(work: () => Promise<T>, timeoutMs = Infinity): Promise<T> {
    await this.acquire(timeoutMs);
    try {
      return await work();
    } finally {
      await this.release();
    }
  }
}

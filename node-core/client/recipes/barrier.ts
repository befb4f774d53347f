// A barrier (ZooKeeper's recipe): while the barrier node exists, waiters block; removing it lets them all through.
import { ErrorCode, KeeperError } from '../../protocol/index.js';
import type { ZkClient } from '../zkClient.js';
import { ensurePath } from './paths.js';

export class ZkBarrier {
  constructor(
    private readonly client: ZkClient,
    readonly path: string,
  ) {}

  async set(): Promise<void> {
    await ensurePath(this.client, this.path);
  }

  async remove(): Promise<void> {
    try {
      await this.client.delete(this.path);
    } catch (error) {
      if (!(error instanceof KeeperError && error.code === ErrorCode.noNode)) throw error;
    }
  }

  /** Resolves when the barrier is (or becomes) removed; rejects with OperationTimeout after `timeoutMs`. */
  async wait(timeoutMs = Infinity): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let removed!: () => void;
      const changed = new Promise<void>((resolve) => (removed = resolve));
      if ((await this.client.exists(this.path, () => removed())) === null) return;
      const remaining = deadline - Date.now();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        changed.then(() => false),
        new Promise<boolean>((resolve) => {
          if (Number.isFinite(remaining)) timer = setTimeout(() => resolve(true), Math.max(0, remaining));
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) throw new KeeperError(ErrorCode.operationTimeout, this.path);
    }
  }
}

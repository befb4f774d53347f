// The core of ZooKeeper's lock and leader-election recipes: each contender owns an ephemeral sequential node, the
// lowest one wins, and every other contender watches only the one just ahead of it (no herd effect when it goes).
import { CreateMode, ErrorCode, KeeperError } from '../../protocol/index.js';
import type { ZkClient } from '../zkClient.js';
import { baseName, ensurePath, sortedContenders } from './paths.js';

export class ContenderQueue {
  private ownPath: string | undefined;

  constructor(
    private readonly client: ZkClient,
    private readonly root: string,
    private readonly prefix: string,
  ) {}

  get nodePath(): string | undefined {
    return this.ownPath;
  }

  /** Joins the queue (once); the node's data names the contender, for whoever inspects the queue. */
  async join(data: string | Buffer | null = null): Promise<string> {
    if (this.ownPath) return this.ownPath;
    await ensurePath(this.client, this.root);
    this.ownPath = await this.client.create(`${this.root}/${this.prefix}`, data, { mode: CreateMode.ephemeralSequential });
    return this.ownPath;
  }

  /**
   * Resolves once this contender is first in line. Rejects on timeout (and leaves the queue, so a late grant cannot
   * happen behind the caller's back) or when the node vanished (the session expired).
   */
  async waitForTurn(timeoutMs = Infinity): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const own = this.ownPath;
      if (own === undefined) throw new Error('join() first');
      const contenders = sortedContenders(await this.client.getChildren(this.root), this.prefix);
      const index = contenders.indexOf(baseName(own));
      if (index < 0) throw new KeeperError(ErrorCode.noNode, own);
      if (index === 0) return;
      const predecessor = `${this.root}/${contenders[index - 1]}`;
      const gone = new Promise<void>((resolve) => {
        // exists with a watcher: if the predecessor is already gone, look again at once.
        void this.client.exists(predecessor, () => resolve()).then((stat) => {
          if (stat === null) resolve();
        }, () => resolve());
      });
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        await this.leave();
        throw new KeeperError(ErrorCode.operationTimeout, this.root);
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        gone.then(() => false),
        new Promise<boolean>((resolve) => {
          if (Number.isFinite(remaining)) timer = setTimeout(() => resolve(true), remaining);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        await this.leave();
        throw new KeeperError(ErrorCode.operationTimeout, this.root);
      }
    }
  }

  async leave(): Promise<void> {
    const own = this.ownPath;
    this.ownPath = undefined;
    if (own === undefined) return;
    try {
      await this.client.delete(own);
    } catch (error) {
      if (!(error instanceof KeeperError && error.code === ErrorCode.noNode)) throw error;
    }
  }
}

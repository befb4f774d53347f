// Watches one configuration znode and hands every new value to a listener, re-arming ZooKeeper's one-shot data
// watch each time (the read that re-arms it also returns the value, so no change is missed between the two).
import { ErrorCode, KeeperError, EventType } from '../../protocol/index.js';
import type { ZkClient } from '../zkClient.js';

export interface ConfigValue {
  data: Buffer | null;
  version: number;
}

export class ConfigWatcher {
  private active = false;
  private latest: ConfigValue | null = null;
  private reported = false;

  constructor(
    private readonly client: ZkClient,
    readonly path: string,
  ) {}

  get current(): ConfigValue | null {
    return this.latest;
  }

  /** Reports the current value (null while the node does not exist) and every later change. */
  async start(listener: (value: ConfigValue | null) => void): Promise<void> {
    this.active = true;
    const read = async (): Promise<void> => {
      if (!this.active) return;
      const rearm = (event: { type: number }) => {
        if (event.type !== EventType.none) void read().catch(() => undefined);
      };
      let value: ConfigValue | null;
      try {
        const { data, stat } = await this.client.getData(this.path, rearm);
        value = { data, version: stat.version };
      } catch (error) {
        if (!(error instanceof KeeperError && error.code === ErrorCode.noNode)) throw error;
        // Not there yet: an exists watch fires when it is created.
        if ((await this.client.exists(this.path, rearm)) !== null) return read();
        value = null;
      }
      if (!this.active) return;
      const unchanged = value?.version === this.latest?.version && (value === null) === (this.latest === null);
      if (this.reported && unchanged) return;
      this.reported = true;
      this.latest = value;
      listener(value);
    };
    await read();
  }

  stop(): void {
    this.active = false;
  }
}

// A service registry: each instance registers an ephemeral node (it disappears with the instance's session) under
// /<root>/<service>, carrying its address as JSON; consumers list instances and are told when the set changes.
import { CreateMode, ErrorCode, KeeperError } from '../../protocol/index.js';
import type { ZkClient } from '../zkClient.js';
import { ensurePath } from './paths.js';

export interface ServiceInstance {
  id: string;
  data: Record<string, unknown>;
}

export class ServiceRegistry {
  constructor(
    private readonly client: ZkClient,
    readonly root = '/services',
  ) {}

  async register(service: string, instance: ServiceInstance): Promise<string> {
    const parent = `${this.root}/${service}`;
    await ensurePath(this.client, parent);
    return this.client.create(`${parent}/${instance.id}`, JSON.stringify(instance.data), { mode: CreateMode.ephemeral });
  }

  async unregister(service: string, id: string): Promise<void> {
    try {
      await this.client.delete(`${this.root}/${service}/${id}`);
    } catch (error) {
      if (!(error instanceof KeeperError && error.code === ErrorCode.noNode)) throw error;
    }
  }

  async instances(service: string): Promise<ServiceInstance[]> {
    const parent = `${this.root}/${service}`;
    let ids: string[];
    try {
      ids = await this.client.getChildren(parent);
    } catch (error) {
      if (error instanceof KeeperError && error.code === ErrorCode.noNode) return [];
      throw error;
    }
    const found: ServiceInstance[] = [];
    for (const id of ids.sort()) {
      try {
        const { data } = await this.client.getData(`${parent}/${id}`);
        found.push({ id, data: JSON.parse(data?.toString() || '{}') as Record<string, unknown> });
      } catch (error) {
        // An instance that left between the listing and the read is simply gone.
        if (!(error instanceof KeeperError && error.code === ErrorCode.noNode)) throw error;
      }
    }
    return found;
  }

  /** Calls `listener` with the instances now and after every change, until the returned function is called. */
  async watch(service: string, listener: (instances: ServiceInstance[]) => void): Promise<() => void> {
    const parent = `${this.root}/${service}`;
    await ensurePath(this.client, parent);
    let active = true;
    const refresh = async (): Promise<void> => {
      if (!active) return;
      // Re-arming the one-shot child watch before reading keeps any change from slipping between the two.
      await this.client.getChildren(parent, () => void refresh().catch(() => undefined));
      if (active) listener(await this.instances(service));
    };
    await refresh();
    return () => {
      active = false;
    };
  }
}

// The ZkClients one test opens, closed again after it even when their server is gone by then (a close that cannot
// reach any server is given up after a few seconds rather than holding the next test).
import { ZkClient } from '../../node-core/client/index.js';

export async function closeClients(clients: readonly ZkClient[]): Promise<void> {
  const closeOrGiveUp = (c: ZkClient) =>
    Promise.race([c.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 3000))]);
  await Promise.all(clients.map(closeOrGiveUp));
}

export class ClientPool {
  private readonly clients: ZkClient[] = [];

  /** Connects with a 10 s session; the pool closes the client in closeAll(). */
  readonly connect = async (connectString: string): Promise<ZkClient> => {
    const c = await ZkClient.connect(connectString, { sessionTimeout: 10_000 });
    this.clients.push(c);
    return c;
  };

  closeAll(): Promise<void> {
    return closeClients(this.clients.splice(0));
  }
}

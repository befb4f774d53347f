// npm's node-zookeeper-client behind the FaultClient shape, in this process.
import { nzk } from '../../helpers/nodeZookeeperClient.js';
import { eventually } from '../../helpers/polling.js';
import { pushState, type ClientState, type FaultClient, type Outcome } from './faultClient.js';

interface NzkState {
  name: string;
}
interface NzkError {
  getName?(): string;
  message: string;
}
interface StatefulClient {
  connect(): void;
  close(): void;
  on(event: 'state', listener: (state: NzkState) => void): void;
  create(path: string, data: Buffer | null, mode: number, cb: (error: NzkError | null) => void): void;
}

const nzkStates: Record<string, ClientState> = { SYNC_CONNECTED: 'connected', DISCONNECTED: 'disconnected', EXPIRED: 'expired' };
const nzkErrors: Record<string, string> = { CONNECTION_LOSS: 'connectionLoss', SESSION_EXPIRED: 'sessionExpired' };

export class NodeZkFaultClient implements FaultClient {
  readonly name = 'node-zookeeper-client';
  private client: StatefulClient | undefined;
  private readonly seen: ClientState[] = [];

  async start(hosts: string, sessionTimeoutMs: number): Promise<void> {
    const client = nzk.createClient(hosts, { sessionTimeout: sessionTimeoutMs, spinDelay: 100, retries: 0 }) as unknown as StatefulClient;
    this.client = client;
    client.on('state', (state) => pushState(this.seen, nzkStates[state.name]));
    client.connect();
    await this.waitForState('connected', 20_000);
  }

  async createEphemeral(path: string): Promise<void> {
    const outcome = await this.create(path, nzk.CreateMode.EPHEMERAL);
    if (outcome !== 'ok') throw new Error(`node-zookeeper-client could not create ${path}: ${outcome}`);
  }

  queueCreate(path: string): Promise<Outcome> {
    return this.create(path, nzk.CreateMode.PERSISTENT);
  }

  states(): ClientState[] {
    return [...this.seen];
  }

  waitForState(state: ClientState, timeoutMs: number): Promise<void> {
    return eventually(() => this.seen.includes(state), timeoutMs, `node-zookeeper-client state ${state} (seen ${this.seen.join(',')})`);
  }

  async close(): Promise<void> {
    this.client?.close();
  }

  private create(path: string, mode: number): Promise<Outcome> {
    return new Promise((resolve) =>
      this.client!.create(path, Buffer.from('x'), mode, (error) => {
        if (error === null) return resolve('ok');
        const name = error.getName?.() ?? error.message;
        resolve(nzkErrors[name] ?? name);
      }),
    );
  }
}

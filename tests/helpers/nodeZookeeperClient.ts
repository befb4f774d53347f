// Typed, promise-based access to npm's node-zookeeper-client (CommonJS, callback style, no type definitions) for
// compat tests that check Paddock against a real third-party client.
import { createRequire } from 'node:module';

export interface NzkStat {
  version: number;
  cversion: number;
  aversion: number;
  dataLength: number;
  numChildren: number;
}

export interface NzkException extends Error {
  getCode(): number;
  getName(): string;
}

export interface NzkEvent {
  getType(): number;
  getName(): string;
  getPath(): string;
}

/** One entry of a multi reply: a failed op carries type -1 (error) and err. */
export interface NzkOpResult {
  type: number;
  err?: number;
  path?: string;
  stat?: NzkStat;
}

type Callback<T extends unknown[]> = (error: NzkException | null, ...rest: T) => void;
type Watcher = (event: NzkEvent) => void;

interface RawTransaction {
  create(path: string, data?: Buffer, acls?: unknown[], mode?: number): RawTransaction;
  setData(path: string, data: Buffer | null, version?: number): RawTransaction;
  check(path: string, version?: number): RawTransaction;
  remove(path: string, version?: number): RawTransaction;
  commit(cb: Callback<[NzkOpResult[]]>): void;
}

interface RawClient {
  connect(): void;
  close(): void;
  once(event: 'connected' | 'disconnected' | 'expired', listener: () => void): void;
  getSessionId(): Buffer;
  create(path: string, data: Buffer | null, mode: number, cb: Callback<[string]>): void;
  getData(path: string, watcher: Watcher | undefined, cb: Callback<[Buffer | null, NzkStat]>): void;
  setData(path: string, data: Buffer | null, version: number, cb: Callback<[NzkStat]>): void;
  getChildren(path: string, watcher: Watcher | undefined, cb: Callback<[string[], NzkStat]>): void;
  exists(path: string, watcher: Watcher | undefined, cb: Callback<[NzkStat | null]>): void;
  remove(path: string, version: number, cb: Callback<[]>): void;
  transaction(): RawTransaction;
}

interface NodeZookeeperClientModule {
  createClient(
    connectString: string,
    options?: { sessionTimeout?: number; spinDelay?: number; retries?: number },
  ): RawClient;
  CreateMode: { PERSISTENT: number; EPHEMERAL: number; PERSISTENT_SEQUENTIAL: number; EPHEMERAL_SEQUENTIAL: number };
  Exception: Record<string, unknown>;
}

const require = createRequire(import.meta.url);
export const nzk = require('node-zookeeper-client') as NodeZookeeperClientModule;

function call<T extends unknown[]>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((error, ...rest) => (error ? reject(error) : resolve(rest))));
}

/** Outcome of commit(): on failure the library still hands over the per-op results. */
export interface MultiOutcome {
  error: NzkException | null;
  results: NzkOpResult[];
}

export class NodeZkClient {
  private constructor(readonly raw: RawClient) {}

  static connect(connectString: string, timeoutMs = 10_000): Promise<NodeZkClient> {
    const raw = nzk.createClient(connectString, { sessionTimeout: 10_000, spinDelay: 100, retries: 2 });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        raw.close();
        reject(new Error(`node-zookeeper-client did not connect to ${connectString} within ${timeoutMs} ms`));
      }, timeoutMs);
      raw.once('connected', () => {
        clearTimeout(timer);
        resolve(new NodeZkClient(raw));
      });
      raw.connect();
    });
  }

  async create(path: string, data: string | null, mode = nzk.CreateMode.PERSISTENT): Promise<string> {
    const bytes = data === null ? null : Buffer.from(data);
    const [created] = await call<[string]>((cb) => this.raw.create(path, bytes, mode, cb));
    return created;
  }

  async getData(path: string, watcher?: Watcher): Promise<{ data: string | null; stat: NzkStat }> {
    const [data, stat] = await call<[Buffer | null, NzkStat]>((cb) => this.raw.getData(path, watcher, cb));
    return { data: data === null ? null : data.toString('utf8'), stat };
  }

  async setData(path: string, data: string, version = -1): Promise<NzkStat> {
    const [stat] = await call<[NzkStat]>((cb) => this.raw.setData(path, Buffer.from(data), version, cb));
    return stat;
  }

  async getChildren(path: string, watcher?: Watcher): Promise<string[]> {
    const [children] = await call<[string[], NzkStat]>((cb) => this.raw.getChildren(path, watcher, cb));
    return children;
  }

  async exists(path: string, watcher?: Watcher): Promise<NzkStat | null> {
    const [stat] = await call<[NzkStat | null]>((cb) => this.raw.exists(path, watcher, cb));
    return stat;
  }

  async remove(path: string, version = -1): Promise<void> {
    await call<[]>((cb) => this.raw.remove(path, version, cb));
  }

  /** Builds a multi with `build` and commits it; never rejects for a failed op, so tests can inspect results. */
  multi(build: (t: RawTransaction) => void): Promise<MultiOutcome> {
    const t = this.raw.transaction();
    build(t);
    return new Promise((resolve) => t.commit((error, results) => resolve({ error, results: results ?? [] })));
  }

  close(): void {
    this.raw.close();
  }
}

/** Resolves with the first event a one-shot watcher receives, or rejects after timeoutMs. */
export function nextEvent(timeoutMs = 5_000): { watcher: Watcher; event: Promise<NzkEvent> } {
  let deliver!: (e: NzkEvent) => void;
  let fail!: (e: Error) => void;
  const event = new Promise<NzkEvent>((resolve, reject) => {
    deliver = resolve;
    fail = reject;
  });
  const timer = setTimeout(() => fail(new Error(`no watch event within ${timeoutMs} ms`)), timeoutMs);
  return {
    watcher: (e) => {
      clearTimeout(timer);
      deliver(e);
    },
    event,
  };
}

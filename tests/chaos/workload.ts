// The chaos campaign's clients: writers that set registers and append sequential nodes, readers that sync and read,
// each one request at a time on its own session (a new one when the old expires), every call recorded with the
// time it was sent and the time and content of its reply, on one clock, for the linearizability check.
import { performance } from 'node:perf_hooks';
import { ZkClient } from '../../node-core/client/index.js';
import { CreateMode, ErrorCode, KeeperError } from '../../node-core/protocol/index.js';
import type { Operation, ZnodeInput, ZnodeOutput } from '../sim/linearizability.js';
import type { Prng } from '../sim/prng.js';

export const ROOT = '/chaos';
export const LOG_PARENT = `${ROOT}/log`;
export const registerPath = (key: number) => `${ROOT}/r${key}`;

/** A sequential create the client saw acknowledged (its name known) or whose outcome is unknown. */
export interface AppendRecord {
  value: string;
  acknowledgedAs: string | undefined;
}

export interface WorkloadOptions {
  connectString: string;
  writers: number;
  readers: number;
  registers: number;
  sessionTimeoutMs: number;
  random: Prng;
}

/** Replies whose outcome is definite: the server said no, and nothing changed. */
const definiteErrors = new Set<number>([ErrorCode.noNode, ErrorCode.nodeExists, ErrorCode.badVersion, ErrorCode.notEmpty]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Workload {
  readonly history: Operation<ZnodeInput, ZnodeOutput>[] = [];
  readonly appends: AppendRecord[] = [];
  /** Calls that ended without a definite reply, by the error's name. */
  readonly unknownOutcomes = new Map<string, number>();
  acknowledged = 0;
  private running = true;
  private readonly loops: Promise<void>[] = [];
  private readonly clients = new Set<ZkClient>();

  constructor(private readonly options: WorkloadOptions) {}

  start(): void {
    for (let i = 0; i < this.options.writers; i++) this.loops.push(this.clientLoop(`w${i}`, 'writer'));
    for (let i = 0; i < this.options.readers; i++) this.loops.push(this.clientLoop(`r${i}`, 'reader'));
  }

  async stop(): Promise<void> {
    this.running = false;
    // A call stuck on a dead connection ends when its client closes.
    const settled = Promise.all(this.loops);
    const finished = await Promise.race([settled.then(() => true), sleep(15_000).then(() => false)]);
    for (const client of this.clients) await client.close().catch(() => undefined);
    if (!finished) await settled;
  }

  /** Final reads of every register through one fresh session, after the cluster has healed; part of the history. */
  async finalReads(timeoutMs: number): Promise<void> {
    const client = await ZkClient.connect(this.options.connectString, { sessionTimeout: this.options.sessionTimeoutMs, connectTimeoutMs: timeoutMs });
    try {
      for (let key = 0; key < this.options.registers; key++) await this.syncedRead(client, 'final', registerPath(key));
    } finally {
      await client.close();
    }
  }

  private async session(): Promise<ZkClient> {
    for (;;) {
      try {
        const client = await ZkClient.connect(this.options.connectString, {
          sessionTimeout: this.options.sessionTimeoutMs,
          connectTimeoutMs: 5_000,
        });
        this.clients.add(client);
        return client;
      } catch {
        if (!this.running) throw new Error('stopped');
        await sleep(200);
      }
    }
  }

  private async clientLoop(clientId: string, kind: 'writer' | 'reader'): Promise<void> {
    let client: ZkClient | undefined;
    let seq = 0;
    while (this.running) {
      try {
        client ??= await this.session();
      } catch {
        return;
      }
      if (client.state === 'expired' || client.state === 'closed') {
        this.clients.delete(client);
        await client.close().catch(() => undefined);
        client = undefined;
        continue;
      }
      const key = this.options.random.int(0, this.options.registers - 1);
      let definite: boolean;
      if (kind === 'reader') definite = await this.syncedRead(client, clientId, registerPath(key));
      else if (this.options.random.chance(0.2)) definite = await this.append(client, clientId, `${clientId}-${++seq}`);
      else definite = await this.write(client, clientId, registerPath(key), `${clientId}-${++seq}`);
      // Without a server the client fails calls at once; do not spin through thousands of them.
      if (!definite) await sleep(50);
    }
  }

  private record(clientId: string, call: number, input: ZnodeInput, output: ZnodeOutput | undefined): void {
    this.history.push({ clientId, call, ret: output === undefined ? undefined : performance.now(), input, output });
    if (output !== undefined) this.acknowledged++;
  }

  private unknown(error: unknown): void {
    const name = error instanceof KeeperError ? `KeeperError ${error.code}` : error instanceof Error ? error.name : 'unknown';
    this.unknownOutcomes.set(name, (this.unknownOutcomes.get(name) ?? 0) + 1);
  }

  private definiteError(error: unknown): number | undefined {
    return error instanceof KeeperError && definiteErrors.has(error.code) ? error.code : undefined;
  }

  private write(client: ZkClient, clientId: string, path: string, data: string): Promise<boolean> {
    return this.call(clientId, { kind: 'setData', path, data, version: -1 }, async () => {
      const stat = await client.setData(path, data);
      return { err: ErrorCode.ok, version: stat.version };
    });
  }

  /** sync, then getData: the read reflects at least every write committed before the sync was sent. */
  private syncedRead(client: ZkClient, clientId: string, path: string): Promise<boolean> {
    return this.call(clientId, { kind: 'getData', path }, async () => {
      await client.sync(path);
      const { data, stat } = await client.getData(path);
      return { err: ErrorCode.ok, data: data?.toString('utf8') ?? '', version: stat.version };
    });
  }

  /**
   * Runs one request and records it: its reply, a definite refusal, or, for a write, no reply (it may or may not
   * have taken effect). A read that never answered changed nothing; leaving it out keeps the search small.
   * Resolves to whether the outcome is definite.
   */
  private async call(clientId: string, input: ZnodeInput, request: () => Promise<ZnodeOutput>): Promise<boolean> {
    const call = performance.now();
    try {
      this.record(clientId, call, input, await request());
      return true;
    } catch (error) {
      const code = this.definiteError(error);
      if (code !== undefined) {
        this.record(clientId, call, input, { err: code });
        return true;
      }
      this.unknown(error);
      if (input.kind !== 'getData') this.record(clientId, call, input, undefined);
      return false;
    }
  }

  private async append(client: ZkClient, _clientId: string, value: string): Promise<boolean> {
    const record: AppendRecord = { value, acknowledgedAs: undefined };
    this.appends.push(record);
    try {
      record.acknowledgedAs = await client.create(`${LOG_PARENT}/e-`, value, { mode: CreateMode.persistentSequential });
      this.acknowledged++;
      return true;
    } catch (error) {
      this.unknown(error);
      return false;
    }
  }
}

// The high-level ZooKeeper client: one session kept across server loss (reconnecting through the ensemble with
// session id, password and last zxid), a promise per operation, chroot, auth replay and client-side watches
// re-registered after every reconnect, as Apache ZooKeeper's own client behaves.
import { EventEmitter } from 'node:events';
import type { JuteReader, JuteWriter } from '../jute/index.js';
import {
  AddWatchMode,
  AddWatchRequestCodec,
  AuthPacketCodec,
  Create2ResponseCodec,
  CreateMode,
  CreateRequestCodec,
  CreateResponseCodec,
  CreateTTLRequestCodec,
  ErrorCode,
  EventType,
  GetACLResponseCodec,
  GetAllChildrenNumberResponseCodec,
  GetChildren2ResponseCodec,
  GetChildrenResponseCodec,
  GetDataResponseCodec,
  GetEphemeralsRequestCodec,
  GetEphemeralsResponseCodec,
  KeeperError,
  KeeperState,
  OpCode,
  PathRequestCodec,
  PathVersionRequestCodec,
  PathWatchRequestCodec,
  ReconfigRequestCodec,
  RemoveWatchesRequestCodec,
  SetACLRequestCodec,
  SetDataRequestCodec,
  SetWatches2Codec,
  SetWatchesCodec,
  StatResponseCodec,
  SyncResponseCodec,
  WhoAmIResponseCodec,
  Xid,
  isSequentialMode,
  readMultiResponse,
  writeMultiRequest,
  type ACL,
  type ClientInfo,
  type CreateModeValue,
  type MultiOp,
  type MultiResult,
  type SetWatchesRequest,
  type Stat,
  type WatcherEvent,
} from '../protocol/index.js';
import { createLogger, type Logger } from '../log/logger.js';
import { ClientWatchRegistry, type WatchKind, type Watcher, type WatchedEvent } from './clientWatchRegistry.js';
import { Chroot, parseConnectString, shuffled, validatePath, type HostPort } from './connectString.js';
import { ConnectionLossError, SessionExpiredError, ZkConnection, type ZkReply, type ZkTlsOptions } from './zkConnection.js';

export type { Watcher, WatchedEvent } from './clientWatchRegistry.js';

export type ZkClientState =
  | 'connecting'
  | 'connected'
  | 'connectedReadOnly'
  | 'disconnected'
  | 'expired'
  | 'authFailed'
  | 'closed';

export interface ZkClientOptions {
  /** Requested session timeout (ms); the server negotiates it into [2, 20] x tickTime. */
  sessionTimeout?: number;
  /** Accept a read-only server (canBeReadOnly). */
  readOnly?: boolean;
  tls?: ZkTlsOptions;
  /** Largest frame accepted from a server (jute.maxbuffer), also the bound for setWatches batches. */
  maxBuffer?: number;
  connectTimeoutMs?: number;
  /** First back-off after a failed connect; it doubles up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Try servers in the given order instead of a random one (tests). */
  shuffleHosts?: boolean;
  /** Resume an existing session instead of creating one. */
  sessionId?: bigint;
  passwd?: Buffer;
  /** Called with every watch notification and session state event, like ZooKeeper's default watcher. */
  defaultWatcher?: Watcher;
  logger?: Logger;
}

export type ZkClientEvents = {
  state: [state: ZkClientState];
  /** Every watch notification the server sends, with the chroot-relative path. */
  watch: [event: WatchedEvent];
  /** One attempt to reach `server` ("host:port") failed; the client moves on to the next server. */
  connectFailed: [server: string, error: Error];
} & { [S in ZkClientState]: [] };

export type Data = Buffer | string | null | undefined;

export interface CreateOptions {
  mode?: CreateModeValue;
  acl?: ACL[];
  /** Milliseconds; only for the TTL modes. */
  ttl?: number | bigint;
}

/** An operation of a multi (transaction). */
export type TransactionOp =
  | ({ op: 'create'; path: string; data?: Data } & CreateOptions)
  | { op: 'delete'; path: string; version?: number }
  | { op: 'setData'; path: string; data: Data; version?: number }
  | { op: 'check'; path: string; version: number };

export type ReadOp = { op: 'getData'; path: string } | { op: 'getChildren'; path: string };

/** A multi failed: `code` and `path` are the first failing op's; `results` has every op's outcome. */
export class MultiError extends KeeperError {
  constructor(
    code: number,
    path: string | undefined,
    readonly results: MultiResult[],
  ) {
    super(code, path);
    this.name = 'MultiError';
  }
}

export const openAclUnsafe: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
export const creatorAllAcl: ACL[] = [{ perms: 31, id: { scheme: 'auth', id: '' } }];
export const readAclUnsafe: ACL[] = [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }];

/** ZooKeeper's client splits setWatches at 128 KiB so a reconnect never sends a frame the server refuses. */
const setWatchesBatchBytes = 128 * 1024;

const terminalStates: ReadonlySet<ZkClientState> = new Set(['expired', 'authFailed', 'closed']);

interface QueuedRequest {
  run: (connection: ZkConnection) => void;
  fail: (error: Error) => void;
}

function toBuffer(data: Data): Buffer | null {
  if (data === null || data === undefined) return null;
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class TransactionBuilder {
  private readonly ops: TransactionOp[] = [];

  constructor(private readonly client: ZkClient) {}

  create(path: string, data?: Data, options: CreateOptions = {}): this {
    this.ops.push({ op: 'create', path, data, ...options });
    return this;
  }
  delete(path: string, version = -1): this {
    this.ops.push({ op: 'delete', path, version });
    return this;
  }
  setData(path: string, data: Data, version = -1): this {
    this.ops.push({ op: 'setData', path, data, version });
    return this;
  }
  check(path: string, version: number): this {
    this.ops.push({ op: 'check', path, version });
    return this;
  }
  commit(): Promise<MultiResult[]> {
    return this.client.multi(this.ops);
  }
}

export class ZkClient extends EventEmitter<ZkClientEvents> {
  private readonly hosts: HostPort[];
  private readonly chroot: Chroot;
  private readonly options: Required<
    Pick<ZkClientOptions, 'sessionTimeout' | 'readOnly' | 'maxBuffer' | 'retryDelayMs' | 'maxRetryDelayMs'>
  > &
    ZkClientOptions;
  private readonly log: Logger;
  private readonly watches = new ClientWatchRegistry();
  private readonly authInfo: Array<{ scheme: string; auth: Buffer }> = [];
  private readonly queue: QueuedRequest[] = [];
  private stateValue: ZkClientState = 'connecting';
  private connection: ZkConnection | undefined;
  private sessionIdValue: bigint;
  private passwdValue: Buffer;
  private negotiatedTimeoutValue = 0;
  private lastZxid = 0n;
  private hostIndex = 0;
  private seenReadWriteServer = false;
  private setWatches2Unsupported = false;
  private closeRequested = false;
  private readonly loop: Promise<void>;

  constructor(connectString: string, options: ZkClientOptions = {}) {
    super();
    const parsed = parseConnectString(connectString);
    this.hosts = options.shuffleHosts === false ? parsed.hosts : shuffled(parsed.hosts);
    this.chroot = new Chroot(parsed.chroot);
    this.options = {
      sessionTimeout: 30_000,
      readOnly: false,
      maxBuffer: 0xfffff,
      retryDelayMs: 50,
      maxRetryDelayMs: 1_000,
      ...options,
    };
    this.log = options.logger ?? createLogger('ZkClient', { level: 'warn' });
    this.sessionIdValue = options.sessionId ?? 0n;
    this.passwdValue = options.passwd ?? Buffer.alloc(16);
    // Keep the process alive while the session is; listeners attached after construction still see every state.
    this.loop = this.runSession();
  }

  /** Creates a client and resolves once its session is established (rejects if it cannot be, e.g. expired). */
  static async connect(connectString: string, options: ZkClientOptions = {}): Promise<ZkClient> {
    const client = new ZkClient(connectString, options);
    try {
      await client.waitForConnected(options.connectTimeoutMs ?? Math.max(options.sessionTimeout ?? 30_000, 10_000));
    } catch (err) {
      // Nobody else holds this client: stop its reconnect loop rather than leave it running in the background.
      await client.close();
      throw err;
    }
    return client;
  }

  get state(): ZkClientState {
    return this.stateValue;
  }
  get sessionId(): bigint {
    return this.sessionIdValue;
  }
  get sessionPasswd(): Buffer {
    return this.passwdValue;
  }
  get negotiatedTimeout(): number {
    return this.negotiatedTimeoutValue;
  }
  /** host:port of the server the session is on now, if connected. */
  get currentServer(): string | undefined {
    const c = this.connection;
    return c === undefined || c.closed ? undefined : `${c.host}:${c.port}`;
  }

  /** Resolves when connected (read-write or read-only); rejects on a terminal state or after timeoutMs. */
  waitForConnected(timeoutMs = 30_000): Promise<void> {
    return this.waitForState(['connected', 'connectedReadOnly'], timeoutMs);
  }

  waitForState(states: ZkClientState | ZkClientState[], timeoutMs = 30_000): Promise<void> {
    const wanted = Array.isArray(states) ? states : [states];
    if (wanted.includes(this.stateValue)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onState = (state: ZkClientState) => {
        if (wanted.includes(state)) {
          cleanup();
          resolve();
        } else if (terminalStates.has(state)) {
          cleanup();
          reject(this.terminalError());
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`client did not reach ${wanted.join('/')} within ${timeoutMs} ms (state ${this.stateValue})`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('state', onState);
      };
      this.on('state', onState);
      if (terminalStates.has(this.stateValue)) onState(this.stateValue);
    });
  }

  // ---- session loop ----

  private setState(state: ZkClientState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('state', state);
    this.emit(state);
    const keeperState = {
      connecting: undefined,
      connected: KeeperState.syncConnected,
      connectedReadOnly: KeeperState.connectedReadOnly,
      disconnected: KeeperState.disconnected,
      expired: KeeperState.expired,
      authFailed: KeeperState.authFailed,
      closed: KeeperState.closed,
    }[state];
    if (keeperState !== undefined) {
      const event: WatchedEvent = { type: EventType.none, state: keeperState, path: undefined };
      const targets = new Set(this.watches.all());
      if (this.options.defaultWatcher !== undefined) targets.add(this.options.defaultWatcher);
      for (const watcher of targets) this.callWatcher(watcher, event);
    }
  }

  private terminalError(): KeeperError {
    if (this.stateValue === 'authFailed') return new KeeperError(ErrorCode.authFailed);
    if (this.stateValue === 'expired' || this.stateValue === 'closed') return new KeeperError(ErrorCode.sessionExpired);
    return new ConnectionLossError(`client is ${this.stateValue}`);
  }

  private nextHost(): HostPort {
    const host = this.hosts[this.hostIndex % this.hosts.length]!;
    this.hostIndex = (this.hostIndex + 1) % this.hosts.length;
    return host;
  }

  private async runSession(): Promise<void> {
    let failures = 0;
    while (!this.closeRequested && !terminalStates.has(this.stateValue)) {
      if (failures > 0) {
        const base = Math.min(this.options.maxRetryDelayMs, this.options.retryDelayMs * 2 ** Math.min(failures - 1, 10));
        // Jitter so clients of a failed server do not all come back in step.
        await sleep(base / 2 + Math.random() * (base / 2));
        if (this.closeRequested) break;
      }
      const host = this.nextHost();
      let connection: ZkConnection;
      try {
        connection = await ZkConnection.connect({
          host: host.host,
          port: host.port,
          sessionTimeout: this.options.sessionTimeout,
          // A session first made on a read-only server is not resumed elsewhere (ZooKeeper's seenRwServerBefore).
          sessionId: this.seenReadWriteServer || this.options.sessionId !== undefined ? this.sessionIdValue : 0n,
          passwd: this.passwdValue,
          lastZxidSeen: this.lastZxid,
          readOnly: this.options.readOnly,
          tls: this.options.tls,
          maxBuffer: this.options.maxBuffer,
          connectTimeoutMs: this.options.connectTimeoutMs ?? Math.max(1_000, Math.floor(this.options.sessionTimeout / Math.max(1, this.hosts.length))),
        });
      } catch (err) {
        if (err instanceof SessionExpiredError) {
          this.log.info(`session 0x${this.sessionIdValue.toString(16)} expired`);
          this.terminate('expired');
          return;
        }
        failures++;
        this.log.debug(`connect to ${host.host}:${host.port} failed: ${(err as Error).message}`);
        this.emit('connectFailed', `${host.host}:${host.port}`, err as Error);
        this.failQueue(err instanceof KeeperError ? err : new ConnectionLossError((err as Error).message));
        continue;
      }
      if (this.closeRequested) {
        connection.destroy();
        break;
      }
      const closed = new Promise<ConnectionLossError | undefined>((resolve) => connection.once('close', resolve));
      connection.on('event', (event) => this.onWatcherEvent(event));
      this.connection = connection;
      this.sessionIdValue = connection.sessionId;
      this.passwdValue = connection.passwd;
      this.negotiatedTimeoutValue = connection.negotiatedTimeout;
      if (!connection.readOnly) this.seenReadWriteServer = true;
      const primed = await this.prime(connection);
      if (primed === 'authFailed') {
        this.terminate('authFailed');
        return;
      }
      if (primed === 'lost') {
        failures++;
        this.failQueue(new ConnectionLossError('connection lost while re-establishing the session'));
        continue;
      }
      failures = 0;
      this.setState(connection.readOnly ? 'connectedReadOnly' : 'connected');
      for (const queued of this.queue.splice(0)) queued.run(connection);
      const reason = await closed;
      this.lastZxid = connection.lastZxid > this.lastZxid ? connection.lastZxid : this.lastZxid;
      if (this.closeRequested || terminalStates.has(this.stateValue)) break;
      this.log.info(`disconnected from ${host.host}:${host.port}: ${reason?.message ?? 'closed'}`);
      // Stays 'disconnected' while reconnecting, as ZooKeeper reports only Disconnected until SyncConnected.
      this.setState('disconnected');
    }
  }

  /** Replays auth and watches on a fresh connection before user requests may use it. */
  private async prime(connection: ZkConnection): Promise<'ok' | 'lost' | 'authFailed'> {
    try {
      const authReplies = this.authInfo.map((a) =>
        connection.request(OpCode.auth, (w) => AuthPacketCodec.write(w, { type: 0, scheme: a.scheme, auth: a.auth }), Xid.auth),
      );
      for (const reply of await Promise.all(authReplies)) {
        if (reply.header.err === ErrorCode.authFailed) return 'authFailed';
      }
      await this.resetWatches(connection);
      this.lastZxid = connection.lastZxid > this.lastZxid ? connection.lastZxid : this.lastZxid;
      return connection.closed ? 'lost' : 'ok';
    } catch {
      return 'lost';
    }
  }

  private async resetWatches(connection: ZkConnection): Promise<void> {
    if (this.watches.isEmpty) return;
    const s = (kind: WatchKind) => this.watches.paths(kind).map((p) => this.chroot.toServer(p));
    const lists: Array<[keyof Omit<SetWatchesRequest, 'relativeZxid'>, string[]]> = [
      ['dataWatches', s('data')],
      ['existWatches', s('exist')],
      ['childWatches', s('child')],
      ['persistentWatches', s('persistent')],
      ['persistentRecursiveWatches', s('persistentRecursive')],
    ];
    // Each batch must fit the server's jute.maxbuffer (the reply-size bound we know is ours, so use the smaller).
    const limit = Math.min(setWatchesBatchBytes, this.options.maxBuffer - 1024);
    const relativeZxid = connection.lastZxid > this.lastZxid ? connection.lastZxid : this.lastZxid;
    const batches: SetWatchesRequest[] = [];
    let batch: SetWatchesRequest | undefined;
    let size = 0;
    for (const [field, paths] of lists) {
      for (const path of paths) {
        const cost = Buffer.byteLength(path) + 4;
        if (batch === undefined || (size + cost > limit && size > 0)) {
          batch = { relativeZxid, dataWatches: [], existWatches: [], childWatches: [], persistentWatches: [], persistentRecursiveWatches: [] };
          batches.push(batch);
          size = 0;
        }
        batch[field]!.push(path);
        size += cost;
      }
    }
    for (const b of batches) {
      const hasPersistent = b.persistentWatches!.length + b.persistentRecursiveWatches!.length > 0;
      if (hasPersistent && !this.setWatches2Unsupported) {
        const reply = await connection.request(OpCode.setWatches2, (w) => SetWatches2Codec.write(w, b), Xid.setWatches);
        if (reply.header.err === ErrorCode.ok) continue;
        // An older server (3.5) does not know opcode 105: fall back to setWatches and lose the persistent ones.
        this.setWatches2Unsupported = true;
        this.log.warn(`server refused setWatches2 (err ${reply.header.err}); persistent watches are not restored`);
      }
      if (b.dataWatches.length + b.existWatches.length + b.childWatches.length === 0) continue;
      const reply = await connection.request(OpCode.setWatches, (w) => SetWatchesCodec.write(w, b), Xid.setWatches);
      if (reply.header.err !== ErrorCode.ok) this.log.warn(`setWatches failed with err ${reply.header.err}`);
    }
  }

  private terminate(state: 'expired' | 'authFailed' | 'closed'): void {
    this.setState(state);
    const error = this.terminalError();
    this.failQueue(error);
    this.watches.clear();
    const connection = this.connection;
    if (connection !== undefined && !connection.closed) connection.destroy('client session ended');
  }

  private failQueue(error: Error): void {
    // Queued requests were never written to any socket, whatever the connection's error says.
    const notSent = error instanceof ConnectionLossError ? new ConnectionLossError(error.reason, false) : error;
    for (const queued of this.queue.splice(0)) queued.fail(notSent);
  }

  private onWatcherEvent(raw: WatcherEvent): void {
    const path = this.chroot.toClient(raw.path);
    const event: WatchedEvent = { type: raw.type, state: raw.state, path };
    const targets = new Set(this.watches.materialize(raw.type, path));
    if (this.options.defaultWatcher !== undefined) targets.add(this.options.defaultWatcher);
    this.emit('watch', event);
    for (const watcher of targets) this.callWatcher(watcher, event);
  }

  private callWatcher(watcher: Watcher, event: WatchedEvent): void {
    try {
      watcher(event);
    } catch (err) {
      this.log.error(`watcher threw: ${(err as Error).stack ?? String(err)}`);
    }
  }

  // ---- requests ----

  /** Sends on the live connection, or waits for the next one; a failed connect attempt fails waiting requests. */
  private submit(type: number, writeBody?: (w: JuteWriter) => void, xid?: number): Promise<ZkReply> {
    const connection = this.connection;
    if ((this.stateValue === 'connected' || this.stateValue === 'connectedReadOnly') && connection !== undefined && !connection.closed) {
      return connection.request(type, writeBody, xid);
    }
    if (terminalStates.has(this.stateValue) || this.closeRequested) return Promise.reject(this.terminalError());
    return new Promise<ZkReply>((resolve, reject) => {
      this.queue.push({ run: (c) => c.request(type, writeBody, xid).then(resolve, reject), fail: reject });
    });
  }

  /** Sends and turns a non-zero err into a KeeperError naming the client path. */
  private async call<T>(
    type: number,
    clientPath: string | undefined,
    writeBody: ((w: JuteWriter) => void) | undefined,
    readBody: (r: JuteReader) => T,
    onReply?: (err: number) => void,
  ): Promise<T> {
    const reply = await this.submit(type, writeBody);
    onReply?.(reply.header.err);
    if (reply.header.err !== ErrorCode.ok) throw new KeeperError(reply.header.err, clientPath);
    return readBody(reply.body);
  }

  private serverPath(path: string, isSequential = false): string {
    validatePath(path, isSequential);
    return this.chroot.toServer(path);
  }

  private createRequest(path: string, data: Data, options: CreateOptions) {
    const mode = options.mode ?? CreateMode.persistent;
    const isTtl = mode === CreateMode.persistentWithTtl || mode === CreateMode.persistentSequentialWithTtl;
    if (isTtl && options.ttl === undefined) throw new KeeperError(ErrorCode.badArguments, path);
    const type = isTtl ? OpCode.createTTL : mode === CreateMode.container ? OpCode.createContainer : undefined;
    const request = {
      path: this.serverPath(path, isSequentialMode(mode)),
      data: toBuffer(data),
      acl: options.acl ?? openAclUnsafe,
      flags: mode,
      ttl: isTtl ? BigInt(options.ttl!) : undefined,
    };
    return { type, request };
  }

  /** Creates a znode and returns its (sequential-suffixed) path. */
  async create(path: string, data?: Data, options: CreateOptions = {}): Promise<string> {
    const { type, request } = this.createRequest(path, data, options);
    if (type !== undefined) return (await this.createWithStat(path, data, options)).path;
    const response = await this.call(
      OpCode.create,
      path,
      (w) => CreateRequestCodec.write(w, request),
      (r) => CreateResponseCodec.read(r),
    );
    return this.chroot.toClient(response.path);
  }

  /** create2: also returns the new node's Stat (container and TTL nodes always use this form). */
  async createWithStat(path: string, data?: Data, options: CreateOptions = {}): Promise<{ path: string; stat: Stat }> {
    const { type, request } = this.createRequest(path, data, options);
    const codec = type === OpCode.createTTL ? CreateTTLRequestCodec : CreateRequestCodec;
    const response = await this.call(
      type ?? OpCode.create2,
      path,
      (w) => codec.write(w, request),
      (r) => Create2ResponseCodec.read(r),
    );
    return { path: this.chroot.toClient(response.path), stat: response.stat };
  }

  async delete(path: string, version = -1): Promise<void> {
    const serverPath = this.serverPath(path);
    await this.call(OpCode.delete, path, (w) => PathVersionRequestCodec.write(w, { path: serverPath, version }), () => undefined);
  }

  /** The node's Stat, or null when it does not exist; a watcher is set either way (an exist watch if missing). */
  async exists(path: string, watcher?: Watcher): Promise<Stat | null> {
    const serverPath = this.serverPath(path);
    const reply = await this.submit(OpCode.exists, (w) => PathWatchRequestCodec.write(w, { path: serverPath, watch: watcher !== undefined }));
    const err = reply.header.err;
    if (watcher !== undefined) {
      if (err === ErrorCode.ok) this.watches.add('data', path, watcher);
      else if (err === ErrorCode.noNode) this.watches.add('exist', path, watcher);
    }
    if (err === ErrorCode.noNode) return null;
    if (err !== ErrorCode.ok) throw new KeeperError(err, path);
    return StatResponseCodec.read(reply.body).stat;
  }

  async getData(path: string, watcher?: Watcher): Promise<{ data: Buffer | null; stat: Stat }> {
    const serverPath = this.serverPath(path);
    return this.call(
      OpCode.getData,
      path,
      (w) => PathWatchRequestCodec.write(w, { path: serverPath, watch: watcher !== undefined }),
      (r) => GetDataResponseCodec.read(r),
      (err) => {
        if (err === ErrorCode.ok && watcher !== undefined) this.watches.add('data', path, watcher);
      },
    );
  }

  async setData(path: string, data: Data, version = -1): Promise<Stat> {
    const serverPath = this.serverPath(path);
    const request = { path: serverPath, data: toBuffer(data), version };
    return this.call(OpCode.setData, path, (w) => SetDataRequestCodec.write(w, request), (r) => StatResponseCodec.read(r).stat);
  }

  async getChildren(path: string, watcher?: Watcher): Promise<string[]> {
    const serverPath = this.serverPath(path);
    return this.call(
      OpCode.getChildren,
      path,
      (w) => PathWatchRequestCodec.write(w, { path: serverPath, watch: watcher !== undefined }),
      (r) => GetChildrenResponseCodec.read(r).children,
      (err) => {
        if (err === ErrorCode.ok && watcher !== undefined) this.watches.add('child', path, watcher);
      },
    );
  }

  /** getChildren2: the children and the parent's Stat. */
  async getChildrenWithStat(path: string, watcher?: Watcher): Promise<{ children: string[]; stat: Stat }> {
    const serverPath = this.serverPath(path);
    return this.call(
      OpCode.getChildren2,
      path,
      (w) => PathWatchRequestCodec.write(w, { path: serverPath, watch: watcher !== undefined }),
      (r) => GetChildren2ResponseCodec.read(r),
      (err) => {
        if (err === ErrorCode.ok && watcher !== undefined) this.watches.add('child', path, watcher);
      },
    );
  }

  async getAllChildrenNumber(path: string): Promise<number> {
    const serverPath = this.serverPath(path);
    return this.call(
      OpCode.getAllChildrenNumber,
      path,
      (w) => PathRequestCodec.write(w, { path: serverPath }),
      (r) => GetAllChildrenNumberResponseCodec.read(r).totalNumber,
    );
  }

  /** This session's ephemeral nodes under prefixPath (chroot-relative, like every path this client returns). */
  async getEphemerals(prefixPath = '/'): Promise<string[]> {
    const serverPath = this.serverPath(prefixPath);
    const ephemerals = await this.call(
      OpCode.getEphemerals,
      prefixPath,
      (w) => GetEphemeralsRequestCodec.write(w, { prefixPath: serverPath }),
      (r) => GetEphemeralsResponseCodec.read(r).ephemerals,
    );
    return ephemerals.map((p) => this.chroot.toClient(p));
  }

  async getACL(path: string): Promise<{ acl: ACL[]; stat: Stat }> {
    const serverPath = this.serverPath(path);
    return this.call(OpCode.getACL, path, (w) => PathRequestCodec.write(w, { path: serverPath }), (r) => GetACLResponseCodec.read(r));
  }

  async setACL(path: string, acl: ACL[], version = -1): Promise<Stat> {
    const serverPath = this.serverPath(path);
    return this.call(
      OpCode.setACL,
      path,
      (w) => SetACLRequestCodec.write(w, { path: serverPath, acl, version }),
      (r) => StatResponseCodec.read(r).stat,
    );
  }

  async sync(path = '/'): Promise<string> {
    const serverPath = this.serverPath(path);
    const response = await this.call(OpCode.sync, path, (w) => PathRequestCodec.write(w, { path: serverPath }), (r) => SyncResponseCodec.read(r));
    return this.chroot.toClient(response.path);
  }

  transaction(): TransactionBuilder {
    return new TransactionBuilder(this);
  }

  /** Runs ops atomically; rejects with MultiError (carrying every op's result) when one of them fails. */
  async multi(ops: readonly TransactionOp[]): Promise<MultiResult[]> {
    const wireOps: MultiOp[] = ops.map((op): MultiOp => {
      switch (op.op) {
        case 'create': {
          const { type, request } = this.createRequest(op.path, op.data, op);
          return { type: type ?? OpCode.create, request } as MultiOp;
        }
        case 'delete':
          return { type: OpCode.delete, request: { path: this.serverPath(op.path), version: op.version ?? -1 } };
        case 'check':
          return { type: OpCode.check, request: { path: this.serverPath(op.path), version: op.version } };
        case 'setData':
          return { type: OpCode.setData, request: { path: this.serverPath(op.path), data: toBuffer(op.data), version: op.version ?? -1 } };
      }
    });
    const results = await this.call(OpCode.multi, undefined, (w) => writeMultiRequest(w, wireOps), (r) => readMultiResponse(r));
    const stripped = results.map((r) => this.stripResult(r));
    const failed = stripped.findIndex((r) => r.type === OpCode.error && r.err !== ErrorCode.ok && r.err !== ErrorCode.runtimeInconsistency);
    if (failed >= 0) {
      const failure = stripped[failed] as { err: number };
      throw new MultiError(failure.err, ops[failed]?.path, stripped);
    }
    return stripped;
  }

  /** Reads in one round trip; each op succeeds or fails on its own (error results carry the code). */
  async multiRead(ops: readonly ReadOp[]): Promise<MultiResult[]> {
    const wireOps: MultiOp[] = ops.map((op) => ({
      type: op.op === 'getData' ? OpCode.getData : OpCode.getChildren,
      request: { path: this.serverPath(op.path), watch: false },
    }));
    const results = await this.call(OpCode.multiRead, undefined, (w) => writeMultiRequest(w, wireOps), (r) => readMultiResponse(r));
    return results.map((r) => this.stripResult(r));
  }

  private stripResult(result: MultiResult): MultiResult {
    if (result.type === OpCode.create || result.type === OpCode.create2) {
      return { ...result, path: this.chroot.toClient(result.path) };
    }
    return result;
  }

  /** A persistent (or persistent recursive) watch: it stays after firing, until removed. */
  async addWatch(path: string, watcher: Watcher, mode: number = AddWatchMode.persistent): Promise<void> {
    const serverPath = this.serverPath(path);
    await this.call(
      OpCode.addWatch,
      path,
      (w) => AddWatchRequestCodec.write(w, { path: serverPath, mode }),
      () => undefined,
      (err) => {
        if (err === ErrorCode.ok) {
          this.watches.add(mode === AddWatchMode.persistentRecursive ? 'persistentRecursive' : 'persistent', path, watcher);
        }
      },
    );
  }

  /**
   * Removes watches of a WatcherType on path: one watcher (the server is asked with checkWatches, since other
   * local callbacks may share its watch) or all of them (removeWatches). `local` removes them here even when the
   * server cannot be asked. Removed callbacks get a DataWatchRemoved/ChildWatchRemoved/PersistentWatchRemoved event.
   */
  async removeWatches(path: string, watcherType: number, options: { watcher?: Watcher; local?: boolean } = {}): Promise<void> {
    const serverPath = this.serverPath(path);
    if (!this.watches.contains(path, watcherType, options.watcher)) throw new KeeperError(ErrorCode.noWatcher, path);
    if (!options.local) {
      const opcode = options.watcher !== undefined ? OpCode.checkWatches : OpCode.removeWatches;
      await this.call(opcode, path, (w) => RemoveWatchesRequestCodec.write(w, { path: serverPath, type: watcherType }), () => undefined);
    }
    for (const { watcher, type } of this.watches.remove(path, watcherType, options.watcher)) {
      this.callWatcher(watcher, { type, state: KeeperState.syncConnected, path });
    }
  }

  /** checkWatches (opcode 17): rejects with NoWatcher when the server holds no such watch. */
  async checkWatches(path: string, watcherType: number): Promise<void> {
    const serverPath = this.serverPath(path);
    await this.call(OpCode.checkWatches, path, (w) => RemoveWatchesRequestCodec.write(w, { path: serverPath, type: watcherType }), () => undefined);
  }

  /** Adds credentials to the session; they are sent again after every reconnect. */
  async addAuth(scheme: string, auth: Buffer | string): Promise<void> {
    const bytes = typeof auth === 'string' ? Buffer.from(auth, 'utf8') : auth;
    this.authInfo.push({ scheme, auth: bytes });
    const reply = await this.submit(OpCode.auth, (w) => AuthPacketCodec.write(w, { type: 0, scheme, auth: bytes }), Xid.auth);
    if (reply.header.err !== ErrorCode.ok) {
      this.authInfo.pop();
      if (reply.header.err === ErrorCode.authFailed) this.terminate('authFailed');
      throw new KeeperError(reply.header.err);
    }
  }

  async whoAmI(): Promise<ClientInfo[]> {
    return this.call(OpCode.whoAmI, undefined, undefined, (r) => WhoAmIResponseCodec.read(r).clientInfo);
  }

  /** Dynamic reconfiguration; returns the new config znode's data and Stat. */
  async reconfig(change: {
    joiningServers?: string | null;
    leavingServers?: string | null;
    newMembers?: string | null;
    fromConfig?: bigint;
  }): Promise<{ data: Buffer | null; stat: Stat }> {
    const request = {
      joiningServers: change.joiningServers ?? null,
      leavingServers: change.leavingServers ?? null,
      newMembers: change.newMembers ?? null,
      curConfigId: change.fromConfig ?? -1n,
    };
    return this.call(OpCode.reconfig, undefined, (w) => ReconfigRequestCodec.write(w, request), (r) => GetDataResponseCodec.read(r));
  }

  /** Ends the session on the server (closeSession) and stops reconnecting. */
  async close(): Promise<void> {
    if (this.closeRequested) {
      await this.loop;
      return;
    }
    this.closeRequested = true;
    const connection = this.connection;
    if (connection !== undefined && !connection.closed && !terminalStates.has(this.stateValue)) await connection.close();
    if (!terminalStates.has(this.stateValue)) this.terminate('closed');
    await this.loop;
  }

  /** Drops the socket without ending the session (a simulated network failure); the client reconnects. */
  dropConnection(): void {
    this.connection?.destroy('connection dropped by client');
  }
}

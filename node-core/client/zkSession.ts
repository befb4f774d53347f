// The session half of ZkClient: one ZooKeeper session kept across server loss (reconnecting through the ensemble with
// session id, password and last zxid), its state machine and events, auth replay and watches re-registered after each
// reconnect, and the request queue that waits for a live connection. ZkClient adds the operations on top.
import { EventEmitter } from 'node:events';
import type { JuteReader, JuteWriter } from '../jute/index.js';
import {
  AuthPacketCodec,
  ErrorCode,
  EventType,
  KeeperError,
  KeeperState,
  OpCode,
  SetWatches2Codec,
  SetWatchesCodec,
  Xid,
  type SetWatchesRequest,
  type WatcherEvent,
} from '../protocol/index.js';
import { createLogger, type Logger } from '../log/logger.js';
import { saslLogin, type SaslCredentials } from './saslLogin.js';
import { ClientWatchRegistry, type WatchKind, type Watcher, type WatchedEvent } from './clientWatchRegistry.js';
import { Chroot, parseConnectString, shuffled, validatePath, type HostPort } from './connectString.js';
import { ReadWriteSeeker } from './readWriteSeeker.js';
import {
  ConnectionLossError,
  SessionExpiredError,
  ZkConnection,
  type ZkReply,
  type ZkTlsOptions,
} from './zkConnection.js';
import type { ZkClientState } from './clientState.js';

export type { ZkClientState };

/** The KeeperState a state change is reported with to watchers (none while still connecting). */
export const keeperStateOf: Readonly<Partial<Record<ZkClientState, number>>> = {
  connected: KeeperState.syncConnected,
  connectedReadOnly: KeeperState.connectedReadOnly,
  disconnected: KeeperState.disconnected,
  expired: KeeperState.expired,
  authFailed: KeeperState.authFailed,
  closed: KeeperState.closed,
};

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
  /** SASL login run on every connection before any request (the Java client's JAAS Client section). */
  sasl?: SaslCredentials;
  logger?: Logger;
}

export type ZkClientEvents = {
  state: [state: ZkClientState];
  /** Every watch notification the server sends, with the chroot-relative path. */
  watch: [event: WatchedEvent];
  /** One attempt to reach `server` ("host:port") failed; the client moves on to the next server. */
  connectFailed: [server: string, error: Error];
} & { [S in ZkClientState]: [] };

/** ZooKeeper's client splits setWatches at 128 KiB so a reconnect never sends a frame the server refuses. */
const setWatchesBatchBytes = 128 * 1024;

const terminalStates: ReadonlySet<ZkClientState> = new Set(['expired', 'authFailed', 'closed']);

interface QueuedRequest {
  run: (connection: ZkConnection) => void;
  fail: (error: Error) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** The session and connection state machine behind ZkClient; not meant to be used on its own. */
export abstract class ZkSession extends EventEmitter<ZkClientEvents> {
  protected readonly hosts: HostPort[];
  protected readonly chroot: Chroot;
  protected readonly options: Required<
    Pick<ZkClientOptions, 'sessionTimeout' | 'readOnly' | 'maxBuffer' | 'retryDelayMs' | 'maxRetryDelayMs'>
  > &
    ZkClientOptions;
  protected readonly log: Logger;
  protected readonly watches = new ClientWatchRegistry();
  protected readonly authInfo: Array<{ scheme: string; auth: Buffer }> = [];
  protected readonly queue: QueuedRequest[] = [];
  protected stateValue: ZkClientState = 'connecting';
  protected connection: ZkConnection | undefined;
  protected sessionIdValue: bigint;
  protected passwdValue: Buffer;
  protected negotiatedTimeoutValue = 0;
  protected lastZxid = 0n;
  protected hostIndex = 0;
  protected seenReadWriteServer = false;
  protected setWatches2Unsupported = false;
  protected closeRequested = false;
  protected readonly loop: Promise<void>;
  /** On a read-only server: looks for a read-write one, which the next connect then goes to first. */
  private readonly seeker: ReadWriteSeeker;
  private preferredHost: HostPort | undefined;

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
    this.seeker = new ReadWriteSeeker(this.hosts, (host) => {
      this.preferredHost = host;
      this.connection?.destroy(`${host.host}:${host.port} is a read-write server`);
    });
    // Keep the process alive while the session is; listeners attached after construction still see every state.
    this.loop = this.runSession();
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

  protected setState(state: ZkClientState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('state', state);
    this.emit(state);
    const keeperState = keeperStateOf[state];
    if (keeperState !== undefined) {
      const event: WatchedEvent = { type: EventType.none, state: keeperState, path: undefined };
      const targets = new Set(this.watches.all());
      if (this.options.defaultWatcher !== undefined) targets.add(this.options.defaultWatcher);
      for (const watcher of targets) this.callWatcher(watcher, event);
    }
  }

  protected terminalError(): KeeperError {
    if (this.stateValue === 'authFailed') return new KeeperError(ErrorCode.authFailed);
    if (this.stateValue === 'expired' || this.stateValue === 'closed') return new KeeperError(ErrorCode.sessionExpired);
    return new ConnectionLossError(`client is ${this.stateValue}`);
  }

  protected nextHost(): HostPort {
    const preferred = this.preferredHost;
    this.preferredHost = undefined;
    if (preferred !== undefined) return preferred;
    const host = this.hosts[this.hostIndex % this.hosts.length]!;
    this.hostIndex = (this.hostIndex + 1) % this.hosts.length;
    return host;
  }

  protected async runSession(): Promise<void> {
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
      if (connection.readOnly) this.seeker.start(host);
      for (const queued of this.queue.splice(0)) queued.run(connection);
      const reason = await closed;
      this.seeker.stop();
      this.lastZxid = connection.lastZxid > this.lastZxid ? connection.lastZxid : this.lastZxid;
      if (this.closeRequested || terminalStates.has(this.stateValue)) break;
      this.log.info(`disconnected from ${host.host}:${host.port}: ${reason?.message ?? 'closed'}`);
      // Stays 'disconnected' while reconnecting, as ZooKeeper reports only Disconnected until SyncConnected.
      this.setState('disconnected');
    }
  }

  /** Replays auth and watches on a fresh connection before user requests may use it. */
  protected async prime(connection: ZkConnection): Promise<'ok' | 'lost' | 'authFailed'> {
    try {
      if (this.options.sasl !== undefined && (await saslLogin(connection, this.options.sasl)) === 'authFailed') return 'authFailed';
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

  protected async resetWatches(connection: ZkConnection): Promise<void> {
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

  protected terminate(state: 'expired' | 'authFailed' | 'closed'): void {
    this.seeker.stop();
    this.setState(state);
    const error = this.terminalError();
    this.failQueue(error);
    this.watches.clear();
    const connection = this.connection;
    if (connection !== undefined && !connection.closed) connection.destroy('client session ended');
  }

  protected failQueue(error: Error): void {
    // Queued requests were never written to any socket, whatever the connection's error says.
    const notSent = error instanceof ConnectionLossError ? new ConnectionLossError(error.reason, false) : error;
    for (const queued of this.queue.splice(0)) queued.fail(notSent);
  }

  protected onWatcherEvent(raw: WatcherEvent): void {
    const path = this.chroot.toClient(raw.path);
    const event: WatchedEvent = { type: raw.type, state: raw.state, path };
    const targets = new Set(this.watches.materialize(raw.type, path));
    if (this.options.defaultWatcher !== undefined) targets.add(this.options.defaultWatcher);
    this.emit('watch', event);
    for (const watcher of targets) this.callWatcher(watcher, event);
  }

  protected callWatcher(watcher: Watcher, event: WatchedEvent): void {
    try {
      watcher(event);
    } catch (err) {
      this.log.error(`watcher threw: ${(err as Error).stack ?? String(err)}`);
    }
  }

  // ---- requests ----

  /** Sends on the live connection, or waits for the next one; a failed connect attempt fails waiting requests. */
  protected submit(type: number, writeBody?: (w: JuteWriter) => void, xid?: number): Promise<ZkReply> {
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
  protected async call<T>(
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

  protected serverPath(path: string, isSequential = false): string {
    validatePath(path, isSequential);
    return this.chroot.toServer(path);
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

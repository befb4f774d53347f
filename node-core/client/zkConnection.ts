// One socket to one ZooKeeper server: the ConnectRequest handshake, pipelined requests matched to replies by xid,
// pings while idle, and watch notifications. Raw on purpose (reply headers are returned, never turned into
// errors) so the high-level client and the differential test harness both build on it.
import { EventEmitter } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { FrameDecoder, JuteReader, JuteWriter, defaultMaxBuffer } from '../jute/index.js';
import { hexLong } from '../protocol/javaText.js';
import {
  ConnectRequestCodec,
  ConnectResponseCodec,
  ErrorCode,
  KeeperError,
  OpCode,
  ReplyHeaderCodec,
  RequestHeaderCodec,
  WatcherEventCodec,
  Xid,
  protocolVersion,
  type ReplyHeader,
  type WatcherEvent,
} from '../protocol/index.js';

export interface ZkTlsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  servername?: string;
  /** Defaults to true; tests against self-signed servers without a CA may turn it off. */
  rejectUnauthorized?: boolean;
}

export interface ZkConnectOptions {
  host: string;
  port: number;
  /** Requested session timeout in ms; the server clamps it to [2, 20] x tickTime. */
  sessionTimeout: number;
  sessionId?: bigint;
  passwd?: Buffer;
  lastZxidSeen?: bigint;
  readOnly?: boolean;
  tls?: ZkTlsOptions;
  /** Largest frame accepted from the server (jute.maxbuffer). */
  maxBuffer?: number;
  /** Time allowed for the TCP/TLS connect plus the session handshake. */
  connectTimeoutMs?: number;
}

export interface ZkReply {
  header: ReplyHeader;
  /** Positioned just after the reply header; empty when header.err is not 0. */
  body: JuteReader;
}

/**
 * The socket is gone (or never came up); requests in flight on it have an unknown outcome. `sent` is false for a
 * request that waited for a connection and never went out: that one certainly did not happen.
 */
export class ConnectionLossError extends KeeperError {
  constructor(
    readonly reason: string,
    readonly sent = true,
  ) {
    super(ErrorCode.connectionLoss);
    this.name = 'ConnectionLossError';
    this.message = `${this.message}: ${reason}`;
  }
}

/** The server answered the handshake with timeOut 0: the session we tried to resume no longer exists. */
export class SessionExpiredError extends KeeperError {
  constructor(readonly sessionId: bigint) {
    super(ErrorCode.sessionExpired);
    this.name = 'SessionExpiredError';
    this.message = `${this.message}: session ${hexLong(sessionId)}`;
  }
}

export interface ZkConnectionEvents {
  /** A watch notification (xid -1). */
  event: [event: WatcherEvent];
  /** Emitted once; `error` is undefined after a clean close(). */
  close: [error: ConnectionLossError | undefined];
}

interface PendingRequest {
  xid: number;
  type: number;
  resolve: (reply: ZkReply) => void;
  reject: (error: Error) => void;
}

const zeroPasswd = Buffer.alloc(16);
const maxXid = 0x7fffffff;

// xids that may be answered ahead of requests sent before them: ZooKeeper answers auth packets straight from the
// connection thread and pings may be short-circuited, so these two do not follow the pipeline order.
const outOfOrderXids: ReadonlySet<number> = new Set([Xid.ping, Xid.auth]);

function encodeFrame(write: (w: JuteWriter) => void): Buffer {
  const writer = new JuteWriter();
  write(writer);
  return writer.frame();
}

function openSocket(options: ZkConnectOptions): Socket {
  if (options.tls === undefined) return netConnect({ host: options.host, port: options.port, noDelay: true });
  const tls = options.tls;
  return tlsConnect({
    host: options.host,
    port: options.port,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    servername: tls.servername ?? (/^[\d.:]+$/.test(options.host) ? undefined : options.host),
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  });
}

export class ZkConnection extends EventEmitter<ZkConnectionEvents> {
  readonly host: string;
  readonly port: number;
  private sessionIdValue = 0n;
  private passwdValue: Buffer = zeroPasswd;
  private timeoutValue = 0;
  private readOnlyValue = false;
  private lastZxidValue: bigint;
  private nextXid = 1;
  private readonly pending: PendingRequest[] = [];
  private readonly decoder: FrameDecoder;
  private closedWith: ConnectionLossError | undefined | null = null; // null while open
  private closing = false;
  private lastSendAt = 0;
  private lastReceiveAt = 0;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly socket: Socket,
    options: ZkConnectOptions,
  ) {
    super();
    this.host = options.host;
    this.port = options.port;
    this.lastZxidValue = options.lastZxidSeen ?? 0n;
    this.decoder = new FrameDecoder(options.maxBuffer ?? defaultMaxBuffer);
  }

  /** Connects and establishes (or resumes) a session; rejects with ConnectionLossError or SessionExpiredError. */
  static connect(options: ZkConnectOptions): Promise<ZkConnection> {
    const socket = openSocket(options);
    const connection = new ZkConnection(socket, options);
    return connection.handshake(options);
  }

  get sessionId(): bigint {
    return this.sessionIdValue;
  }
  get passwd(): Buffer {
    return this.passwdValue;
  }
  get negotiatedTimeout(): number {
    return this.timeoutValue;
  }
  get readOnly(): boolean {
    return this.readOnlyValue;
  }
  /** The highest zxid seen in a reply header (what a reconnect sends as lastZxidSeen). */
  get lastZxid(): bigint {
    return this.lastZxidValue;
  }
  get closed(): boolean {
    return this.closedWith !== null;
  }
  /** Requests sent and not yet answered. */
  get outstanding(): number {
    return this.pending.length;
  }

  private handshake(options: ZkConnectOptions): Promise<ZkConnection> {
    const socket = this.socket;
    const connectTimeoutMs = options.connectTimeoutMs ?? Math.max(options.sessionTimeout, 1_000);
    const address = `${options.host}:${options.port}`;
    return new Promise<ZkConnection>((resolve, reject) => {
      let settled = false;
      const fail = (reason: string, error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        socket.destroy();
        reject(error ?? new ConnectionLossError(`${address}: ${reason}`));
      };
      const deadline = setTimeout(() => fail(`no session established within ${connectTimeoutMs} ms`), connectTimeoutMs);
      const connectEvent = options.tls === undefined ? 'connect' : 'secureConnect';
      socket.once(connectEvent, () => {
        const request = {
          protocolVersion,
          lastZxidSeen: options.lastZxidSeen ?? 0n,
          timeOut: options.sessionTimeout,
          sessionId: options.sessionId ?? 0n,
          passwd: options.passwd ?? zeroPasswd,
          readOnly: options.readOnly ?? false,
        };
        socket.write(encodeFrame((w) => ConnectRequestCodec.write(w, request)));
      });
      const onData = (chunk: Buffer) => {
        let frames: Buffer[];
        try {
          frames = this.decoder.push(chunk);
        } catch (err) {
          fail(`bad frame during handshake: ${(err as Error).message}`);
          return;
        }
        if (frames.length === 0) return;
        let response;
        try {
          response = ConnectResponseCodec.read(new JuteReader(frames[0]!));
        } catch (err) {
          fail(`malformed ConnectResponse: ${(err as Error).message}`);
          return;
        }
        if (response.timeOut <= 0) {
          fail('session expired', new SessionExpiredError(options.sessionId ?? 0n));
          return;
        }
        settled = true;
        clearTimeout(deadline);
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('close', onClose);
        this.sessionIdValue = response.sessionId;
        this.passwdValue = response.passwd;
        this.timeoutValue = response.timeOut;
        this.readOnlyValue = response.readOnly ?? false;
        this.start();
        resolve(this);
        // Frames the server sent right behind the ConnectResponse belong to the open connection.
        for (const frame of frames.slice(1)) {
          if (this.closed) break;
          this.onFrame(frame);
        }
      };
      const onError = (err: Error) => fail(err.message);
      const onClose = () => fail('connection closed during handshake');
      socket.on('data', onData);
      socket.on('error', onError);
      socket.on('close', onClose);
    });
  }

  private start(): void {
    const now = Date.now();
    this.lastSendAt = now;
    this.lastReceiveAt = now;
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => this.shutdown(new ConnectionLossError(err.message)));
    this.socket.on('close', () =>
      this.shutdown(this.closing ? undefined : new ConnectionLossError('connection closed by server')),
    );
    // Like ZooKeeper's client: ping after a third of the timeout without sending, and give up on a server silent
    // for two thirds of it, so a hung server is noticed before the session itself expires.
    const pingAfter = Math.floor(this.timeoutValue / 3);
    const readTimeout = Math.floor((this.timeoutValue * 2) / 3);
    const tick = Math.max(10, Math.min(500, Math.floor(pingAfter / 4)));
    this.timer = setInterval(() => {
      const at = Date.now();
      if (at - this.lastReceiveAt > readTimeout) {
        this.shutdown(new ConnectionLossError(`no reply from server for ${at - this.lastReceiveAt} ms`));
      } else if (at - this.lastSendAt >= pingAfter && !this.closing) {
        this.send(Xid.ping, OpCode.ping);
      }
    }, tick);
    this.timer.unref();
  }

  private send(xid: number, type: number, writeBody?: (w: JuteWriter) => void): void {
    const frame = encodeFrame((w) => {
      RequestHeaderCodec.write(w, { xid, type });
      writeBody?.(w);
    });
    this.lastSendAt = Date.now();
    this.socket.write(frame);
  }

  /**
   * Sends one request and resolves with the raw reply, whatever its err code. Rejects only when the connection is
   * lost before the reply arrives. `xid` overrides the counter for the special xids (-2 ping, -4 auth, -8
   * setWatches).
   */
  request(type: number, writeBody?: (w: JuteWriter) => void, xid?: number): Promise<ZkReply> {
    if (this.closedWith !== null || (this.closing && type !== OpCode.closeSession)) {
      return Promise.reject(this.closedWith ?? new ConnectionLossError('connection is closing'));
    }
    const useXid = xid ?? this.allocateXid();
    return new Promise<ZkReply>((resolve, reject) => {
      this.pending.push({ xid: useXid, type, resolve, reject });
      this.send(useXid, type, writeBody);
    });
  }

  private allocateXid(): number {
    const xid = this.nextXid;
    this.nextXid = xid >= maxXid ? 1 : xid + 1;
    return xid;
  }

  private onData(chunk: Buffer): void {
    this.lastReceiveAt = Date.now();
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.shutdown(new ConnectionLossError(`protocol error: ${(err as Error).message}`));
      return;
    }
    for (const frame of frames) {
      if (this.closedWith !== null) return;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    let header: ReplyHeader;
    let event: WatcherEvent | undefined;
    const reader = new JuteReader(frame);
    try {
      header = ReplyHeaderCodec.read(reader);
      if (header.xid === Xid.watchEvent) event = WatcherEventCodec.read(reader);
    } catch (err) {
      this.shutdown(new ConnectionLossError(`protocol error: ${(err as Error).message}`));
      return;
    }
    if (event !== undefined) {
      this.emit('event', event);
      return;
    }
    const head = this.pending[0];
    let index = -1;
    if (head !== undefined && head.xid === header.xid) index = 0;
    else if (outOfOrderXids.has(header.xid)) index = this.pending.findIndex((p) => p.xid === header.xid);
    if (index < 0) {
      // Our own keep-alive pings are not tracked.
      if (header.xid === Xid.ping) return;
      const expected = head === undefined ? 'none outstanding' : `expected xid ${head.xid}`;
      this.shutdown(new ConnectionLossError(`protocol error: reply xid ${header.xid} out of order (${expected})`));
      return;
    }
    const [request] = this.pending.splice(index, 1);
    if (header.xid !== Xid.ping && header.xid !== Xid.auth && header.zxid > this.lastZxidValue) {
      this.lastZxidValue = header.zxid;
    }
    request!.resolve({ header, body: reader });
  }

  /** Ends the session: closeSession (-11), its reply, then the socket. Never rejects. */
  async close(timeoutMs = 2_000): Promise<void> {
    if (this.closedWith !== null) return;
    if (!this.closing) {
      const closed = new Promise<void>((resolve) => this.once('close', () => resolve()));
      const reply = this.request(OpCode.closeSession).catch(() => undefined);
      this.closing = true;
      const timer = setTimeout(() => this.shutdown(undefined), timeoutMs);
      await reply;
      this.socket.end();
      await closed;
      clearTimeout(timer);
      return;
    }
    await new Promise<void>((resolve) => this.once('close', () => resolve()));
  }

  /** Drops the socket and leaves the session alive on the server (it expires unless a client resumes it). */
  destroy(reason = 'connection destroyed by client'): void {
    this.shutdown(new ConnectionLossError(reason));
  }

  private shutdown(error: ConnectionLossError | undefined): void {
    if (this.closedWith !== null) return;
    this.closedWith = error;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.socket.destroy();
    const failure = error ?? new ConnectionLossError('connection closed');
    for (const request of this.pending.splice(0)) request.reject(failure);
    this.emit('close', error);
  }
}

// One client socket: splits frames, tells a four-letter word from a ConnectRequest, decodes requests and hands them
// to the server, and writes replies and watch events. Any malformed byte closes this connection only.
import type { Socket } from 'node:net';
import { FrameDecoder, JuteReader, JuteWriter } from '../jute/index.js';
import {
  ConnectRequestCodec,
  ConnectResponseCodec,
  ReplyHeaderCodec,
  RequestHeaderCodec,
  WatcherEventCodec,
  isKnownOpCode,
  readRequestBody,
  writeResponseBody,
  type ConnectRequest,
  type ConnectResponse,
  type Id,
  type ReplyHeader,
  type RequestHeader,
} from '../protocol/index.js';
import type { Logger } from '../log/logger.js';
import { connectionAuthId } from '../tree/acl.js';
import type { OutstandingRequests } from './outstandingRequests.js';
import { LatencyStats } from './latencyStats.js';

export interface ConnectionHost {
  isFourLetterWord(word: string): boolean;
  runFourLetterWord(word: string, connection: ClientConnection): string;
  connect(connection: ClientConnection, request: ConnectRequest): void;
  request(connection: ClientConnection, header: RequestHeader, body: unknown): void;
  unknownRequest(connection: ClientConnection, header: RequestHeader): void;
  closed(connection: ClientConnection): void;
  /** The socket took the reply backlog: replies held back meanwhile may be produced now. */
  drained(connection: ClientConnection): void;
}

/** What one connection may cost the server before it is made to wait or is closed. */
export interface ConnectionLimits {
  /** jute.maxbuffer */
  maxBuffer: number;
  /** nio.sessionlessCnxnTimeout: how long a connection may take to send its ConnectRequest (or four-letter word). */
  handshakeTimeoutMs: number;
  /** clientOutputBufferLimit: replies and events a client leaves unread, in bytes, before its connection closes. */
  outputBufferLimit: number;
  /** The server-wide count of queued requests (globalOutstandingLimit). */
  outstanding: OutstandingRequests;
}

/**
 * A ConnectRequest is 45 bytes with the 16-byte password clients send; 1 KiB leaves room for any password a client
 * might choose while a connection that has not introduced itself holds no more than that of a partial frame.
 */
export const maxConnectRequestBytes = 1024;

/**
 * Once this much output waits for the client, the connection stops reading requests and produces no further read
 * replies until the socket drains: a client that pipelines reads and never reads the answers then fills its own
 * socket buffers instead of the server's memory (ZooKeeper likewise stops reading such a socket).
 */
export const replyBacklogPauseBytes = 1024 * 1024;

/** A request waiting in its connection's queue: replies leave in request order, and a read runs only once every
 * earlier request of the same connection has been applied. */
export interface QueuedRequest {
  header: RequestHeader;
  body: unknown;
  isWrite: boolean;
  receivedAt: number;
  reply?: Buffer;
  replyZxid?: bigint;
}

let nextConnectionId = 1;

export class ClientConnection {
  readonly id = nextConnectionId++;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly establishedAt = Date.now();
  sessionId = 0n;
  sessionTimeout = 0;
  /** Identities for ACL checks; ZooKeeper gives every connection its ip identity up front. */
  authInfo: Id[];
  readOnly = false;
  /** Whether the ConnectRequest carried the readOnly flag, so the ConnectResponse carries it too. */
  answerWithReadOnlyFlag = false;
  closing = false;
  private readonly queued: QueuedRequest[] = [];

  // Figures for cons/stat, as ZooKeeper's ServerCnxn keeps them.
  packetsReceived = 0;
  packetsSent = 0;
  lastOperation = 'NA';
  lastCxid = -1;
  lastZxid = -1n;
  lastResponseTime = 0;
  lastLatency = 0;
  readonly latency = new LatencyStats();

  private readonly decoder: FrameDecoder;
  private head: Buffer | null = Buffer.alloc(0);
  private handshakeTimer: NodeJS.Timeout | undefined;
  /** Frames received but not yet dispatched because the connection has to wait. */
  private unread: Buffer[] = [];
  private unreadIndex = 0;
  private readingPaused = false;
  private resumeScheduled = false;

  constructor(
    private readonly socket: Socket,
    private readonly host: ConnectionHost,
    private readonly logger: Logger,
    private readonly limits: ConnectionLimits,
  ) {
    this.remoteAddress = normaliseAddress(socket.remoteAddress ?? 'unknown');
    this.remotePort = socket.remotePort ?? 0;
    this.authInfo = [connectionAuthId(this.remoteAddress)];
    this.decoder = new FrameDecoder({ maxBuffer: limits.maxBuffer, firstFrameMaxBytes: maxConnectRequestBytes });
    this.handshakeTimer = setTimeout(() => this.handshakeTimedOut(), limits.handshakeTimeoutMs);
    this.handshakeTimer.unref();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => {
      this.host.drained(this);
      this.resumeReading();
    });
    socket.on('error', (error) => this.logger.debug(`connection ${this.describe()} error: ${error.message}`));
    socket.on('close', () => this.finish());
  }

  describe(): string {
    return `${this.remoteAddress}:${this.remotePort}${this.sessionId ? ` session 0x${this.sessionId.toString(16)}` : ''}`;
  }

  private receive(chunk: Buffer): void {
    if (this.closing) return;
    try {
      if (this.head !== null) {
        // Until four bytes have arrived we cannot tell a four-letter word from a frame length.
        this.head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
        if (this.head.length < 4) return;
        const word = this.head.toString('latin1', 0, 4);
        chunk = this.head;
        this.head = null;
        if (this.host.isFourLetterWord(word)) {
          this.answerFourLetterWord(word);
          return;
        }
      }
      const frames = this.decoder.push(chunk);
      if (frames.length > 0) this.unread = this.unreadIndex === this.unread.length ? frames : this.unread.concat(frames);
    } catch (error) {
      this.closeMalformed(error);
      return;
    }
    this.dispatchUnread();
  }

  private closeMalformed(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(`Closing connection ${this.describe()}: malformed packet (${reason})`);
    this.close();
  }

  /** Dispatches received frames until the connection has to wait, then stops reading its socket. */
  private dispatchUnread(): void {
    try {
      while (this.unreadIndex < this.unread.length) {
        if (this.closing) return;
        if (this.mustWait()) {
          this.pauseReading();
          return;
        }
        const frame = this.unread[this.unreadIndex++]!;
        this.packetsReceived++;
        this.dispatch(frame);
      }
    } catch (error) {
      this.closeMalformed(error);
      return;
    }
    this.unread = [];
    this.unreadIndex = 0;
    if (this.mustWait()) this.pauseReading();
    else if (this.readingPaused) {
      this.readingPaused = false;
      this.socket.resume();
    }
  }

  /** Whether this connection must stop reading: its replies are backed up, or too many requests are outstanding. */
  private mustWait(): boolean {
    if (!this.handshakeStarted) return false;
    return this.outputBackedUp || this.limits.outstanding.mustWait(this.queued.length);
  }

  /** As ZooKeeper's cons shows it: 1 while requests are read, plus 4 while replies wait to be written. */
  get interestOps(): number {
    return (this.readingPaused || this.closing ? 0 : 1) | (this.socket.writableLength > 0 ? 4 : 0);
  }

  get outputBackedUp(): boolean {
    return this.socket.writableLength >= replyBacklogPauseBytes;
  }

  private pauseReading(): void {
    if (!this.readingPaused) {
      this.readingPaused = true;
      this.socket.pause();
    }
    if (!this.outputBackedUp) this.limits.outstanding.wait(this);
  }

  /** Reads again if the reason to wait has gone (called on drain, on a dequeued request, or by the global count). */
  resumeReading(): void {
    if (!this.readingPaused || this.closing) return;
    this.dispatchUnread();
  }

  private handshakeTimedOut(): void {
    this.handshakeTimer = undefined;
    if (this.socket.destroyed) return;
    this.logger.info(
      `Closing connection ${this.describe()}: no ConnectRequest within ${this.limits.handshakeTimeoutMs} ms (nio.sessionlessCnxnTimeout)`,
    );
    this.close();
  }

  private answerFourLetterWord(word: string): void {
    let output: string;
    try {
      output = this.host.runFourLetterWord(word, this);
    } catch (error) {
      output = `Error: ${error instanceof Error ? error.message : String(error)}\n`;
    }
    this.closing = true;
    this.socket.end(output);
  }

  private dispatch(frame: Buffer): void {
    const reader = new JuteReader(frame);
    if (!this.handshakeStarted) {
      this.handshakeStarted = true;
      clearTimeout(this.handshakeTimer);
      this.handshakeTimer = undefined;
      this.host.connect(this, ConnectRequestCodec.read(reader));
      return;
    }
    // Requests may follow the ConnectRequest before its answer (the Java client sends setWatches and auth at once);
    // they queue behind the session's creation.
    const header = RequestHeaderCodec.read(reader);
    if (!isKnownOpCode(header.type)) {
      this.host.unknownRequest(this, header);
      return;
    }
    const body = readRequestBody(header.type, reader);
    this.host.request(this, header, body);
  }

  private handshakeStarted = false;

  static connectResponseFrame(response: ConnectResponse): Buffer {
    const writer = new JuteWriter(64);
    ConnectResponseCodec.write(writer, response);
    return writer.frame();
  }

  sendConnectResponse(response: ConnectResponse): void {
    this.write(ClientConnection.connectResponseFrame(response));
  }

  /** Encodes a reply: the header alone when err != 0, as ZooKeeper does. */
  static encodeReply(header: ReplyHeader, type: number, body: unknown): Buffer {
    const writer = new JuteWriter(body === undefined || header.err !== 0 ? 16 : 256);
    ReplyHeaderCodec.write(writer, header);
    if (header.err === 0 && body !== undefined && body !== null) writeResponseBody(type, writer, body);
    return writer.frame();
  }

  sendEvent(type: number, state: number, path: string): void {
    const writer = new JuteWriter(64);
    ReplyHeaderCodec.write(writer, { xid: -1, zxid: -1n, err: 0 });
    WatcherEventCodec.write(writer, { type, state, path });
    this.write(writer.frame());
  }

  write(frame: Buffer): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.packetsSent++;
    // Replies produced in one turn (a group commit answers many at once) leave in one write system call.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(frame);
    // Reads stop at a smaller backlog (see replyBacklogPauseBytes); what still grows is watch events and replies
    // to requests already taken, and a client that lets them pile up this far is not reading at all.
    if (this.socket.writableLength > this.limits.outputBufferLimit) {
      this.logger.warn(
        `Closing connection ${this.describe()}: ${this.socket.writableLength} bytes of replies and events unread ` +
          `(clientOutputBufferLimit ${this.limits.outputBufferLimit})`,
      );
      this.close();
    }
  }

  private corked = false;

  recordLatency(receivedAt: number, now: number, header: RequestHeader, zxid: bigint, operation: string): void {
    const latency = now - receivedAt;
    this.lastLatency = latency;
    this.lastResponseTime = now;
    this.lastCxid = header.xid;
    this.lastZxid = zxid;
    this.lastOperation = operation;
    this.latency.record(latency);
  }

  resetStats(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.lastOperation = 'NA';
    this.lastCxid = -1;
    this.lastZxid = -1n;
    this.lastResponseTime = 0;
    this.lastLatency = 0;
    this.latency.reset();
  }

  get outstandingRequests(): number {
    return this.queued.length;
  }

  /** The oldest request still waiting for its reply to leave. */
  get queueHead(): QueuedRequest | undefined {
    return this.queued[0];
  }

  enqueue(request: QueuedRequest): void {
    this.queued.push(request);
    if (!this.finished) this.limits.outstanding.added();
  }

  dequeue(): QueuedRequest | undefined {
    const request = this.queued.shift();
    if (request !== undefined && !this.finished) {
      this.limits.outstanding.removed();
      if (this.readingPaused) this.scheduleResume();
    }
    return request;
  }

  /** Forgets every queued request (the session closed or moved; no further reply leaves). */
  clearQueue(): void {
    if (!this.finished) this.limits.outstanding.removed(this.queued.length);
    this.queued.length = 0;
  }

  // On a later turn: dequeue runs inside the pipeline's reply loop, which dispatching new requests would re-enter.
  private scheduleResume(): void {
    if (this.resumeScheduled) return;
    this.resumeScheduled = true;
    setImmediate(() => {
      this.resumeScheduled = false;
      this.resumeReading();
    });
  }

  /** Flushes what was written, then closes; used after a closeSession reply or an expired handshake. */
  closeAfterFlush(): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.end();
  }

  close(): void {
    if (this.socket.destroyed) return;
    this.closing = true;
    this.socket.destroy();
  }

  /**
   * Closes once what was already written has left, and at the latest after graceMs, so that a client that never
   * reads cannot hold the socket: the reply to a write that committed just before this member stopped serving
   * (written in the same turn, still corked) must reach its client rather than turn into a ConnectionLoss.
   */
  closeSoon(graceMs = 1_000): void {
    if (this.socket.destroyed) return;
    this.closing = true;
    if (!this.socket.writableEnded) this.socket.end();
    setTimeout(() => this.socket.destroy(), graceMs).unref();
  }

  private finished = false;
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.closing = true;
    clearTimeout(this.handshakeTimer);
    this.limits.outstanding.forget(this);
    this.limits.outstanding.removed(this.queued.length);
    this.host.closed(this);
  }
}

function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

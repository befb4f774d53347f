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

export interface ConnectionHost {
  isFourLetterWord(word: string): boolean;
  runFourLetterWord(word: string, connection: ClientConnection): string;
  connect(connection: ClientConnection, request: ConnectRequest): void;
  request(connection: ClientConnection, header: RequestHeader, body: unknown): void;
  unknownRequest(connection: ClientConnection, header: RequestHeader): void;
  closed(connection: ClientConnection): void;
}

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
  readonly queue: QueuedRequest[] = [];

  // Figures for cons/stat, as ZooKeeper's ServerCnxn keeps them.
  packetsReceived = 0;
  packetsSent = 0;
  lastOperation = 'NA';
  lastCxid = -1;
  lastZxid = -1n;
  lastResponseTime = 0;
  lastLatency = 0;
  minLatency = Number.MAX_SAFE_INTEGER;
  maxLatency = 0;
  totalLatency = 0;
  latencyCount = 0;

  private readonly decoder: FrameDecoder;
  private head: Buffer | null = Buffer.alloc(0);

  constructor(
    private readonly socket: Socket,
    private readonly host: ConnectionHost,
    private readonly logger: Logger,
    maxBuffer: number,
  ) {
    this.remoteAddress = normaliseAddress(socket.remoteAddress ?? 'unknown');
    this.remotePort = socket.remotePort ?? 0;
    this.authInfo = [connectionAuthId(this.remoteAddress)];
    this.decoder = new FrameDecoder(maxBuffer);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
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
      for (const frame of this.decoder.push(chunk)) {
        if (this.closing) return;
        this.packetsReceived++;
        this.dispatch(frame);
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Closing connection ${this.describe()}: malformed packet (${reason})`);
      this.close();
    }
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
    if (this.socket.destroyed) return;
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
  }

  private corked = false;

  recordLatency(receivedAt: number, now: number, header: RequestHeader, zxid: bigint, operation: string): void {
    const latency = now - receivedAt;
    this.lastLatency = latency;
    this.lastResponseTime = now;
    this.lastCxid = header.xid;
    this.lastZxid = zxid;
    this.lastOperation = operation;
    this.minLatency = Math.min(this.minLatency, latency);
    this.maxLatency = Math.max(this.maxLatency, latency);
    this.totalLatency += latency;
    this.latencyCount++;
  }

  resetStats(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.lastOperation = 'NA';
    this.lastCxid = -1;
    this.lastZxid = -1n;
    this.lastResponseTime = 0;
    this.lastLatency = 0;
    this.minLatency = Number.MAX_SAFE_INTEGER;
    this.maxLatency = 0;
    this.totalLatency = 0;
    this.latencyCount = 0;
  }

  get outstandingRequests(): number {
    return this.queue.length;
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

  private finished = false;
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.closing = true;
    this.host.closed(this);
  }
}

function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

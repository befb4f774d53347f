// A TCP proxy for one directed link between two members (member A dials B's quorum or election port through it).
// Cutting it resets every connection it carries and resets new ones on arrival, which both ends see as a network
// failure; healing lets connections through again.
import { connect, type Socket } from 'node:net';
import { rewriteInitialMessage } from './electionHandshake.js';
import { LOOPBACK } from './portAllocator.js';
import { ProxyListener, resetSocket as reset } from './proxyListener.js';

export interface LinkProxyOptions {
  listenPort: number;
  targetPort: number;
  /** For election links: the address the target should dial back on (the reverse proxy), see electionHandshake. */
  electionCallbackAddress?: string;
}

/** How long a connection waits for a target that refuses (not listening yet, or down) before it is reset. */
const UPSTREAM_RETRY_MS = 2000;
const UPSTREAM_RETRY_INTERVAL_MS = 50;

export class LinkProxy {
  private readonly listener: ProxyListener;
  private readonly pairs = new Set<[Socket, Socket]>();
  private cutState = false;

  constructor(private readonly options: LinkProxyOptions) {
    this.listener = new ProxyListener(options.listenPort, (socket) => this.accept(socket));
  }

  get cut(): boolean {
    return this.cutState;
  }

  get listenPort(): number {
    return this.options.listenPort;
  }

  get activeConnections(): number {
    return this.pairs.size;
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  setCut(cut: boolean): void {
    this.cutState = cut;
    if (!cut) return;
    for (const [a, b] of this.pairs) {
      reset(a);
      reset(b);
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.setCut(true);
    await this.listener.close();
  }

  private accept(client: Socket): void {
    client.on('error', () => undefined);
    if (this.cutState) {
      reset(client);
      return;
    }
    // The kernel has already completed the client's handshake, so a refused upstream cannot be passed on as a
    // refusal. A server that is about to listen (a new leader opening its quorum port) would turn that into a reset
    // mid-handshake, which learners treat as a failed sync and start a new election over; so keep the client waiting
    // (its bytes buffered) and retry for a while, as a learner itself retries a refused connect.
    client.pause();
    const deadline = Date.now() + UPSTREAM_RETRY_MS;
    let clientGone = false;
    client.once('close', () => (clientGone = true));
    const attempt = () => {
      if (clientGone) return;
      if (this.cutState) {
        reset(client);
        return;
      }
      const upstream = connect({ host: LOOPBACK, port: this.options.targetPort, noDelay: true });
      upstream.once('connect', () => {
        upstream.off('error', retry);
        upstream.on('error', () => undefined);
        if (clientGone || this.cutState) {
          reset(upstream);
          reset(client);
          return;
        }
        this.bridge(client, upstream);
      });
      const retry = () => {
        upstream.destroy();
        if (Date.now() >= deadline) reset(client);
        else setTimeout(attempt, UPSTREAM_RETRY_INTERVAL_MS);
      };
      upstream.once('error', retry);
    };
    attempt();
  }

  private bridge(client: Socket, upstream: Socket): void {
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const teardown = () => {
      this.pairs.delete(pair);
      reset(client);
      reset(upstream);
    };
    client.once('close', teardown);
    upstream.once('close', teardown);
    if (client.destroyed) {
      teardown();
      return;
    }

    const callback = this.options.electionCallbackAddress;
    if (callback === undefined) {
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      return;
    }
    // Hold the client's first bytes until the initial message is complete, rewrite it, then just pipe.
    let pending = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      const result = rewriteInitialMessage(pending, callback);
      if (result.kind === 'incomplete') return;
      client.off('data', onData);
      upstream.write(result.bytes);
      client.pipe(upstream);
    };
    client.on('data', onData);
    upstream.pipe(client);
    client.resume();
  }
}

// A typed client of the admin API for the renderer and tests: `call(method, params)` resolves with the method's
// result or rejects with ApiCallError, `on(event, listener)` receives pushed events. It runs over any
// ApiTransport; connectApiWebSocket builds the WebSocket one (browser WebSocket, or the `ws` package in Node).
// No Node imports here, so the renderer can bundle it.
import type {
  ApiError,
  ApiEventName,
  ApiEvents,
  ApiMethod,
  ApiParams,
  ApiResult,
  EventMessage,
  RequestMessage,
  ResponseMessage,
} from './contract.js';

/** What carries messages: JSON text over a WebSocket, structured clones over Electron IPC. */
export interface ApiTransport {
  send(message: RequestMessage): void;
  /** Every message the API sends (responses and events). */
  onMessage(listener: (message: unknown) => void): void;
  onClose(listener: (reason: string) => void): void;
  close(): void;
}

export class ApiCallError extends Error {
  constructor(
    readonly method: string,
    readonly error: ApiError,
  ) {
    super(error.message);
    this.name = 'ApiCallError';
  }
  get code(): number {
    return this.error.code;
  }
}

type Listener<E extends ApiEventName> = (data: ApiEvents[E]) => void;

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class ApiClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<ApiEventName, Set<Listener<ApiEventName>>>();
  private closedReason: string | undefined;

  constructor(private readonly transport: ApiTransport) {
    transport.onMessage((message) => this.receive(message));
    transport.onClose((reason) => {
      this.closedReason = reason;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(new ApiCallError(p.method, { code: -4, name: 'ConnectionLoss', message: `The connection to the API closed (${reason}).` }));
      }
    });
  }

  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    if (this.closedReason !== undefined) {
      return Promise.reject(new ApiCallError(method, { code: -4, name: 'ConnectionLoss', message: `The connection to the API is closed (${this.closedReason}).` }));
    }
    const id = this.nextId++;
    return new Promise<ApiResult<M>>((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject });
      try {
        this.transport.send({ id, method, params });
      } catch (err) {
        this.pending.delete(id);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Sends a request exactly as given, unchecked (for tests of the API's own validation). */
  callRaw(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      this.transport.send({ id, method, params });
    });
  }

  on<E extends ApiEventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<ApiEventName>);
    return () => set.delete(listener as Listener<ApiEventName>);
  }

  close(): void {
    this.transport.close();
  }

  private receive(message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    if ('event' in message) {
      const { event, data } = message as EventMessage;
      for (const listener of this.listeners.get(event) ?? []) {
        try {
          listener(data);
        } catch (err) {
          console.error(`listener of ${event} threw`, err);
        }
      }
      return;
    }
    const response = message as ResponseMessage;
    const pending = this.pending.get(response.id);
    if (pending === undefined) return;
    this.pending.delete(response.id);
    if ('error' in response) pending.reject(new ApiCallError(pending.method, response.error));
    else pending.resolve(response.result);
  }
}

/** The part of the WebSocket interface the client needs; the browser's and the `ws` package's both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface ConnectOptions {
  /** Put the token in the URL (default) or send it as the first message (keeps it out of URLs and logs). */
  tokenIn?: 'query' | 'message';
  /** Defaults to globalThis.WebSocket. */
  WebSocket?: WebSocketConstructor;
  timeoutMs?: number;
}

/** Opens the API's WebSocket, presents the token and resolves once the API accepted it. */
export function connectApiWebSocket(url: string, token: string, options: ConnectOptions = {}): Promise<ApiClient> {
  const Impl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (Impl === undefined) return Promise.reject(new Error('no WebSocket implementation available; pass options.WebSocket'));
  const tokenInMessage = options.tokenIn === 'message';
  const target = tokenInMessage ? url : `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
  const ws = new Impl(target);
  const messageListeners: Array<(message: unknown) => void> = [];
  const closeListeners: Array<(reason: string) => void> = [];
  let closeReason: string | undefined;
  return new Promise<ApiClient>((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | undefined, client?: ApiClient) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error !== undefined) {
        reject(error);
        ws.close();
      } else resolve(client!);
    };
    const timer = setTimeout(() => settle(new Error(`the API at ${url} did not accept the connection within ${options.timeoutMs ?? 10_000} ms`)), options.timeoutMs ?? 10_000);
    const client = new ApiClient({
      send: (message) => ws.send(JSON.stringify(message)),
      onMessage: (listener) => messageListeners.push(listener),
      onClose: (listener) => closeListeners.push(listener),
      close: () => ws.close(1000, 'client closed'),
    });
    ws.addEventListener('open', () => {
      if (tokenInMessage) ws.send(JSON.stringify({ auth: token }));
      else settle(undefined, client);
    });
    ws.addEventListener('message', (event) => {
      let message: unknown;
      try {
        message = JSON.parse(typeof event.data === 'string' ? event.data : String(event.data));
      } catch {
        return;
      }
      if (!settled && tokenInMessage && (message as { auth?: unknown }).auth === 'ok') {
        settle(undefined, client);
        return;
      }
      for (const listener of messageListeners) listener(message);
    });
    ws.addEventListener('close', (event) => {
      closeReason = event.reason !== '' ? `${event.code} ${event.reason}` : `code ${event.code}`;
      settle(new Error(`the API at ${url} refused or closed the connection (${closeReason})`));
      for (const listener of closeListeners) listener(closeReason);
    });
    ws.addEventListener('error', () => {
      // A refused upgrade (wrong token) surfaces here first; the close event that follows carries the details.
      setTimeout(() => settle(new Error(`could not connect to the API at ${url}${closeReason === undefined ? '' : ` (${closeReason})`}`)), 50);
    });
  });
}

// The shape of `window.paddock`, the only thing the preload exposes to the renderer: the admin API's own wire
// messages (node-core/api/contract.ts) at two levels. send/onMessage/onClose is a transport (the renderer's
// ApiClient runs on it, as it runs on the WebSocket); call/on/off is the same traffic as promises and listeners.
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
} from '../node-core/api/contract.js';

export interface PaddockBridge {
  /** Sends one request; its response (with the same id) and every event arrive at onMessage listeners. */
  send(message: RequestMessage): void;
  /** Returns the function that removes the listener (listeners lose their identity crossing contextBridge). */
  onMessage(listener: (message: ResponseMessage | EventMessage) => void): () => void;
  /** The link to the API ended (the API host stopped, or close() was called). */
  onClose(listener: (reason: string) => void): () => void;
  close(): void;

  /** Resolves with the method's result; rejects with the ApiError (a plain object: code, name, message, ...). */
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>;
  /** Returns the function that removes this listener. */
  on<E extends ApiEventName>(event: E, listener: (data: ApiEvents[E]) => void): () => void;
  /** Removes every listener `on` added for the event (a function passed back through contextBridge is a new one). */
  off(event: ApiEventName): void;
}

export type { ApiError };

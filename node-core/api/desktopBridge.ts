// The shape of `window.paddock` in the desktop app, shared by the side that builds it (electron/preload.ts) and the
// side that uses it (renderer/src/api/desktopBridge.ts): nothing but a transport for the admin API's own wire
// messages, exactly as the WebSocket carries them in web mode. The renderer's ApiClient does the rest (ids, promises,
// events), the same on both transports.
import type { EventMessage, RequestMessage, ResponseMessage } from './contract.js';

export interface DesktopBridge {
  /** Sends one request; its response (with the same id) and every event arrive at onMessage listeners. */
  send(message: RequestMessage): void;
  /** Returns the function that removes the listener (a function crossing contextBridge loses its identity). */
  onMessage(listener: (message: ResponseMessage | EventMessage) => void): () => void;
  /** The link to the API ended (the API host stopped, or close() was called). */
  onClose(listener: (reason: string) => void): () => void;
  close(): void;
}

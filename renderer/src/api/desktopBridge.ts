// The shape electron/preload.ts exposes as `window.paddock` through contextBridge: the admin API's own wire
// messages (RequestMessage in; ResponseMessage and EventMessage out), exactly as the WebSocket carries them.
import type { ApiTransport } from '../../../node-core/api/client.js';
import type { RequestMessage } from '../../../node-core/api/contract.js';

export interface DesktopBridge {
  /** Sends one request message to the main process. */
  send(message: RequestMessage): void;
  /** Every response and event message; may return a function that stops the listener. */
  onMessage(listener: (message: unknown) => void): void | (() => void);
  /** The main process ended the API session (optional: an Electron window usually outlives nothing). */
  onClose?(listener: (reason: string) => void): void | (() => void);
  close?(): void;
}

function isDesktopBridge(value: unknown): value is DesktopBridge {
  const v = value as Partial<DesktopBridge> | undefined;
  return typeof v === 'object' && v !== null && typeof v.send === 'function' && typeof v.onMessage === 'function';
}

/** The preload's bridge, when this page runs inside the desktop app. */
export function findDesktopBridge(): DesktopBridge | undefined {
  const candidate = (globalThis as { paddock?: unknown }).paddock;
  return isDesktopBridge(candidate) ? candidate : undefined;
}

export function bridgeTransport(bridge: DesktopBridge): ApiTransport {
  return {
    send: (message) => bridge.send(message),
    onMessage: (listener) => void bridge.onMessage(listener),
    onClose: (listener) => void bridge.onClose?.(listener),
    close: () => bridge.close?.(),
  };
}

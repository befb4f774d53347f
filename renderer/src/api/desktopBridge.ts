// Finds `window.paddock`, the transport electron/preload.ts exposes (its shape: node-core/api/desktopBridge.ts), and
// wraps it as the ApiTransport the renderer's ApiClient runs on.
import type { ApiTransport } from '../../../node-core/api/client.js';
import type { DesktopBridge } from '../../../node-core/api/desktopBridge.js';

function isDesktopBridge(value: unknown): value is DesktopBridge {
  const v = value as Partial<DesktopBridge> | undefined;
  return typeof v === 'object' && v !== null && typeof v.send === 'function' && typeof v.onMessage === 'function' && typeof v.onClose === 'function' && typeof v.close === 'function';
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
    onClose: (listener) => void bridge.onClose(listener),
    close: () => bridge.close(),
  };
}

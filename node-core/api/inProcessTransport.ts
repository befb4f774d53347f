// An ApiTransport that talks to an ApiService in the same process, copying every message through JSON as IPC would;
// the Electron main process and tests use it where no socket is wanted.
import type { ApiService } from './apiService.js';
import type { ApiTransport } from './client.js';

export function inProcessTransport(service: ApiService): ApiTransport {
  const messageListeners: Array<(message: unknown) => void> = [];
  const closeListeners: Array<(reason: string) => void> = [];
  let closed = false;
  // Copying keeps both sides from sharing objects, so behaviour matches a real process boundary.
  const deliver = (message: unknown) => {
    if (closed) return;
    const copy: unknown = JSON.parse(JSON.stringify(message));
    queueMicrotask(() => {
      for (const listener of messageListeners) listener(copy);
    });
  };
  const peer = service.connectPeer(deliver);
  return {
    send(message) {
      if (closed) throw new Error('the in-process API transport is closed');
      void peer.handle(JSON.parse(JSON.stringify(message))).then(deliver);
    },
    onMessage: (listener) => void messageListeners.push(listener),
    onClose: (listener) => void closeListeners.push(listener),
    close() {
      if (closed) return;
      closed = true;
      peer.close();
      for (const listener of closeListeners) listener('closed by client');
    },
  };
}

// The sandboxed preload: asks the main process for a MessagePort to the API host and exposes `window.paddock`
// (node-core/api/desktopBridge.ts) through contextBridge: only a transport for the admin API's request, response and
// event messages, which the renderer's ApiClient runs on as it runs on the WebSocket. No Electron or Node object
// ever reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiError, EventMessage, RequestMessage, ResponseMessage } from '../node-core/api/contract.js';
import type { DesktopBridge } from '../node-core/api/desktopBridge.js';
import { apiPortChannel } from './hostMessages.js';

/** The page's own id for a request the preload forwarded under its own id. */
type Waiter = { pageId: number };

let port: MessagePort | undefined;
let closedReason: string | undefined;
const queued: Array<{ id: number; method: string; params: unknown }> = [];
const waiters = new Map<number, Waiter>();
const messageListeners = new Set<(message: ResponseMessage | EventMessage) => void>();
const closeListeners = new Set<(reason: string) => void>();
// A restarted API host gets a new port while the page keeps its ids, so every request goes out under the preload's
// own id and its response is mapped back.
let nextId = 1;

function connectionLoss(reason: string): ApiError {
  return { code: -4, name: 'ConnectionLoss', message: `The connection to the Paddock API was lost (${reason}).` };
}

function deliver(message: ResponseMessage | EventMessage): void {
  for (const listener of messageListeners) {
    try {
      listener(message);
    } catch (err) {
      console.error('paddock: a message listener failed', err);
    }
  }
}

function settle(response: ResponseMessage): void {
  const waiter = waiters.get(response.id);
  if (waiter === undefined) return;
  waiters.delete(response.id);
  deliver({ ...response, id: waiter.pageId });
}

function receive(message: unknown): void {
  if (typeof message !== 'object' || message === null) return;
  if ('event' in message && typeof message.event === 'string') {
    deliver(message as EventMessage);
    return;
  }
  if ('id' in message && typeof message.id === 'number') settle(message as ResponseMessage);
}

/** Answers every request still waiting, so no promise in the page hangs on a port that is gone. */
function failWaiting(reason: string): void {
  const error = connectionLoss(reason);
  for (const id of [...waiters.keys()]) settle({ id, error });
  queued.length = 0;
}

function end(reason: string): void {
  if (closedReason !== undefined) return;
  closedReason = reason;
  port?.close();
  port = undefined;
  failWaiting(reason);
  for (const listener of closeListeners) listener(reason);
}

function forward(method: string, params: unknown, waiter: Waiter): void {
  const id = nextId++;
  waiters.set(id, waiter);
  if (closedReason !== undefined) {
    settle({ id, error: connectionLoss(closedReason) });
    return;
  }
  const request = { id, method, params };
  if (port === undefined) queued.push(request);
  else port.postMessage(request);
}

ipcRenderer.on(apiPortChannel, (event) => {
  const [received] = event.ports;
  if (received === undefined || closedReason !== undefined) return;
  // A second port means the API host was restarted: requests sent on the first one will never be answered.
  if (port !== undefined) {
    failWaiting('the API host restarted');
    port.close();
  }
  port = received;
  port.onmessage = (e: MessageEvent) => receive(e.data);
  port.addEventListener('close', () => {
    if (port === received) end('the API host stopped');
  });
  port.start();
  for (const request of queued.splice(0)) port.postMessage(request);
});
ipcRenderer.send(apiPortChannel);

function checkedName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 100) throw new TypeError(`paddock: ${what} must be a name`);
  return value;
}

const bridge: DesktopBridge = {
  send(message: RequestMessage) {
    if (typeof message !== 'object' || message === null || !Number.isSafeInteger(message.id)) {
      throw new TypeError('paddock.send needs a request message with a numeric id');
    }
    forward(checkedName(message.method, 'method'), message.params, { pageId: message.id });
  },
  onMessage(listener) {
    messageListeners.add(listener);
    return () => void messageListeners.delete(listener);
  },
  onClose(listener) {
    closeListeners.add(listener);
    return () => void closeListeners.delete(listener);
  },
  close() {
    end('closed by the page');
  },
};

contextBridge.exposeInMainWorld('paddock', bridge);

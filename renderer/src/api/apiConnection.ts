// Opens the renderer's one link to the admin API at start-up: the Electron IPC bridge when present, otherwise the
// WebSocket of the web-mode server that served this page (its token arrives in the page URL's ?token=).
import { ApiClient, connectApiWebSocket } from '../../../node-core/api/client.js';
import { bridgeTransport, findDesktopBridge } from './desktopBridge.js';

const tokenKey = 'paddock.apiToken';
let current: ApiClient | undefined;

export type ApiTransportKind = 'desktop' | 'web';

/** The token from the URL, moved to sessionStorage so it leaves the address bar but survives a reload. */
function takeToken(): string | undefined {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null) {
    sessionStorage.setItem(tokenKey, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(tokenKey) ?? undefined;
}

export async function connectApi(): Promise<{ client: ApiClient; kind: ApiTransportKind }> {
  const bridge = findDesktopBridge();
  if (bridge !== undefined) {
    current = new ApiClient(bridgeTransport(bridge));
    return { client: current, kind: 'desktop' };
  }
  const token = takeToken();
  if (token === undefined) throw new Error('This page was opened without its access token; open the URL `paddock ui` printed.');
  const wsUrl = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/api`;
  current = await connectApiWebSocket(wsUrl, token, { tokenIn: 'message' });
  return { client: current, kind: 'web' };
}

/** The connected client; stores call this only after main.ts connected. */
export function api(): ApiClient {
  if (current === undefined) throw new Error('the admin API is not connected yet');
  return current;
}

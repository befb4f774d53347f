// The admin API over WebSocket on the loopback interface, guarded by a random per-run token (in the URL's query
// or as the first message), plus the renderer's static files for web mode served under a strict CSP.
import { contentTypes } from './contentTypes.js';
import { listenTcp } from '../server/listenTcp.js';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { createLogger } from '../log/logger.js';
import { ApiService, type ApiServiceOptions } from './apiService.js';
import { ApiErrorCode, type ResponseMessage } from './contract.js';

export interface ApiServerOptions extends ApiServiceOptions {
  /** Loopback only: 127.0.0.1 (default), ::1 or localhost. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to 32 random bytes, hex. */
  token?: string;
  /** The renderer build to serve in web mode; without it only /api is served. */
  staticDir?: string;
  /** Share a service (e.g. with the Electron IPC transport) instead of creating one. */
  service?: ApiService;
}

export interface ApiServerHandle {
  /** The WebSocket endpoint, ws://127.0.0.1:<port>/api (without the token). */
  url: string;
  /** The web-mode page, with the token in the query so the renderer can connect. */
  webUrl: string;
  token: string;
  port: number;
  service: ApiService;
  close(): Promise<void>;
}

/** WebSocket close code for a missing or wrong token (4000-4999 are the application's). */
export const closeCodeUnauthorized = 4401;
/** RFC 6455's "message too big", sent to a peer whose bytes before the token exceed maxBytesBeforeToken. */
export const closeCodeMessageTooBig = 1009;
const authTimeoutMs = 5_000;
/** Requests carry up to jute.maxbuffer of node data, base64 in JSON; the limit leaves room for raised maxbuffers. */
const maxMessageBytes = 128 * 1024 * 1024;
/**
 * What a peer that has not presented the token may send: its { auth } message is under 100 bytes. Without this cap
 * anyone on the machine could make the process buffer maxMessageBytes before the token is even looked at.
 */
export const maxBytesBeforeToken = 4096;
/** How long an over-limit peer has to take our close frame before its socket is destroyed. */
const discardGraceMs = 1_000;
const loopbackHosts = new Set(['127.0.0.1', '::1', 'localhost']);

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Naive UI injects its styles at run time, which needs inline styles; scripts stay strictly same-origin.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}


function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compares in constant time so the token cannot be guessed byte by byte from response timing. */
function tokenMatches(expected: string, given: unknown): boolean {
  return typeof given === 'string' && timingSafeEqual(digest(expected), digest(given));
}

/** Only our own host names: a page on another site that resolves its name to 127.0.0.1 (DNS rebinding) is refused. */
function hostAllowed(header: string | undefined, port: number): boolean {
  if (header === undefined) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(header.toLowerCase());
}

/** Browsers always send Origin on WebSocket upgrades; only our own web-mode page may connect. Node peers send none. */
function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`].includes(origin.toLowerCase());
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function securityHeaders(res: ServerResponse, port: number): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(port));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

async function serveStatic(root: string | undefined, req: IncomingMessage, res: ServerResponse, port: number): Promise<void> {
  securityHeaders(res, port);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  if (root === undefined) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const base = resolve(root);
  const candidate = resolve(join(base, normalize(pathname)));
  if (candidate !== base && !candidate.startsWith(base + sep)) {
    res.writeHead(403).end();
    return;
  }
  // Client-side routes have no file: they get the app's index.html.
  let file = pathname.endsWith('/') ? join(candidate, 'index.html') : candidate;
  let info = await stat(file).catch(() => undefined);
  if (info?.isDirectory() === true) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if ((info === undefined || !info.isFile()) && extname(pathname) === '') {
    file = join(base, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if (info === undefined || !info.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  const type = contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': info.size,
    'Cache-Control': extname(file) === '.html' ? 'no-store' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}

function errorResponse(id: number, message: string): ResponseMessage {
  return { id, error: { code: ApiErrorCode.invalidParams, name: 'invalidParams', message } };
}

export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServerHandle> {
  const host = options.host ?? '127.0.0.1';
  if (!loopbackHosts.has(host)) throw new Error(`the admin API listens on the loopback interface only, not on ${host}`);
  const token = options.token ?? randomBytes(32).toString('hex');
  const log = options.logger ?? createLogger('api');
  const ownsService = options.service === undefined;
  const service = options.service ?? new ApiService({ ...options, logger: log });
  const sockets = new Set<WebSocket>();
  let port = 0;

  const http = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, port)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Misdirected request\n');
      return;
    }
    serveStatic(options.staticDir, req, res, port).catch((err: unknown) => {
      log.warn(`static file request failed: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api') return refuseUpgrade(socket, 404, 'Not Found');
    if (!hostAllowed(req.headers.host, port)) return refuseUpgrade(socket, 421, 'Misdirected Request');
    if (!originAllowed(req.headers.origin, port)) return refuseUpgrade(socket, 403, 'Forbidden');
    const given = url.searchParams.get('token');
    if (given !== null && !tokenMatches(token, given)) return refuseUpgrade(socket, 401, 'Unauthorized');
    const authenticated = given !== null;
    const untilToken = authenticated ? undefined : capBytesBeforeToken(socket, head.length);
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, authenticated, untilToken));
  });

  /**
   * Counts the raw bytes a peer sends before its token is accepted, and closes the connection once they exceed
   * maxBytesBeforeToken, before ws has buffered a large first message. Nothing more is read from such a peer: it
   * gets our close frame, and its socket is destroyed shortly after whether or not it answers.
   */
  const capBytesBeforeToken = (socket: Duplex, alreadyRead: number) => {
    const state = { received: alreadyRead, ws: undefined as WebSocket | undefined, done: false };
    const refuse = (ws: WebSocket) => {
      state.done = true;
      log.warn(`admin API: a peer sent more than ${maxBytesBeforeToken} bytes before presenting the token; closing it`);
      ws.close(closeCodeMessageTooBig, 'the first message must be the token');
      // The emit in progress still hands this chunk to ws; later chunks reach no parser, even if ws resumes reading.
      socket.removeAllListeners('data');
      socket.pause();
      socket.end();
      setTimeout(() => socket.destroy(), discardGraceMs).unref();
    };
    const onData = (chunk: Buffer) => {
      if (state.done) return;
      state.received += chunk.length;
      if (state.received > maxBytesBeforeToken && state.ws !== undefined) refuse(state.ws);
    };
    socket.on('data', onData);
    return {
      bind(ws: WebSocket) {
        state.ws = ws;
        if (state.received > maxBytesBeforeToken) refuse(ws);
      },
      tokenAccepted() {
        state.done = true;
        socket.off('data', onData);
      },
    };
  };

  const attach = (ws: WebSocket, authenticated: boolean, untilToken?: ReturnType<typeof capBytesBeforeToken>): void => {
    sockets.add(ws);
    untilToken?.bind(ws);
    const sendJson = (value: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(value));
    };
    let peer = authenticated ? service.connectPeer(sendJson) : undefined;
    const authTimer = authenticated
      ? undefined
      : setTimeout(() => ws.close(closeCodeUnauthorized, 'no token presented'), authTimeoutMs);
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      let message: unknown;
      try {
        if (isBinary) throw new Error('binary frame');
        message = JSON.parse(raw.toString());
      } catch {
        if (peer === undefined) ws.close(closeCodeUnauthorized, 'expected the token first');
        else sendJson(errorResponse(-1, 'Messages must be JSON text.'));
        return;
      }
      if (peer === undefined) {
        const auth = typeof message === 'object' && message !== null ? (message as { auth?: unknown }).auth : undefined;
        clearTimeout(authTimer);
        if (!tokenMatches(token, auth)) {
          ws.close(closeCodeUnauthorized, 'invalid token');
          return;
        }
        untilToken?.tokenAccepted();
        peer = service.connectPeer(sendJson);
        sendJson({ auth: 'ok' });
        return;
      }
      void peer.handle(message).then(sendJson);
    });
    ws.on('close', () => {
      clearTimeout(authTimer);
      sockets.delete(ws);
      peer?.close();
    });
    ws.on('error', (err) => log.debug(`api socket error: ${err.message}`));
  };

  await listenTcp(http, host, options.port ?? 0);
  port = (http.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host;

  let closing: Promise<void> | undefined;
  return {
    url: `ws://${urlHost}:${port}/api`,
    webUrl: `http://${urlHost}:${port}/?token=${token}`,
    token,
    port,
    service,
    close() {
      closing ??= (async () => {
        for (const ws of sockets) ws.terminate();
        wss.close();
        const closed = new Promise<void>((done) => http.close(() => done()));
        http.closeAllConnections();
        await closed;
        if (ownsService) await service.close();
      })();
      return closing;
    },
  };
}

// ZooKeeper's AdminServer over node:http: GET <commandURL> lists commands, GET <commandURL>/<name> answers with the
// same JSON (field names, order and Jackson's pretty-print layout) as ZooKeeper 3.8, from a ServerIntrospection.
// Ensemble code adds its own commands through registerCommand.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger } from '../log/logger.js';
import { builtinAdminCommands, type AdminCommandHandler } from './adminCommands.js';
import { ZK_NOT_SERVING } from './fourLetterWords.js';
import type { ServerIntrospection } from './introspection.js';
import { entriesOf, toJacksonJson, type JsonObject, type JsonValue } from './jacksonJson.js';

/** Commands registered by the ensemble answer with this shape. */
export type { JsonObject } from './jacksonJson.js';

export interface AdminCommandOptions {
  aliases?: string[];
  /** When true (the default, as in ZooKeeper) the command answers "not serving" unless the server is serving. */
  serverRequired?: boolean;
}

interface RegisteredCommand {
  primary: string;
  handler: AdminCommandHandler;
  serverRequired: boolean;
}

export interface AdminServerOptions {
  host?: string;
  port?: number;
  commandURL?: string;
  logger?: Logger;
}

export interface AdminResponse {
  status: number;
  contentType: string;
  body: string;
}

export class AdminServer {
  private readonly commands = new Map<string, RegisteredCommand>();
  private readonly primaries = new Set<string>();
  private server: http.Server | null = null;
  private readonly host: string;
  private readonly requestedPort: number;
  private readonly commandURL: string;
  private readonly log: Logger;
  private boundPort: number | undefined;

  constructor(
    private readonly intro: ServerIntrospection,
    options: AdminServerOptions = {},
  ) {
    this.host = options.host ?? intro.config.admin.serverAddress;
    this.requestedPort = options.port ?? intro.config.admin.serverPort;
    const url = options.commandURL ?? intro.config.admin.commandURL;
    this.commandURL = url.length > 1 ? url.replace(/\/+$/, '') : url;
    this.log = options.logger ?? createLogger('AdminServer');
    for (const [name, aliases, serverRequired, handler] of builtinAdminCommands) {
      this.registerCommand(name, handler, { aliases, serverRequired });
    }
  }

  /** Adds (or replaces) a command; its primary name appears in the command list. */
  registerCommand(name: string, handler: AdminCommandHandler, options: AdminCommandOptions = {}): void {
    const entry: RegisteredCommand = { primary: name, handler, serverRequired: options.serverRequired ?? true };
    for (const n of [name, ...(options.aliases ?? [])]) {
      if (this.commands.has(n)) this.log.debug(`re-registering admin command ${n}`);
      this.commands.set(n, entry);
    }
    this.primaries.add(name);
  }

  commandNames(): string[] {
    return [...this.primaries].sort();
  }

  /** Runs a command as ZooKeeper's Commands.runCommand does and returns the response map. */
  runCommand(name: string, kwargs: Record<string, string> = {}): Map<string, JsonValue> {
    const cmd = this.commands.get(name);
    if (cmd === undefined) {
      return new Map<string, JsonValue>([['command', name], ['error', `Unknown command: ${name}`]]);
    }
    if (cmd.serverRequired && !this.intro.isServing()) {
      return new Map<string, JsonValue>([['command', name], ['error', ZK_NOT_SERVING]]);
    }
    let data: JsonObject;
    try {
      data = cmd.handler({ intro: this.intro, kwargs });
    } catch (e) {
      this.log.warn(`admin command ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
      return new Map<string, JsonValue>([['command', cmd.primary], ['error', `Exception running command: ${String(e)}`]]);
    }
    // CommandResponse.toMap: the command's own entries first, then command and error unless it set them itself.
    const out = new Map<string, JsonValue>(entriesOf(data));
    if (!out.has('command')) out.set('command', cmd.primary);
    if (!out.has('error')) out.set('error', null);
    return out;
  }

  /** The HTTP answer for a method and request URL, without a socket; the listener and tests both use it. */
  handle(method: string, rawUrl: string): AdminResponse {
    const url = new URL(rawUrl, 'http://localhost');
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return { status: 400, contentType: 'text/html;charset=utf-8', body: errorPage(400, 'Bad Request', url.pathname) };
    }
    const base = this.commandURL === '/' ? '' : this.commandURL;
    const isIndex = pathname === base || pathname === `${base}/`;
    const prefix = `${base}/`;
    if (!isIndex && !pathname.startsWith(prefix)) {
      return { status: 404, contentType: 'text/html;charset=utf-8', body: errorPage(404, 'Not Found', pathname) };
    }
    if (method !== 'GET' && method !== 'HEAD') {
      return {
        status: 405,
        contentType: 'text/html;charset=utf-8',
        body: errorPage(405, `HTTP method ${method} is not supported by this URL`, pathname),
      };
    }
    if (isIndex) {
      const body = this.commandNames()
        .map((n) => `<a href="${base}/${n}">${n}</a>\n<br/>\n`)
        .join('');
      return { status: 200, contentType: 'text/html', body };
    }
    const name = pathname.slice(prefix.length);
    const kwargs: Record<string, string> = {};
    for (const [k, v] of url.searchParams) kwargs[k] = v;
    return { status: 200, contentType: 'application/json', body: toJacksonJson(this.runCommand(name, kwargs)) };
  }

  /** Starts listening; resolves with the bound port (useful with port 0). Does nothing if admin.enableServer=false. */
  async start(): Promise<number | undefined> {
    if (this.server !== null) return this.boundPort;
    if (!this.intro.config.admin.enableServer) {
      this.log.info('AdminServer is disabled (admin.enableServer=false)');
      return undefined;
    }
    const server = http.createServer((req, res) => {
      const answer = this.handle(req.method ?? 'GET', req.url ?? '/');
      res.writeHead(answer.status, {
        'Content-Type': answer.contentType,
        'Content-Length': Buffer.byteLength(answer.body),
      });
      res.end(req.method === 'HEAD' ? undefined : answer.body);
    });
    server.keepAliveTimeout = this.intro.config.admin.idleTimeout;
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      server.once('error', onError);
      server.listen(this.requestedPort, this.host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    this.log.info(`Started AdminServer on address ${this.host}, port ${this.boundPort} and command URL ${this.commandURL}`);
    return this.boundPort;
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    this.boundPort = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Idle keep-alive sockets would otherwise hold close() open until they time out.
      server.closeAllConnections();
    });
  }
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function errorPage(status: number, message: string, uri: string): string {
  const m = escapeHtml(message);
  return (
    `<html>\n<head>\n<title>Error ${status} ${m}</title>\n</head>\n<body><h2>HTTP ERROR ${status} ${m}</h2>\n` +
    `<table>\n<tr><th>URI:</th><td>${escapeHtml(uri)}</td></tr>\n<tr><th>STATUS:</th><td>${status}</td></tr>\n` +
    `<tr><th>MESSAGE:</th><td>${m}</td></tr>\n</table>\n</body>\n</html>\n`
  );
}

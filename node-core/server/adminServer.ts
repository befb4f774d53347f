// ZooKeeper's AdminServer over node:http: GET <commandURL> lists commands, GET <commandURL>/<name> answers with the
// same JSON (field names, order and Jackson's pretty-print layout) as ZooKeeper 3.8, from a ServerIntrospection.
// Ensemble code adds its own commands through registerCommand.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger } from '../log/logger.js';
import { javaHex } from '../protocol/javaText.js';
import type { ConnectionInfo, ServerIntrospection } from './introspection.js';
import {
  JavaDouble,
  ZK_NOT_SERVING,
  formatJavaDouble,
  formatJavaSocketAddress,
  getTraceMask,
  monitorEntries,
  setTraceMask,
  watchSummary,
} from './fourLetterWords.js';

export type JsonValue =
  | null
  | boolean
  | string
  | number
  | bigint
  | JavaDouble
  | readonly JsonValue[]
  | JsonObject;
/** A Map keeps key order even for numeric-looking keys (session ids), which plain objects would reorder. */
export type JsonObject = ReadonlyMap<string, JsonValue> | { readonly [key: string]: JsonValue };

function isMap(v: JsonObject): v is ReadonlyMap<string, JsonValue> {
  return v instanceof Map;
}

function entriesOf(o: JsonObject): [string, JsonValue][] {
  return isMap(o) ? [...o.entries()] : Object.entries(o);
}

/** Serialises like Jackson's default pretty printer, which is what ZooKeeper's JsonOutputter uses. */
export function toJacksonJson(value: JsonValue, level = 0): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatJavaDouble(value);
  if (value instanceof JavaDouble) return value.toString();
  if (Array.isArray(value)) {
    const items = value as readonly JsonValue[];
    if (items.length === 0) return '[ ]';
    return '[ ' + items.map((v) => toJacksonJson(v, level)).join(', ') + ' ]';
  }
  const entries = entriesOf(value as JsonObject);
  if (entries.length === 0) return '{ }';
  const pad = '  '.repeat(level + 1);
  const body = entries.map(([k, v]) => `${pad}${JSON.stringify(k)} : ${toJacksonJson(v, level + 1)}`).join(',\n');
  return `{\n${body}\n${'  '.repeat(level)}}`;
}

export interface AdminCommandContext {
  intro: ServerIntrospection;
  /** Query-string parameters (ZooKeeper's kwargs). */
  kwargs: Record<string, string>;
}

export type AdminCommandHandler = (ctx: AdminCommandContext) => JsonObject;

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

/** Signed 64-bit decimal, as Jackson prints a Java long. */
function long(n: bigint): bigint {
  return BigInt.asIntN(64, n);
}

function connectionInfo(c: ConnectionInfo, brief: boolean): Map<string, JsonValue> {
  const m = new Map<string, JsonValue>([
    ['remote_socket_address', formatJavaSocketAddress(c.remoteAddress, c.remotePort, false)],
    ['interest_ops', c.interestOps],
    ['outstanding_requests', c.outstandingRequests],
    ['packets_received', c.packetsReceived],
    ['packets_sent', c.packetsSent],
  ]);
  if (!brief) {
    m.set('session_id', long(c.sessionId));
    m.set('last_operation', c.lastOperation);
    m.set('established', c.established);
    m.set('session_timeout', c.sessionTimeout);
    m.set('last_cxid', c.lastCxid);
    m.set('last_zxid', long(c.lastZxid));
    m.set('last_response_time', c.lastResponseTime);
    m.set('last_latency', Math.trunc(c.lastLatency));
    m.set('min_latency', Math.trunc(c.minLatency));
    m.set('avg_latency', Math.trunc(c.avgLatency));
    m.set('max_latency', Math.trunc(c.maxLatency));
  }
  return m;
}

function splitConnections(intro: ServerIntrospection, brief: boolean): Map<string, JsonValue> {
  const all = intro.connections();
  return new Map<string, JsonValue>([
    ['connections', all.filter((c) => !c.secure).map((c) => connectionInfo(c, brief))],
    ['secure_connections', all.filter((c) => c.secure).map((c) => connectionInfo(c, brief))],
  ]);
}

function serverStats(intro: ServerIntrospection): Map<string, JsonValue> {
  const s = intro.stats();
  const clientResponse = new Map<string, JsonValue>([
    ['last_buffer_size', s.lastClientResponseSize],
    ['min_buffer_size', s.minClientResponseSize],
    ['max_buffer_size', s.maxClientResponseSize],
  ]);
  const stats = new Map<string, JsonValue>([
    ['packets_sent', s.packetsSent],
    ['packets_received', s.packetsReceived],
    ['fsync_threshold_exceed_count', s.fsyncThresholdExceedCount],
    ['client_response_stats', clientResponse],
    ['data_dir_size', intro.dataDirSize()],
    ['log_dir_size', intro.logDirSize()],
    ['provider_null', false],
    ['server_state', intro.serverState()],
    ['last_processed_zxid', long(s.lastProcessedZxid)],
    ['outstanding_requests', s.outstandingRequests],
    ['avg_latency', new JavaDouble(s.avgLatency)],
    ['max_latency', s.maxLatency],
    ['min_latency', s.minLatency],
    ['num_alive_client_connections', s.numAliveConnections],
    ['auth_failed_count', s.authFailedCount],
    ['non_mtlsremote_conn_count', s.nonMtlsRemoteConnCount],
    ['non_mtlslocal_conn_count', s.nonMtlsLocalConnCount],
    ['uptime', s.uptime],
  ]);
  const out = new Map<string, JsonValue>([
    ['version', intro.version],
    ['read_only', intro.isReadOnly()],
    ['server_stats', stats],
    ['client_response', clientResponse],
  ]);
  const leader = intro.quorum()?.leader;
  if (intro.serverState() === 'leader' && leader !== undefined) {
    out.set(
      'proposal_stats',
      new Map<string, JsonValue>([
        ['last_buffer_size', leader.lastProposalSize],
        ['min_buffer_size', leader.minProposalSize],
        ['max_buffer_size', leader.maxProposalSize],
      ]),
    );
  }
  out.set('node_count', s.nodeCount);
  return out;
}

/** ZooKeeper 3.8's built-in commands: [primary, aliases, serverRequired, handler]. */
const BUILTIN: [string, string[], boolean, AdminCommandHandler][] = [
  [
    'connection_stat_reset',
    ['crst'],
    true,
    ({ intro }) => {
      intro.resetConnectionStats();
      return {};
    },
  ],
  [
    'configuration',
    ['conf', 'config'],
    true,
    ({ intro }) => {
      const c = intro.config;
      return new Map<string, JsonValue>([
        ['client_port', c.clientPort ?? 0],
        ['data_dir', `${c.dataDir}/version-2`],
        ['data_log_dir', `${c.dataLogDir}/version-2`],
        ['tick_time', c.tickTime],
        ['max_client_cnxns', c.maxClientCnxns],
        ['min_session_timeout', c.minSessionTimeout],
        ['max_session_timeout', c.maxSessionTimeout],
        ['server_id', intro.serverId()],
        ['client_port_listen_backlog', c.clientPortListenBacklog],
      ]);
    },
  ],
  ['connections', ['cons'], true, ({ intro }) => splitConnections(intro, false)],
  [
    'hash',
    [],
    true,
    ({ intro }) => ({
      digests: intro.digests().map((d) => new Map<string, JsonValue>([['zxid', long(d.zxid)], ['digest', d.digest]])),
    }),
  ],
  [
    'dirs',
    [],
    true,
    ({ intro }) =>
      new Map<string, JsonValue>([
        ['datadir_size', intro.dataDirSize()],
        ['logdir_size', intro.logDirSize()],
      ]),
  ],
  [
    'dump',
    [],
    true,
    ({ intro }) => {
      const expiry = new Map<string, JsonValue>();
      for (const b of [...intro.sessionExpiry()].sort((x, y) => x.expiresAtElapsed - y.expiresAtElapsed)) {
        expiry.set(String(b.expiresAtElapsed), b.sessionIds.map(long));
      }
      const ephemerals = new Map<string, JsonValue>();
      for (const e of intro.sessionsWithEphemerals()) ephemerals.set(long(e.sessionId).toString(), e.paths);
      return new Map<string, JsonValue>([
        ['expiry_time_to_session_ids', expiry],
        ['session_id_to_ephemeral_paths', ephemerals],
      ]);
    },
  ],
  [
    'environment',
    ['env', 'envi'],
    false,
    ({ intro }) => new Map<string, JsonValue>(intro.environment().map((e) => [e.key, e.value])),
  ],
  ['get_trace_mask', ['gtmk'], false, () => ({ tracemask: getTraceMask() })],
  ['initial_configuration', ['icfg'], true, ({ intro }) => ({ initial_configuration: intro.config.initialConfigText })],
  ['is_read_only', ['isro'], true, ({ intro }) => ({ read_only: intro.isReadOnly() })],
  [
    'last_snapshot',
    ['lsnp'],
    true,
    ({ intro }) => {
      const snap = intro.lastSnapshot();
      return new Map<string, JsonValue>([
        ['zxid', javaHex(snap === null ? -1n : snap.zxid)],
        ['timestamp', snap === null ? -1 : snap.timestampSeconds],
      ]);
    },
  ],
  [
    'leader',
    ['lead'],
    true,
    ({ intro }) => {
      const q = intro.quorum();
      if (q === null) return { error: 'server is not initialized' };
      return new Map<string, JsonValue>([
        ['is_leader', q.isLeader],
        ['leader_id', q.leaderId],
        ['leader_ip', q.leaderAddress ?? ''],
      ]);
    },
  ],
  [
    'monitor',
    ['mntr'],
    // ZooKeeper marks monitor as not needing a server and then fails with an HTTP 500; we answer "not serving".
    true,
    ({ intro }) => new Map<string, JsonValue>(monitorEntries(intro).map(([k, v]) => [k, v])),
  ],
  [
    'observer_connection_stat_reset',
    ['orst'],
    true,
    ({ intro }) => {
      intro.resetObserverConnectionStats();
      return {};
    },
  ],
  [
    'observers',
    ['obsr'],
    true,
    ({ intro }) => {
      const observers = intro.quorum()?.observers ?? [];
      return new Map<string, JsonValue>([
        ['synced_observers', observers.length],
        [
          'observers',
          observers.map(
            (o) =>
              new Map<string, JsonValue>([
                ['remote_socket_address', o.remoteAddress],
                ['sid', o.sid],
                ['established', o.established],
                ['queued_packets', o.queuedPackets],
                ['queued_packets_size', o.queuedPacketsSize],
                ['packets_received', o.packetsReceived],
                ['packets_sent', o.packetsSent],
                ['requests', o.requests],
                ['last_zxid', long(o.lastZxid)],
              ]),
          ),
        ],
      ]);
    },
  ],
  ['ruok', [], true, () => ({})],
  [
    'set_trace_mask',
    ['stmk'],
    false,
    ({ kwargs }): JsonObject => {
      const raw = kwargs.traceMask;
      if (raw === undefined) return { error: 'setTraceMask requires long traceMask argument' };
      if (!/^-?\d+$/.test(raw)) return { error: `setTraceMask requires long traceMask argument, got ${raw}` };
      setTraceMask(BigInt(raw));
      return { tracemask: getTraceMask() };
    },
  ],
  ['server_stats', ['srvr'], true, ({ intro }) => serverStats(intro)],
  [
    'stats',
    ['stat'],
    true,
    ({ intro }) => {
      const out = serverStats(intro);
      for (const [k, v] of splitConnections(intro, true)) out.set(k, v);
      return out;
    },
  ],
  [
    'stat_reset',
    ['srst'],
    true,
    ({ intro }) => {
      intro.resetStats();
      return {};
    },
  ],
  [
    'system_properties',
    ['sysp'],
    false,
    // The JVM's properties have no Node counterpart; the environment entries (sorted, as ZooKeeper sorts) stand in
    // for them. Process environment variables are deliberately not exposed.
    ({ intro }) =>
      new Map<string, JsonValue>(
        intro
          .environment()
          .map((e): [string, string] => [e.key, e.value])
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
  ],
  [
    'voting_view',
    [],
    true,
    ({ intro }) => {
      const q = intro.quorum();
      const view = new Map<string, JsonValue>();
      for (const m of q?.votingView ?? []) {
        view.set(
          String(m.id),
          new Map<string, JsonValue>([
            ['server_addresses', m.serverAddresses],
            ['election_addresses', m.electionAddresses],
            ['client_address', m.clientAddress],
            ['learner_type', m.learnerType],
          ]),
        );
      }
      return { current_config: view };
    },
  ],
  [
    'watches',
    ['wchc'],
    true,
    ({ intro }) => ({
      session_id_to_watched_paths: new Map<string, JsonValue>(
        intro.watchesBySession().map((s) => [long(s.sessionId).toString(), s.paths]),
      ),
    }),
  ],
  [
    'watches_by_path',
    ['wchp'],
    true,
    ({ intro }) => ({
      path_to_session_ids: new Map<string, JsonValue>(intro.watchesByPath().map((w) => [w.path, w.sessionIds.map(long)])),
    }),
  ],
  [
    'watch_summary',
    ['wchs'],
    true,
    ({ intro }) => {
      const s = watchSummary(intro);
      return new Map<string, JsonValue>([
        ['num_connections', s.numConnections],
        ['num_paths', s.numPaths],
        ['num_total_watches', s.numTotalWatches],
      ]);
    },
  ],
  [
    'zabstate',
    [],
    false,
    ({ intro }) => {
      const q = intro.quorum();
      if (q === null || !intro.isServing()) return new Map<string, JsonValue>([['voting', false], ['zabstate', '']]);
      const zxid = intro.stats().lastProcessedZxid;
      return new Map<string, JsonValue>([
        ['myid', q.myid],
        ['is_leader', q.isLeader],
        ['quorum_address', q.quorumAddress],
        ['election_address', q.electionAddress],
        ['client_address', q.clientAddress],
        ['voting', q.voting],
        ['last_zxid', `0x${javaHex(zxid)}`],
        ['zab_epoch', Number(BigInt.asUintN(64, zxid) >> 32n)],
        ['zab_counter', Number(BigInt.asUintN(64, zxid) & 0xffffffffn)],
        ['zabstate', q.zabState],
      ]);
    },
  ],
];

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
    for (const [name, aliases, serverRequired, handler] of BUILTIN) {
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

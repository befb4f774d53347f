// ZooKeeper 3.8's AdminServer commands (/commands/<name>): each one's name, aliases, whether it needs a serving
// server, and the JSON it answers with, field for field as ZooKeeper's Commands.java builds it.
import { JavaDouble, formatJavaSocketAddress, javaHex } from '../protocol/javaText.js';
import { watchSummary } from './fourLetterWordText.js';
import { getTraceMask, setTraceMask } from './fourLetterWords.js';
import type { ConnectionInfo, ServerIntrospection } from './introspection.js';
import type { JsonObject, JsonValue } from './jacksonJson.js';
import { monitorEntries } from './monitorEntries.js';

export interface AdminCommandContext {
  intro: ServerIntrospection;
  /** Query-string parameters (ZooKeeper's kwargs). */
  kwargs: Record<string, string>;
}

export type AdminCommandHandler = (ctx: AdminCommandContext) => JsonObject;

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
export const builtinAdminCommands: [string, string[], boolean, AdminCommandHandler][] = [
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

// ZooKeeper's four-letter words ("ruok", "mntr", ...) rendered byte-for-byte in ZooKeeper 3.8's text formats from a
// ServerIntrospection snapshot, plus the helpers the connection layer needs to recognise and gate them.

import { formatJavaDate, javaHex } from '../protocol/javaText.js';
import { renderConfForConfCommand } from './config/zooCfg.js';
import type {
  ConnectionInfo,
  ServerIntrospection,
  ServerStatsSnapshot,
} from './introspection.js';

export const ZK_NOT_SERVING = 'This ZooKeeper instance is not currently serving requests';

/** Every command ZooKeeper 3.8 recognises in the first four bytes of a connection. */
export const FOUR_LETTER_WORDS = [
  'conf', 'cons', 'crst', 'dirs', 'dump', 'envi', 'gtmk', 'ruok', 'stmk', 'srst', 'srvr', 'stat', 'wchc', 'wchp',
  'wchs', 'mntr', 'isro', 'hash',
] as const;
export type FourLetterWord = (typeof FOUR_LETTER_WORDS)[number];

/** telnet's "interrupt process" sequence; ZooKeeper knows it so a telnet ^C closes the connection quietly. */
export const TELNET_CLOSE = 'telnet close';
const TELNET_CLOSE_BYTES = 0xfff4fffd;

const WORD_SET: ReadonlySet<string> = new Set(FOUR_LETTER_WORDS);

/**
 * Recognises a four-letter word in the first four bytes of a fresh connection (which otherwise hold a packet
 * length). Returns the command name, 'telnet close', or null when the bytes are an ordinary length.
 */
export function isKnownFourLetterWord(firstFourBytes: Uint8Array): FourLetterWord | typeof TELNET_CLOSE | null {
  if (firstFourBytes.length < 4) return null;
  const asInt =
    ((firstFourBytes[0] << 24) | (firstFourBytes[1] << 16) | (firstFourBytes[2] << 8) | firstFourBytes[3]) >>> 0;
  if (asInt === TELNET_CLOSE_BYTES) return TELNET_CLOSE;
  const word = String.fromCharCode(firstFourBytes[0], firstFourBytes[1], firstFourBytes[2], firstFourBytes[3]);
  return WORD_SET.has(word) ? (word as FourLetterWord) : null;
}

/**
 * The enabled set from 4lw.commands.whitelist entries, as FourLetterCommands.isEnabled builds it: `*` enables every
 * command, srvr is always on (zkServer.sh status needs it), isro too when read-only mode is enabled.
 */
export function resolveWhitelist(entries: readonly string[], readOnlyModeEnabled = false): ReadonlySet<string> {
  const enabled = new Set<string>();
  for (const raw of entries) {
    const cmd = raw.trim();
    if (cmd === '*') {
      for (const w of FOUR_LETTER_WORDS) enabled.add(w);
      enabled.add(TELNET_CLOSE);
      break;
    }
    if (cmd !== '') enabled.add(cmd);
  }
  if (readOnlyModeEnabled) enabled.add('isro');
  enabled.add('srvr');
  return enabled;
}

export function refusalText(cmd: string): string {
  return `${cmd} is not executed because it is not in the whitelist.\n`;
}

// ----------------------------------------------------------------------------------------------------------------
// Java formatting helpers shared with the AdminServer

/** A number that Java holds as a double, so it prints with a decimal point (0.0, 1.5, 1.0E-4). */
export class JavaDouble {
  constructor(readonly value: number) {}
  toString(): string {
    return formatJavaDouble(this.value);
  }
}

/** Double.toString: decimal between 1e-3 and 1e7, otherwise computerized scientific notation. */
export function formatJavaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${Number(exponent)}`;
}

/** How Java prints an InetSocketAddress without a resolved host name: "/1.2.3.4:5" or "/[::1]:5". */
export function formatJavaSocketAddress(address: string, port: number, leadingSlash = true): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const host = mapped ? mapped[1] : address.includes(':') ? `[${address}]` : address;
  return `${leadingSlash ? '/' : ''}${host}:${port}`;
}

// ----------------------------------------------------------------------------------------------------------------
// mntr / monitor

const MNTR_KEY_TEXT = `
version server_state ephemerals_count num_alive_connections avg_latency outstanding_requests znode_count
global_sessions non_mtls_remote_conn_count last_client_response_size packets_sent packets_received
max_client_response_size connection_drop_probability watch_count auth_failed_count min_latency
max_file_descriptor_count approximate_data_size open_file_descriptor_count local_sessions uptime max_latency
outstanding_tls_handshake min_client_response_size non_mtls_local_conn_count proposal_count watch_bytes
outstanding_changes_removed throttled_ops stale_requests_dropped large_requests_rejected insecure_admin_count
connection_rejected cnxn_closed_without_zk_server_running sessionless_connections_expired looking_count
dead_watchers_queued stale_requests connection_drop_count learner_proposal_received_count
digest_mismatches_count dead_watchers_cleared response_packet_cache_hits bytes_received_count
add_dead_watcher_stall_time request_throttle_wait_count requests_not_forwarded_to_commit_processor
response_packet_cache_misses ensemble_auth_success prep_processor_request_queued learner_commit_received_count
stale_replies connection_request_count response_bytes ensemble_auth_fail diff_count
response_packet_get_children_cache_misses connection_revalidate_count quit_leading_due_to_disloyal_voter
snap_count unrecoverable_error_count unsuccessful_handshake commit_count stale_sessions_expired
response_packet_get_children_cache_hits sync_processor_request_queued outstanding_changes_queued
request_commit_queued ensemble_auth_skip skip_learner_request_to_next_processor_count tls_handshake_exceeded
revalidate_count avg_socket_closing_time min_socket_closing_time max_socket_closing_time cnt_socket_closing_time
sum_socket_closing_time avg_proposal_process_time min_proposal_process_time max_proposal_process_time
cnt_proposal_process_time sum_proposal_process_time avg_leader_unavailable_time min_leader_unavailable_time
max_leader_unavailable_time cnt_leader_unavailable_time sum_leader_unavailable_time avg_node_created_watch_count
min_node_created_watch_count max_node_created_watch_count cnt_node_created_watch_count
sum_node_created_watch_count avg_session_queues_drained min_session_queues_drained max_session_queues_drained
cnt_session_queues_drained sum_session_queues_drained avg_write_commit_proc_req_queued
min_write_commit_proc_req_queued max_write_commit_proc_req_queued cnt_write_commit_proc_req_queued
sum_write_commit_proc_req_queued avg_connection_token_deficit min_connection_token_deficit
max_connection_token_deficit cnt_connection_token_deficit sum_connection_token_deficit
avg_read_commit_proc_req_queued min_read_commit_proc_req_queued max_read_commit_proc_req_queued
cnt_read_commit_proc_req_queued sum_read_commit_proc_req_queued avg_node_deleted_watch_count
min_node_deleted_watch_count max_node_deleted_watch_count cnt_node_deleted_watch_count
sum_node_deleted_watch_count avg_startup_txns_load_time min_startup_txns_load_time max_startup_txns_load_time
cnt_startup_txns_load_time sum_startup_txns_load_time avg_sync_processor_queue_size
min_sync_processor_queue_size max_sync_processor_queue_size cnt_sync_processor_queue_size
sum_sync_processor_queue_size avg_follower_sync_time min_follower_sync_time max_follower_sync_time
cnt_follower_sync_time sum_follower_sync_time avg_prep_processor_queue_size min_prep_processor_queue_size
max_prep_processor_queue_size cnt_prep_processor_queue_size sum_prep_processor_queue_size avg_fsynctime
min_fsynctime max_fsynctime cnt_fsynctime sum_fsynctime avg_inflight_snap_count min_inflight_snap_count
max_inflight_snap_count cnt_inflight_snap_count sum_inflight_snap_count avg_reads_issued_from_session_queue
min_reads_issued_from_session_queue max_reads_issued_from_session_queue cnt_reads_issued_from_session_queue
sum_reads_issued_from_session_queue avg_learner_request_processor_queue_size
min_learner_request_processor_queue_size max_learner_request_processor_queue_size
cnt_learner_request_processor_queue_size sum_learner_request_processor_queue_size avg_snapshottime
min_snapshottime max_snapshottime cnt_snapshottime sum_snapshottime avg_unavailable_time min_unavailable_time
max_unavailable_time cnt_unavailable_time sum_unavailable_time avg_startup_txns_loaded min_startup_txns_loaded
max_startup_txns_loaded cnt_startup_txns_loaded sum_startup_txns_loaded avg_reads_after_write_in_session_queue
min_reads_after_write_in_session_queue max_reads_after_write_in_session_queue
cnt_reads_after_write_in_session_queue sum_reads_after_write_in_session_queue avg_requests_in_session_queue
min_requests_in_session_queue max_requests_in_session_queue cnt_requests_in_session_queue
sum_requests_in_session_queue avg_write_commit_proc_issued min_write_commit_proc_issued
max_write_commit_proc_issued cnt_write_commit_proc_issued sum_write_commit_proc_issued avg_prep_process_time
min_prep_process_time max_prep_process_time cnt_prep_process_time sum_prep_process_time
avg_pending_session_queue_size min_pending_session_queue_size max_pending_session_queue_size
cnt_pending_session_queue_size sum_pending_session_queue_size
avg_time_waiting_empty_pool_in_commit_processor_read_ms min_time_waiting_empty_pool_in_commit_processor_read_ms
max_time_waiting_empty_pool_in_commit_processor_read_ms cnt_time_waiting_empty_pool_in_commit_processor_read_ms
sum_time_waiting_empty_pool_in_commit_processor_read_ms avg_commit_process_time min_commit_process_time
max_commit_process_time cnt_commit_process_time sum_commit_process_time avg_dbinittime min_dbinittime
max_dbinittime cnt_dbinittime sum_dbinittime avg_inflight_diff_count min_inflight_diff_count
max_inflight_diff_count cnt_inflight_diff_count sum_inflight_diff_count avg_netty_queued_buffer_capacity
min_netty_queued_buffer_capacity max_netty_queued_buffer_capacity cnt_netty_queued_buffer_capacity
sum_netty_queued_buffer_capacity avg_election_time min_election_time max_election_time cnt_election_time
sum_election_time avg_commit_commit_proc_req_queued min_commit_commit_proc_req_queued
max_commit_commit_proc_req_queued cnt_commit_commit_proc_req_queued sum_commit_commit_proc_req_queued
avg_sync_processor_batch_size min_sync_processor_batch_size max_sync_processor_batch_size
cnt_sync_processor_batch_size sum_sync_processor_batch_size avg_node_children_watch_count
min_node_children_watch_count max_node_children_watch_count cnt_node_children_watch_count
sum_node_children_watch_count avg_write_batch_time_in_commit_processor min_write_batch_time_in_commit_processor
max_write_batch_time_in_commit_processor cnt_write_batch_time_in_commit_processor
sum_write_batch_time_in_commit_processor avg_read_commit_proc_issued min_read_commit_proc_issued
max_read_commit_proc_issued cnt_read_commit_proc_issued sum_read_commit_proc_issued
avg_concurrent_request_processing_in_commit_processor min_concurrent_request_processing_in_commit_processor
max_concurrent_request_processing_in_commit_processor cnt_concurrent_request_processing_in_commit_processor
sum_concurrent_request_processing_in_commit_processor avg_observer_sync_time min_observer_sync_time
max_observer_sync_time cnt_observer_sync_time sum_observer_sync_time avg_node_changed_watch_count
min_node_changed_watch_count max_node_changed_watch_count cnt_node_changed_watch_count
sum_node_changed_watch_count avg_sync_process_time min_sync_process_time max_sync_process_time
cnt_sync_process_time sum_sync_process_time avg_startup_snap_load_time min_startup_snap_load_time
max_startup_snap_load_time cnt_startup_snap_load_time sum_startup_snap_load_time
avg_prep_processor_queue_time_ms min_prep_processor_queue_time_ms max_prep_processor_queue_time_ms
cnt_prep_processor_queue_time_ms sum_prep_processor_queue_time_ms p50_prep_processor_queue_time_ms
p95_prep_processor_queue_time_ms p99_prep_processor_queue_time_ms p999_prep_processor_queue_time_ms
avg_jvm_pause_time_ms min_jvm_pause_time_ms max_jvm_pause_time_ms cnt_jvm_pause_time_ms sum_jvm_pause_time_ms
p50_jvm_pause_time_ms p95_jvm_pause_time_ms p99_jvm_pause_time_ms p999_jvm_pause_time_ms
avg_close_session_prep_time min_close_session_prep_time max_close_session_prep_time cnt_close_session_prep_time
sum_close_session_prep_time p50_close_session_prep_time p95_close_session_prep_time p99_close_session_prep_time
p999_close_session_prep_time avg_read_commitproc_time_ms min_read_commitproc_time_ms max_read_commitproc_time_ms
cnt_read_commitproc_time_ms sum_read_commitproc_time_ms p50_read_commitproc_time_ms p95_read_commitproc_time_ms
p99_read_commitproc_time_ms p999_read_commitproc_time_ms avg_updatelatency min_updatelatency max_updatelatency
cnt_updatelatency sum_updatelatency p50_updatelatency p95_updatelatency p99_updatelatency p999_updatelatency
avg_local_write_committed_time_ms min_local_write_committed_time_ms max_local_write_committed_time_ms
cnt_local_write_committed_time_ms sum_local_write_committed_time_ms p50_local_write_committed_time_ms
p95_local_write_committed_time_ms p99_local_write_committed_time_ms p999_local_write_committed_time_ms
avg_request_throttle_queue_time_ms min_request_throttle_queue_time_ms max_request_throttle_queue_time_ms
cnt_request_throttle_queue_time_ms sum_request_throttle_queue_time_ms p50_request_throttle_queue_time_ms
p95_request_throttle_queue_time_ms p99_request_throttle_queue_time_ms p999_request_throttle_queue_time_ms
avg_readlatency min_readlatency max_readlatency cnt_readlatency sum_readlatency p50_readlatency p95_readlatency
p99_readlatency p999_readlatency avg_quorum_ack_latency min_quorum_ack_latency max_quorum_ack_latency
cnt_quorum_ack_latency sum_quorum_ack_latency p50_quorum_ack_latency p95_quorum_ack_latency
p99_quorum_ack_latency p999_quorum_ack_latency avg_om_commit_process_time_ms min_om_commit_process_time_ms
max_om_commit_process_time_ms cnt_om_commit_process_time_ms sum_om_commit_process_time_ms
p50_om_commit_process_time_ms p95_om_commit_process_time_ms p99_om_commit_process_time_ms
p999_om_commit_process_time_ms avg_read_final_proc_time_ms min_read_final_proc_time_ms
max_read_final_proc_time_ms cnt_read_final_proc_time_ms sum_read_final_proc_time_ms p50_read_final_proc_time_ms
p95_read_final_proc_time_ms p99_read_final_proc_time_ms p999_read_final_proc_time_ms
avg_commit_propagation_latency min_commit_propagation_latency max_commit_propagation_latency
cnt_commit_propagation_latency sum_commit_propagation_latency p50_commit_propagation_latency
p95_commit_propagation_latency p99_commit_propagation_latency p999_commit_propagation_latency
avg_dead_watchers_cleaner_latency min_dead_watchers_cleaner_latency max_dead_watchers_cleaner_latency
cnt_dead_watchers_cleaner_latency sum_dead_watchers_cleaner_latency p50_dead_watchers_cleaner_latency
p95_dead_watchers_cleaner_latency p99_dead_watchers_cleaner_latency p999_dead_watchers_cleaner_latency
avg_write_final_proc_time_ms min_write_final_proc_time_ms max_write_final_proc_time_ms
cnt_write_final_proc_time_ms sum_write_final_proc_time_ms p50_write_final_proc_time_ms
p95_write_final_proc_time_ms p99_write_final_proc_time_ms p999_write_final_proc_time_ms
avg_proposal_ack_creation_latency min_proposal_ack_creation_latency max_proposal_ack_creation_latency
cnt_proposal_ack_creation_latency sum_proposal_ack_creation_latency p50_proposal_ack_creation_latency
p95_proposal_ack_creation_latency p99_proposal_ack_creation_latency p999_proposal_ack_creation_latency
avg_proposal_latency min_proposal_latency max_proposal_latency cnt_proposal_latency sum_proposal_latency
p50_proposal_latency p95_proposal_latency p99_proposal_latency p999_proposal_latency
avg_om_proposal_process_time_ms min_om_proposal_process_time_ms max_om_proposal_process_time_ms
cnt_om_proposal_process_time_ms sum_om_proposal_process_time_ms p50_om_proposal_process_time_ms
p95_om_proposal_process_time_ms p99_om_proposal_process_time_ms p999_om_proposal_process_time_ms
avg_sync_processor_queue_and_flush_time_ms min_sync_processor_queue_and_flush_time_ms
max_sync_processor_queue_and_flush_time_ms cnt_sync_processor_queue_and_flush_time_ms
sum_sync_processor_queue_and_flush_time_ms p50_sync_processor_queue_and_flush_time_ms
p95_sync_processor_queue_and_flush_time_ms p99_sync_processor_queue_and_flush_time_ms
p999_sync_processor_queue_and_flush_time_ms avg_propagation_latency min_propagation_latency
max_propagation_latency cnt_propagation_latency sum_propagation_latency p50_propagation_latency
p95_propagation_latency p99_propagation_latency p999_propagation_latency avg_server_write_committed_time_ms
min_server_write_committed_time_ms max_server_write_committed_time_ms cnt_server_write_committed_time_ms
sum_server_write_committed_time_ms p50_server_write_committed_time_ms p95_server_write_committed_time_ms
p99_server_write_committed_time_ms p999_server_write_committed_time_ms avg_sync_processor_queue_time_ms
min_sync_processor_queue_time_ms max_sync_processor_queue_time_ms cnt_sync_processor_queue_time_ms
sum_sync_processor_queue_time_ms p50_sync_processor_queue_time_ms p95_sync_processor_queue_time_ms
p99_sync_processor_queue_time_ms p999_sync_processor_queue_time_ms avg_sync_processor_queue_flush_time_ms
min_sync_processor_queue_flush_time_ms max_sync_processor_queue_flush_time_ms
cnt_sync_processor_queue_flush_time_ms sum_sync_processor_queue_flush_time_ms
p50_sync_processor_queue_flush_time_ms p95_sync_processor_queue_flush_time_ms
p99_sync_processor_queue_flush_time_ms p999_sync_processor_queue_flush_time_ms avg_write_commitproc_time_ms
min_write_commitproc_time_ms max_write_commitproc_time_ms cnt_write_commitproc_time_ms
sum_write_commitproc_time_ms p50_write_commitproc_time_ms p95_write_commitproc_time_ms
p99_write_commitproc_time_ms p999_write_commitproc_time_ms
`;

/** Keys of a standalone ZooKeeper 3.8.0's mntr, in its order, without the zk_ prefix. */
export const MNTR_KEYS: readonly string[] = MNTR_KEY_TEXT.split(/\s+/).filter((k) => k !== '');

export type MonitorValue = string | number | JavaDouble;

function isDoubleKey(key: string): boolean {
  return key.startsWith('avg_') || key === 'connection_drop_probability';
}

function statsValues(s: ServerStatsSnapshot): Record<string, number> {
  return {
    ephemerals_count: s.ephemeralsCount,
    num_alive_connections: s.numAliveConnections,
    avg_latency: s.avgLatency,
    outstanding_requests: s.outstandingRequests,
    znode_count: s.nodeCount,
    global_sessions: s.globalSessions,
    non_mtls_remote_conn_count: s.nonMtlsRemoteConnCount,
    last_client_response_size: s.lastClientResponseSize,
    packets_sent: s.packetsSent,
    packets_received: s.packetsReceived,
    max_client_response_size: s.maxClientResponseSize,
    watch_count: s.watchCount,
    auth_failed_count: s.authFailedCount,
    min_latency: s.minLatency,
    max_file_descriptor_count: s.maxFileDescriptorCount,
    approximate_data_size: s.approximateDataSize,
    open_file_descriptor_count: s.openFileDescriptorCount,
    local_sessions: s.localSessions,
    uptime: s.uptime,
    max_latency: s.maxLatency,
    outstanding_tls_handshake: s.outstandingTlsHandshake,
    min_client_response_size: s.minClientResponseSize,
    non_mtls_local_conn_count: s.nonMtlsLocalConnCount,
  };
}

/**
 * The ordered (key, value) pairs both mntr and the AdminServer's monitor print: the standalone key set of ZooKeeper
 * 3.8 (zero where Paddock has no such metric), the ensemble's extra keys for members, then any extra metrics.
 */
export function monitorEntries(intro: ServerIntrospection): [string, MonitorValue][] {
  const stats = statsValues(intro.stats());
  const extra = intro.metrics();
  const quorum = intro.quorum();
  const out: [string, MonitorValue][] = [];
  const seen = new Set<string>();
  const push = (key: string, value: number | string) => {
    seen.add(key);
    out.push([key, typeof value === 'number' && isDoubleKey(key) ? new JavaDouble(value) : value]);
  };
  push('version', intro.version);
  push('server_state', intro.serverState());
  if (quorum !== null) {
    push('peer_state', quorum.peerState);
    if (quorum.observerMasterId !== undefined) push('observer_master_id', quorum.observerMasterId);
  }
  for (const key of MNTR_KEYS) {
    if (seen.has(key)) continue;
    push(key, extra[key] ?? stats[key] ?? 0);
  }
  if (quorum !== null) {
    push('quorum_size', extra.quorum_size ?? quorum.quorumSize);
    if (quorum.leader !== undefined) {
      const l = quorum.leader;
      push('learners', l.learners);
      push('synced_followers', l.syncedFollowers);
      push('synced_non_voting_followers', l.syncedNonVotingFollowers);
      push('synced_observers', l.syncedObservers);
      push('pending_syncs', l.pendingSyncs);
      push('leader_uptime', l.leaderUptime);
      push('last_proposal_size', l.lastProposalSize);
      push('max_proposal_size', l.maxProposalSize);
      push('min_proposal_size', l.minProposalSize);
    } else if (intro.serverState() === 'follower') {
      push('synced_observers', quorum.observers.length);
    }
  }
  for (const [key, value] of Object.entries(extra)) {
    if (!seen.has(key)) push(key, value);
  }
  return out;
}

function renderMntr(intro: ServerIntrospection): string {
  return monitorEntries(intro)
    .map(([k, v]) => `zk_${k}\t${typeof v === 'number' ? String(Math.trunc(v)) : v.toString()}\n`)
    .join('');
}

// ----------------------------------------------------------------------------------------------------------------
// The other commands

function serverStatsText(intro: ServerIntrospection): string {
  const s = intro.stats();
  return (
    `Latency min/avg/max: ${s.minLatency}/${formatJavaDouble(s.avgLatency)}/${s.maxLatency}\n` +
    `Received: ${s.packetsReceived}\n` +
    `Sent: ${s.packetsSent}\n` +
    `Connections: ${s.numAliveConnections}\n` +
    `Outstanding: ${s.outstandingRequests}\n` +
    `Zxid: 0x${javaHex(s.lastProcessedZxid)}\n` +
    `Mode: ${intro.serverState()}\n`
  );
}

/** ServerCnxn.dumpConnectionInfo: one line per connection, brief for stat, full for cons. */
export function connectionLine(c: ConnectionInfo, brief: boolean): string {
  let line =
    ` ${formatJavaSocketAddress(c.remoteAddress, c.remotePort)}[${c.interestOps === 0 ? '0' : c.interestOps.toString(16)}]` +
    `(queued=${c.outstandingRequests},recved=${c.packetsReceived},sent=${c.packetsSent}`;
  if (!brief && c.sessionId !== 0n) {
    line += `,sid=0x${javaHex(c.sessionId)},lop=${c.lastOperation},est=${c.established},to=${c.sessionTimeout}`;
    if (c.lastCxid >= 0) line += `,lcxid=0x${javaHex(c.lastCxid)}`;
    line +=
      `,lzxid=0x${javaHex(c.lastZxid)},lresp=${c.lastResponseTime},llat=${Math.trunc(c.lastLatency)}` +
      `,minlat=${Math.trunc(c.minLatency)},avglat=${Math.trunc(c.avgLatency)},maxlat=${Math.trunc(c.maxLatency)}`;
  }
  return line + ')';
}

function renderStat(intro: ServerIntrospection, withClients: boolean): string {
  let out = `Zookeeper version: ${intro.version}\n`;
  if (intro.isReadOnly()) out += 'READ-ONLY mode; serving only read-only clients\n';
  if (withClients) {
    out += 'Clients:\n';
    for (const c of intro.connections()) out += connectionLine(c, true) + '\n';
    out += '\n';
  }
  out += serverStatsText(intro);
  out += `Node count: ${intro.stats().nodeCount}\n`;
  const leader = intro.quorum()?.leader;
  if (intro.serverState() === 'leader' && leader !== undefined) {
    out += `Proposal sizes last/min/max: ${leader.lastProposalSize}/${leader.minProposalSize}/${leader.maxProposalSize}\n`;
  }
  return out;
}

function renderCons(intro: ServerIntrospection): string {
  return intro.connections().map((c) => connectionLine(c, false) + '\n').join('') + '\n';
}

export interface WatchSummary {
  numConnections: number;
  numPaths: number;
  numTotalWatches: number;
}

/** WatchManager.toString's counts: sessions with watches, distinct paths, and total (session, path) pairs. */
export function watchSummary(intro: ServerIntrospection): WatchSummary {
  const bySession = intro.watchesBySession().filter((s) => s.paths.length > 0);
  const paths = new Set<string>();
  let total = 0;
  for (const s of bySession) {
    for (const p of s.paths) paths.add(p);
    total += s.paths.length;
  }
  return { numConnections: bySession.length, numPaths: paths.size, numTotalWatches: total };
}

function renderWchs(intro: ServerIntrospection): string {
  const s = watchSummary(intro);
  return `${s.numConnections} connections watching ${s.numPaths} paths\nTotal watches:${s.numTotalWatches}\n`;
}

function renderWchc(intro: ServerIntrospection): string {
  let out = '';
  for (const s of intro.watchesBySession()) {
    out += `0x${javaHex(s.sessionId)}\n`;
    for (const p of s.paths) out += `\t${p}\n`;
  }
  return out + '\n';
}

function renderWchp(intro: ServerIntrospection): string {
  let out = '';
  for (const w of intro.watchesByPath()) {
    out += `${w.path}\n`;
    for (const id of w.sessionIds) out += `\t0x${javaHex(id)}\n`;
  }
  return out + '\n';
}

function renderDump(intro: ServerIntrospection): string {
  const buckets = [...intro.sessionExpiry()].sort((a, b) => a.expiresAtElapsed - b.expiresAtElapsed);
  const sessions = buckets.reduce((n, b) => n + b.sessionIds.length, 0);
  let out = 'SessionTracker dump:\n';
  out += `Session Sets (${buckets.length})/(${sessions}):\n`;
  for (const b of buckets) {
    out += `${b.sessionIds.length} expire at ${formatJavaDate(b.expiresAtWall)}:\n`;
    for (const id of b.sessionIds) out += `\t0x${javaHex(id)}\n`;
  }
  out += 'ephemeral nodes dump:\n';
  const ephemerals = intro.sessionsWithEphemerals();
  out += `Sessions with Ephemerals (${ephemerals.length}):\n`;
  for (const e of ephemerals) {
    out += `0x${javaHex(e.sessionId)}:\n`;
    for (const p of e.paths) out += `\t${p}\n`;
  }
  out += 'Connections dump:\n';
  const cnxns = [...intro.connectionExpiry()].sort((a, b) => a.expiresAtWall - b.expiresAtWall);
  const cnxnCount = cnxns.reduce((n, b) => n + b.connections.length, 0);
  out += `Connections Sets (${cnxns.length})/(${cnxnCount}):\n`;
  for (const b of cnxns) {
    out += `${b.connections.length} expire at ${formatJavaDate(b.expiresAtWall)}:\n`;
    for (const c of b.connections) {
      out += `\tip: ${formatJavaSocketAddress(c.remoteAddress, c.remotePort)} sessionId: 0x${javaHex(c.sessionId)}\n`;
    }
  }
  return out;
}

function renderEnvi(intro: ServerIntrospection): string {
  return 'Environment:\n' + intro.environment().map((e) => `${e.key}=${e.value}\n`).join('');
}

function renderConf(intro: ServerIntrospection): string {
  const quorum = intro.quorum();
  return renderConfForConfCommand(intro.config, {
    dataDirSize: intro.dataDirSize(),
    dataLogSize: intro.logDirSize(),
    quorum: quorum === null ? undefined : { myid: quorum.myid },
  });
}

// ZooTrace's process-wide text trace mask; 306 is ZooKeeper's default (client ping, request and error traces).
let traceMask = 306n;

export function getTraceMask(): bigint {
  return traceMask;
}

export function setTraceMask(mask: bigint): void {
  traceMask = BigInt.asIntN(64, mask);
}

export interface FourLetterWordOptions {
  /** stmk carries an 8-byte big-endian mask after the command. */
  stmkMask?: bigint;
}

/**
 * Runs a four-letter word and returns the exact text ZooKeeper 3.8 would write before closing the connection.
 * `whitelist` is either the resolved set (resolveWhitelist) or raw 4lw.commands.whitelist entries.
 * Unknown commands and 'telnet close' produce '' (the caller just closes).
 */
export function runFourLetterWord(
  cmd: string,
  intro: ServerIntrospection,
  whitelist: ReadonlySet<string> | readonly string[],
  options: FourLetterWordOptions = {},
): string {
  if (!WORD_SET.has(cmd) && cmd !== TELNET_CLOSE) return '';
  const enabled = isStringArray(whitelist) ? resolveWhitelist(whitelist, intro.config.readOnlyModeEnabled) : whitelist;
  if (!enabled.has(cmd)) return refusalText(cmd);
  const serving = intro.isServing();
  const notServing = `${ZK_NOT_SERVING}\n`;
  switch (cmd as FourLetterWord | typeof TELNET_CLOSE) {
    case TELNET_CLOSE:
      return '';
    case 'ruok':
      return 'imok';
    case 'envi':
      return renderEnvi(intro);
    case 'gtmk':
      return String(traceMask);
    case 'stmk':
      if (options.stmkMask !== undefined) setTraceMask(options.stmkMask);
      return String(traceMask);
    case 'isro':
      return !serving ? 'null' : intro.isReadOnly() ? 'ro' : 'rw';
    case 'hash':
      if (!serving) return ZK_NOT_SERVING;
      return intro
        .digests()
        .map((d) => `${javaHex(d.zxid)}: ${d.digest}\n`)
        .join('');
    default:
      break;
  }
  if (!serving) return notServing;
  switch (cmd as FourLetterWord) {
    case 'stat':
      return renderStat(intro, true);
    case 'srvr':
      return renderStat(intro, false);
    case 'mntr':
      return renderMntr(intro);
    case 'conf':
      return renderConf(intro);
    case 'cons':
      return renderCons(intro);
    case 'crst':
      intro.resetConnectionStats();
      return 'Connection stats reset.\n';
    case 'srst':
      intro.resetStats();
      return 'Server stats reset.\n';
    case 'dirs':
      return `datadir_size: ${intro.dataDirSize()}\nlogdir_size: ${intro.logDirSize()}\n`;
    case 'dump':
      return renderDump(intro);
    case 'wchs':
      return renderWchs(intro);
    case 'wchc':
      return renderWchc(intro);
    case 'wchp':
      return renderWchp(intro);
    default:
      return '';
  }
}

function isStringArray(w: ReadonlySet<string> | readonly string[]): w is readonly string[] {
  return Array.isArray(w);
}

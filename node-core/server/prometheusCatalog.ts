// ZooKeeper 3.8's metric families as its PrometheusMetricsProvider exposes them: the summaries and counters every
// server registers at start (ServerMetrics), and the gauges a serving server, a quorum member, a leader and a
// follower add (their registerMetrics()). Names and types are what dashboards and alerts match on.

/** Summaries with only the median (DetailLevel.BASIC). */
const BASIC_SUMMARIES = `
fsynctime snapshottime dbinittime follower_sync_time observer_sync_time election_time
connection_token_deficit inflight_snap_count inflight_diff_count node_created_watch_count
node_deleted_watch_count node_changed_watch_count node_children_watch_count prep_processor_queue_size
prep_process_time proposal_process_time unavailable_time leader_unavailable_time requests_in_session_queue
pending_session_queue_size reads_after_write_in_session_queue reads_issued_from_session_queue
session_queues_drained time_waiting_empty_pool_in_commit_processor_read_ms
write_batch_time_in_commit_processor concurrent_request_processing_in_commit_processor
read_commit_proc_req_queued write_commit_proc_req_queued commit_commit_proc_req_queued
read_commit_proc_issued write_commit_proc_issued commit_process_time startup_txns_loaded
startup_txns_load_time startup_snap_load_time sync_processor_queue_size sync_process_time
sync_processor_batch_size netty_queued_buffer_capacity learner_request_processor_queue_size
socket_closing_time
`;

/** Summaries with the 0.5, 0.9 and 0.99 quantiles (DetailLevel.ADVANCED). */
const ADVANCED_SUMMARIES = `
readlatency updatelatency propagation_latency dead_watchers_cleaner_latency prep_processor_queue_time_ms
close_session_prep_time read_commitproc_time_ms write_commitproc_time_ms local_write_committed_time_ms
server_write_committed_time_ms om_proposal_process_time_ms om_commit_process_time_ms read_final_proc_time_ms
write_final_proc_time_ms proposal_latency proposal_ack_creation_latency commit_propagation_latency
sync_processor_queue_and_flush_time_ms sync_processor_queue_time_ms sync_processor_queue_flush_time_ms
quorum_ack_latency request_throttle_queue_time_ms jvm_pause_time_ms
`;

const COUNTERS = `
looking_count diff_count snap_count commit_count connection_request_count connection_rejected
bytes_received_count unrecoverable_error_count add_dead_watcher_stall_time dead_watchers_queued
dead_watchers_cleared response_packet_cache_hits response_packet_cache_misses
response_packet_get_children_cache_hits response_packet_get_children_cache_misses ensemble_auth_success
ensemble_auth_fail ensemble_auth_skip prep_processor_request_queued outstanding_changes_queued
outstanding_changes_removed revalidate_count connection_drop_count connection_revalidate_count
sessionless_connections_expired stale_sessions_expired request_commit_queued throttled_ops
learner_proposal_received_count learner_commit_received_count sync_processor_request_queued proposal_count
quit_leading_due_to_disloyal_voter stale_requests stale_requests_dropped stale_replies
request_throttle_wait_count large_requests_rejected digest_mismatches_count unsuccessful_handshake
insecure_admin_count tls_handshake_exceeded cnxn_closed_without_zk_server_running
skip_learner_request_to_next_processor_count requests_not_forwarded_to_commit_processor response_bytes
watch_bytes
`;

/** The gauges ZooKeeperServer.registerMetrics() adds once a server serves, in its order. */
const SERVING_GAUGES = `
avg_latency max_latency min_latency packets_received packets_sent num_alive_connections outstanding_requests uptime
znode_count watch_count ephemerals_count approximate_data_size global_sessions local_sessions
open_file_descriptor_count max_file_descriptor_count connection_drop_probability last_client_response_size
max_client_response_size min_client_response_size outstanding_tls_handshake auth_failed_count
non_mtls_remote_conn_count non_mtls_local_conn_count
`;

/** LeaderZooKeeperServer's gauges. */
const LEADER_GAUGES = `
learners synced_followers synced_non_voting_followers synced_observers pending_syncs leader_uptime
last_proposal_size max_proposal_size min_proposal_size
`;

const words = (text: string): string[] => text.split(/\s+/).filter((w) => w !== '');

export type MetricKind = 'summary' | 'counter' | 'gauge';

export interface MetricFamily {
  name: string;
  kind: MetricKind;
  /** A summary's quantiles. */
  quantiles?: readonly number[];
  /** Families with a "key" label (per namespace, per learner); Paddock has no samples for them. */
  labelled?: boolean;
}

const basicQuantiles = [0.5];
const advancedQuantiles = [0.5, 0.9, 0.99];

/** What every server exposes from its start, whatever its role. */
export const SERVER_METRICS: readonly MetricFamily[] = [
  ...words(BASIC_SUMMARIES).map((name) => ({ name, kind: 'summary' as const, quantiles: basicQuantiles })),
  ...words(ADVANCED_SUMMARIES).map((name) => ({ name, kind: 'summary' as const, quantiles: advancedQuantiles })),
  { name: 'write_per_namespace', kind: 'summary', quantiles: basicQuantiles, labelled: true },
  { name: 'read_per_namespace', kind: 'summary', quantiles: basicQuantiles, labelled: true },
  { name: 'learner_handler_qp_size', kind: 'summary', quantiles: basicQuantiles, labelled: true },
  { name: 'learner_handler_qp_time_ms', kind: 'summary', quantiles: advancedQuantiles, labelled: true },
  { name: 'ack_latency', kind: 'summary', quantiles: advancedQuantiles, labelled: true },
  ...words(COUNTERS).map((name) => ({ name, kind: 'counter' as const })),
  { name: 'quota_exceeded_error_per_namespace', kind: 'counter', labelled: true },
];

export const SERVING_METRICS: readonly MetricFamily[] = [
  ...words(SERVING_GAUGES).map((name) => ({ name, kind: 'gauge' as const })),
  ...['quota_count_limit_per_namespace', 'quota_bytes_limit_per_namespace', 'quota_count_usage_per_namespace', 'quota_bytes_usage_per_namespace'].map(
    (name) => ({ name, kind: 'gauge' as const, labelled: true }),
  ),
];

/** QuorumZooKeeperServer's: every serving ensemble member. */
export const QUORUM_METRICS: readonly MetricFamily[] = [{ name: 'quorum_size', kind: 'gauge' }];

export const LEADER_METRICS: readonly MetricFamily[] = words(LEADER_GAUGES).map((name) => ({ name, kind: 'gauge' as const }));

/** FollowerZooKeeperServer's (an observer master's count of observers). */
export const FOLLOWER_METRICS: readonly MetricFamily[] = [{ name: 'synced_observers', kind: 'gauge' }];

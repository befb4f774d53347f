// The read-only view of a running server that four-letter words and the AdminServer render.
// The server core implements ServerIntrospection in one class; everything crosses as plain data snapshots so the
// renderers stay pure and testable with a fake.

import * as os from 'node:os';
import type { MemberRole } from '../protocol/memberRole.js';
import type { ZooConfig } from './config/zooCfgTypes.js';

/** ZooKeeper's server_state strings, plus 'looking' while an ensemble member has no quorum. */
export type ServerState = 'standalone' | 'leader' | 'follower' | 'observer' | 'read-only' | 'looking';

/** Version reported to clients. Starts with 3.8.0 because kazoo and others parse the leading digits of envi's line. */
export const PADDOCK_VERSION = '0.1.0';
export const ZOOKEEPER_COMPAT_VERSION = '3.8.0';

export function fullVersion(buildDate: Date = new Date(0)): string {
  const d = buildDate;
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
  return `${ZOOKEEPER_COMPAT_VERSION}-paddock-${PADDOCK_VERSION}, built on ${stamp}`;
}

export interface ServerStatsSnapshot {
  /** Request latency in ms since the last srst. */
  minLatency: number;
  avgLatency: number;
  maxLatency: number;
  packetsReceived: number;
  packetsSent: number;
  /** Open client connections (including ones still doing a four-letter word). */
  numAliveConnections: number;
  outstandingRequests: number;
  lastProcessedZxid: bigint;
  nodeCount: number;
  /** Data + child watch registrations, as mntr's zk_watch_count. */
  watchCount: number;
  ephemeralsCount: number;
  approximateDataSize: number;
  globalSessions: number;
  localSessions: number;
  /** ms since the server started serving. */
  uptime: number;
  authFailedCount: number;
  /** Size in bytes of responses since the last srst; -1 when none was sent yet. */
  lastClientResponseSize: number;
  minClientResponseSize: number;
  maxClientResponseSize: number;
  fsyncThresholdExceedCount: number;
  nonMtlsRemoteConnCount: number;
  nonMtlsLocalConnCount: number;
  outstandingTlsHandshake: number;
  openFileDescriptorCount: number;
  maxFileDescriptorCount: number;
}

export interface ConnectionInfo {
  remoteAddress: string;
  remotePort: number;
  /** 1 = reading, 4 = writing, 5 = both, 0 = throttled; ZooKeeper prints it in hex. */
  interestOps: number;
  outstandingRequests: number;
  packetsReceived: number;
  packetsSent: number;
  /** 0n before the session is established (a four-letter-word connection, for instance). */
  sessionId: bigint;
  /** Short opcode name (GETD, SETD, PING, ...) or 'NA'. */
  lastOperation: string;
  /** Wall clock ms when the connection was established. */
  established: number;
  sessionTimeout: number;
  /** -1 when no request with a positive xid has been seen since the last crst. */
  lastCxid: number;
  /** -1n after a crst until the next response. */
  lastZxid: bigint;
  /** Monotonic ms of the last response, as ZooKeeper's Time.currentElapsedTime. */
  lastResponseTime: number;
  lastLatency: number;
  minLatency: number;
  avgLatency: number;
  maxLatency: number;
  secure: boolean;
}

/** Watches as ZooKeeper's dataWatches table holds them (data, exists and persistent watches). */
export interface SessionWatches {
  sessionId: bigint;
  paths: string[];
}

export interface PathWatchers {
  path: string;
  sessionIds: bigint[];
}

export interface SessionEphemerals {
  sessionId: bigint;
  paths: string[];
}

/** One bucket of the session expiry queue. */
export interface SessionExpiryBucket {
  /** Expiry time on the monotonic clock (ms), which the admin dump prints as the key. */
  expiresAtElapsed: number;
  /** The same instant on the wall clock (ms since epoch), which the 4lw dump prints as a date. */
  expiresAtWall: number;
  sessionIds: bigint[];
}

export interface ConnectionExpiryBucket {
  expiresAtWall: number;
  connections: { remoteAddress: string; remotePort: number; sessionId: bigint }[];
}

export interface EnvironmentEntry {
  key: string;
  value: string;
}

export type ZabState = 'election' | 'discovery' | 'synchronization' | 'broadcast';

export interface QuorumMemberView {
  id: number;
  serverAddresses: string[];
  electionAddresses: string[];
  clientAddress: string;
  learnerType: MemberRole;
}

export interface LearnerInfo {
  remoteAddress: string;
  sid: number;
  established: number;
  queuedPackets: number;
  queuedPacketsSize: number;
  packetsReceived: number;
  packetsSent: number;
  requests: number;
  lastZxid: bigint;
}

/** What only ensemble members have; null for a standalone server. */
export interface QuorumIntrospection {
  myid: number;
  isLeader: boolean;
  leaderId: number;
  /** host:port of the leader's quorum address, null when unknown. */
  leaderAddress: string | null;
  /** e.g. "following - broadcast", as mntr's zk_peer_state. */
  peerState: string;
  zabState: ZabState;
  voting: boolean;
  quorumAddress: string;
  electionAddress: string;
  clientAddress: string;
  votingView: QuorumMemberView[];
  quorumSize: number;
  /** Leader only. */
  leader?: {
    learners: number;
    syncedFollowers: number;
    syncedNonVotingFollowers: number;
    syncedObservers: number;
    pendingSyncs: number;
    leaderUptime: number;
    lastProposalSize: number;
    minProposalSize: number;
    maxProposalSize: number;
  };
  observers: LearnerInfo[];
  /** Observer only: the sid of the learner master it follows. */
  observerMasterId?: number;
}

export interface ServerIntrospection {
  /** The config the server started with. */
  readonly config: ZooConfig;
  /** Full version string (see fullVersion()). */
  readonly version: string;
  serverState(): ServerState;
  /** False while looking for a leader, syncing, or shutting down: most commands then answer "not serving". */
  isServing(): boolean;
  isReadOnly(): boolean;
  /** myid for ensemble members, 0 for standalone. */
  serverId(): number;
  stats(): ServerStatsSnapshot;
  /**
   * Extra metrics keyed as in mntr without the zk_ prefix (e.g. snap_count, fsynctime summaries as
   * avg_fsynctime/min_fsynctime/...). Known keys override the zero placeholders; unknown keys are appended.
   */
  metrics(): Record<string, number>;
  connections(): ConnectionInfo[];
  watchesBySession(): SessionWatches[];
  watchesByPath(): PathWatchers[];
  sessionsWithEphemerals(): SessionEphemerals[];
  sessionExpiry(): SessionExpiryBucket[];
  /** Only NIO-style servers keep a connection expiry queue; return [] if there is none. */
  connectionExpiry(): ConnectionExpiryBucket[];
  /** Bytes used by snapshots (dataDir/version-2) and transaction logs (dataLogDir/version-2). */
  dataDirSize(): number;
  logDirSize(): number;
  lastSnapshot(): { zxid: bigint; timestampSeconds: number } | null;
  /** Recent (zxid, tree digest) pairs for the hash command; [] when digests are off. */
  digests(): { zxid: bigint; digest: bigint }[];
  environment(): EnvironmentEntry[];
  quorum(): QuorumIntrospection | null;
  /** srst */
  resetStats(): void;
  /** crst */
  resetConnectionStats(): void;
  /** orst (observer connection stats on a leader or observer master) */
  resetObserverConnectionStats(): void;
}

/**
 * ZooKeeper's Environment.list() with Node.js in place of the JVM. The java.* keys stay because tools read them;
 * they describe the Node runtime.
 */
export function defaultEnvironment(version: string): EnvironmentEntry[] {
  const mb = 1024 * 1024;
  const mem = process.memoryUsage();
  let user = '<NA>';
  try {
    user = os.userInfo().username;
  } catch {
    // No passwd entry (containers); ZooKeeper prints <NA> in the same case.
  }
  const entries: [string, string][] = [
    ['zookeeper.version', version],
    ['host.name', os.hostname() || '<NA>'],
    ['java.version', process.versions.node],
    ['java.vendor', 'Node.js'],
    ['java.home', process.execPath],
    ['java.class.path', process.argv[1] ?? '<NA>'],
    ['java.library.path', '<NA>'],
    ['java.io.tmpdir', os.tmpdir()],
    ['java.compiler', '<NA>'],
    ['os.name', os.type()],
    ['os.arch', process.arch === 'x64' ? 'amd64' : process.arch],
    ['os.version', os.release()],
    ['user.name', user],
    ['user.home', os.homedir()],
    ['user.dir', process.cwd()],
    ['os.memory.free', `${Math.floor((mem.heapTotal - mem.heapUsed) / mb)}MB`],
    ['os.memory.max', `${Math.floor(os.totalmem() / mb)}MB`],
    ['os.memory.total', `${Math.floor(mem.heapTotal / mb)}MB`],
  ];
  return entries.map(([key, value]) => ({ key, value }));
}

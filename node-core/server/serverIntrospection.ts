// Exposes a running ZooKeeperServer as the ServerIntrospection view that four-letter words and the AdminServer
// render, and attaches both to it.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FOUR_LETTER_WORDS, resolveWhitelist, runFourLetterWord } from './fourLetterWords.js';
import { AdminServer } from './adminServer.js';
import {
  defaultEnvironment,
  fullVersion,
  type ConnectionInfo,
  type QuorumIntrospection,
  type ServerIntrospection,
  type ServerState,
  type ServerStatsSnapshot,
} from './introspection.js';
import type { FourLetterWords, ZooKeeperServer } from './zooKeeperServer.js';

// The compiled module's own time stands for the build date that ZooKeeper stamps into its version line.
const version = fullVersion(buildDate());

function buildDate(): Date {
  try {
    return statSync(fileURLToPath(import.meta.url)).mtime;
  } catch {
    return new Date();
  }
}

function directorySize(dir: string): number {
  try {
    return readdirSync(dir).reduce((sum, name) => {
      try {
        return sum + statSync(join(dir, name)).size;
      } catch {
        return sum;
      }
    }, 0);
  } catch {
    return 0;
  }
}

/** A server as four-letter words and the AdminServer see it; mode and quorum figures come from its ServerRole. */
export class ServerIntrospectionView implements ServerIntrospection {
  constructor(private readonly server: ZooKeeperServer) {}

  get config() {
    return this.server.config;
  }

  get version(): string {
    return version;
  }

  serverState(): ServerState {
    return this.server.readOnlyMode ? 'read-only' : this.server.role.state();
  }

  isServing(): boolean {
    return this.server.isServing;
  }

  isReadOnly(): boolean {
    return this.server.readOnlyMode;
  }

  serverId(): number {
    return this.server.role.quorum()?.myid ?? 0;
  }

  stats(): ServerStatsSnapshot {
    const s = this.server.statistics;
    const tree = this.server.database.tree;
    let ephemerals = 0;
    for (const paths of tree.sessionsWithEphemerals().values()) ephemerals += paths.size;
    return {
      minLatency: s.latency.min,
      avgLatency: s.latency.avg,
      maxLatency: s.latency.max,
      packetsReceived: s.packetsReceived,
      packetsSent: s.packetsSent,
      numAliveConnections: this.server.connections.size,
      outstandingRequests: this.server.pipeline?.outstanding ?? 0,
      lastProcessedZxid:
        this.server.database.lastProcessedZxid > this.server.role.zxidFloor() ? this.server.database.lastProcessedZxid : this.server.role.zxidFloor(),
      nodeCount: tree.nodeCount,
      watchCount: this.server.watches.size,
      ephemeralsCount: ephemerals,
      approximateDataSize: tree.approximateDataSize(),
      globalSessions: this.server.sessions.size,
      localSessions: 0,
      uptime: this.server.startedAt ? Date.now() - this.server.startedAt : 0,
      authFailedCount: s.authFailed,
      lastClientResponseSize: -1,
      minClientResponseSize: -1,
      maxClientResponseSize: -1,
      fsyncThresholdExceedCount: 0,
      nonMtlsRemoteConnCount: 0,
      nonMtlsLocalConnCount: 0,
      outstandingTlsHandshake: 0,
      openFileDescriptorCount: openFileDescriptors(),
      maxFileDescriptorCount: 1_048_576,
    };
  }

  metrics(): Record<string, number> {
    return { snap_count: 0 };
  }

  connections(): ConnectionInfo[] {
    return [...this.server.connections.values()].map((c) => ({
      remoteAddress: c.remoteAddress,
      remotePort: c.remotePort,
      interestOps: c.interestOps,
      outstandingRequests: c.outstandingRequests,
      packetsReceived: c.packetsReceived,
      packetsSent: c.packetsSent,
      sessionId: c.sessionId,
      lastOperation: c.lastOperation,
      established: c.establishedAt,
      sessionTimeout: c.sessionTimeout,
      lastCxid: c.lastCxid,
      lastZxid: c.lastZxid,
      lastResponseTime: c.lastResponseTime,
      lastLatency: c.lastLatency,
      minLatency: c.latency.min,
      avgLatency: c.latency.avg,
      maxLatency: c.latency.max,
      secure: false,
    }));
  }

  private sessionOf(connectionId: number): bigint {
    return this.server.connections.get(connectionId)?.sessionId ?? 0n;
  }

  watchesBySession() {
    return [...this.server.watches.watchesBySession()].map(([watcher, paths]) => ({
      sessionId: this.sessionOf(watcher),
      paths,
    }));
  }

  watchesByPath() {
    return [...this.server.watches.watchesByPath()].map(([path, watchers]) => ({
      path,
      sessionIds: watchers.map((w) => this.sessionOf(w)),
    }));
  }

  sessionsWithEphemerals() {
    return [...this.server.database.tree.sessionsWithEphemerals()].map(([sessionId, paths]) => ({
      sessionId,
      paths: [...paths].sort(),
    }));
  }

  sessionExpiry() {
    const buckets = new Map<number, bigint[]>();
    for (const s of this.server.sessions.all()) {
      const list = buckets.get(s.expiresAt) ?? [];
      list.push(s.sessionId);
      buckets.set(s.expiresAt, list);
    }
    return [...buckets]
      .sort(([a], [b]) => a - b)
      .map(([at, sessionIds]) => ({ expiresAtElapsed: at, expiresAtWall: at, sessionIds }));
  }

  connectionExpiry() {
    return [];
  }

  dataDirSize(): number {
    return directorySize(join(this.server.config.dataDir, 'version-2'));
  }

  logDirSize(): number {
    return directorySize(join(this.server.config.dataLogDir, 'version-2'));
  }

  lastSnapshot() {
    return null;
  }

  digests() {
    return [];
  }

  environment() {
    return defaultEnvironment(version);
  }

  quorum(): QuorumIntrospection | null {
    return this.server.role.quorum();
  }

  resetStats(): void {
    this.server.statistics.reset();
  }

  resetConnectionStats(): void {
    for (const c of this.server.connections.values()) c.resetStats();
  }

  resetObserverConnectionStats(): void {
    // Observers' connection figures are kept by the ensemble layer; nothing to reset for a standalone server.
  }
}

function openFileDescriptors(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}

const fourLetterWordNames: ReadonlySet<string> = new Set(FOUR_LETTER_WORDS);

/** The four-letter words a server answers on its client port (pass it to the ZooKeeperServer constructor). */
export function fourLetterWordsFor(server: ZooKeeperServer): FourLetterWords {
  const view = new ServerIntrospectionView(server);
  const whitelist = resolveWhitelist(server.config.fourLetterWordWhitelist, server.config.readOnlyModeEnabled);
  return { has: (word) => fourLetterWordNames.has(word), run: (word) => runFourLetterWord(word, view, whitelist) };
}

/** Starts the AdminServer when admin.enableServer is on; the ensemble adds its election command to it. */
export async function startAdminServer(server: ZooKeeperServer): Promise<AdminServer | undefined> {
  if (!server.config.admin.enableServer) return undefined;
  const admin = new AdminServer(new ServerIntrospectionView(server), { logger: server.logger.child('AdminServer') });
  try {
    await admin.start();
  } catch (error) {
    server.logger.warn(`AdminServer not started: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  return admin;
}

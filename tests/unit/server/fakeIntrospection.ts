// A ServerIntrospection whose state mirrors the Apache ZooKeeper 3.8 standalone server captured in
// tests/fixtures/zk38 (two kazoo sessions, three ephemerals, three data watches), so renderers can be compared with
// the real outputs byte for byte.

import { parseZooCfg } from '../../../node-core/server/config/zooCfg.js';
import type {
  ConnectionExpiryBucket,
  ConnectionInfo,
  EnvironmentEntry,
  QuorumIntrospection,
  ServerIntrospection,
  ServerState,
  ServerStatsSnapshot,
  SessionExpiryBucket,
} from '../../../node-core/server/introspection.js';

export const CAPTURED_VERSION = '3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC';
export const S0 = 0x1000002dee60000n;
export const S1 = 0x1000002dee60001n;

export const CAPTURED_ZOO_CFG = `tickTime=2000
dataDir=/tmp/zkcap/data
clientPort=21911
clientPortAddress=127.0.0.1
admin.serverPort=21912
admin.serverAddress=127.0.0.1
4lw.commands.whitelist=*
`;

export function connection(overrides: Partial<ConnectionInfo>): ConnectionInfo {
  return {
    remoteAddress: '127.0.0.1',
    remotePort: 1,
    interestOps: 1,
    outstandingRequests: 0,
    packetsReceived: 0,
    packetsSent: 0,
    sessionId: 0n,
    lastOperation: 'NA',
    established: 0,
    sessionTimeout: 0,
    lastCxid: -1,
    lastZxid: -1n,
    lastResponseTime: 0,
    lastLatency: 0,
    minLatency: 0,
    avgLatency: 0,
    maxLatency: 0,
    secure: false,
    ...overrides,
  };
}

export function baseStats(): ServerStatsSnapshot {
  return {
    minLatency: 0,
    avgLatency: 1.0,
    maxLatency: 4,
    packetsReceived: 20,
    packetsSent: 19,
    numAliveConnections: 3,
    outstandingRequests: 0,
    lastProcessedZxid: 7n,
    nodeCount: 10,
    watchCount: 4,
    ephemeralsCount: 3,
    approximateDataSize: 76,
    globalSessions: 2,
    localSessions: 0,
    uptime: 24774,
    authFailedCount: 0,
    lastClientResponseSize: 16,
    minClientResponseSize: 16,
    maxClientResponseSize: 88,
    fsyncThresholdExceedCount: 0,
    nonMtlsRemoteConnCount: 0,
    nonMtlsLocalConnCount: 0,
    outstandingTlsHandshake: 0,
    openFileDescriptorCount: 271,
    maxFileDescriptorCount: 20000,
  };
}

const wall = (s: string) => Date.parse(s);

export interface FakeIntrospection extends ServerIntrospection {
  state: ServerState;
  serving: boolean;
  readOnly: boolean;
  statsValue: ServerStatsSnapshot;
  cnxns: ConnectionInfo[];
  quorumValue: QuorumIntrospection | null;
  metricsValue: Record<string, number>;
  resets: string[];
}

export function fakeIntrospection(configText = CAPTURED_ZOO_CFG): FakeIntrospection {
  const { config } = parseZooCfg(configText, '/tmp/zkcap/zoo.cfg');
  const sessionBuckets: SessionExpiryBucket[] = [
    { expiresAtElapsed: 248000, expiresAtWall: wall('2026-11-25T01:15:53Z'), sessionIds: [] },
    { expiresAtElapsed: 250000, expiresAtWall: wall('2026-11-25T01:15:57Z'), sessionIds: [] },
    { expiresAtElapsed: 254000, expiresAtWall: wall('2026-11-25T01:15:59Z'), sessionIds: [S0, S1] },
  ];
  const cnxnBuckets: ConnectionExpiryBucket[] = [
    { expiresAtWall: wall('2026-11-25T01:15:55Z'), connections: [] },
    {
      expiresAtWall: wall('2026-11-25T01:16:05Z'),
      connections: [
        { remoteAddress: '127.0.0.1', remotePort: 55982, sessionId: S0 },
        { remoteAddress: '127.0.0.1', remotePort: 45948, sessionId: 0n },
        { remoteAddress: '127.0.0.1', remotePort: 55996, sessionId: S1 },
      ],
    },
  ];
  const fake: FakeIntrospection = {
    config,
    version: CAPTURED_VERSION,
    state: 'standalone',
    serving: true,
    readOnly: false,
    statsValue: baseStats(),
    cnxns: [],
    quorumValue: null,
    metricsValue: {},
    resets: [],
    serverState() {
      return fake.state;
    },
    isServing() {
      return fake.serving;
    },
    isReadOnly() {
      return fake.readOnly;
    },
    serverId() {
      return fake.quorumValue?.myid ?? 0;
    },
    stats() {
      return fake.statsValue;
    },
    metrics() {
      return fake.metricsValue;
    },
    connections() {
      return fake.cnxns;
    },
    watchesBySession() {
      return [
        { sessionId: S0, paths: ['/nothere', '/app/a'] },
        { sessionId: S1, paths: ['/app/a'] },
      ];
    },
    watchesByPath() {
      return [
        { path: '/nothere', sessionIds: [S0] },
        { path: '/app/a', sessionIds: [S0, S1] },
      ];
    },
    sessionsWithEphemerals() {
      return [
        { sessionId: S0, paths: ['/app/eph2', '/app/eph'] },
        { sessionId: S1, paths: ['/e3'] },
      ];
    },
    sessionExpiry() {
      return sessionBuckets;
    },
    connectionExpiry() {
      return cnxnBuckets;
    },
    dataDirSize() {
      return 67109337;
    },
    logDirSize() {
      return 67109337;
    },
    lastSnapshot() {
      return { zxid: 0n, timestampSeconds: 1795569313 };
    },
    digests() {
      return [];
    },
    environment(): EnvironmentEntry[] {
      return [
        ['zookeeper.version', CAPTURED_VERSION],
        ['host.name', 'localhost'],
        ['java.version', '17.0.15'],
        ['java.vendor', 'Debian'],
        ['java.home', '/usr/lib/jvm/java-17-openjdk-amd64'],
        ['java.class.path', '/etc/zookeeper/conf'],
        ['java.library.path', '/usr/lib'],
        ['java.io.tmpdir', '/tmp'],
        ['java.compiler', '<NA>'],
        ['os.name', 'Linux'],
        ['os.arch', 'amd64'],
        ['os.version', '6.1'],
        ['user.name', 'root'],
        ['user.home', '/root'],
        ['user.dir', '/tmp/zkcap'],
        ['os.memory.free', '367MB'],
        ['os.memory.max', '6028MB'],
        ['os.memory.total', '388MB'],
      ].map(([key, value]) => ({ key, value }));
    },
    quorum() {
      return fake.quorumValue;
    },
    resetStats() {
      fake.resets.push('srst');
    },
    resetConnectionStats() {
      fake.resets.push('crst');
    },
    resetObserverConnectionStats() {
      fake.resets.push('orst');
    },
  };
  return fake;
}

// zoo.cfg's key table: each key ZooKeeper 3.8 reads, its value parser and its default, plus the keys accepted as
// no-ops or recognised as Java-only. parseZooCfg drives it; renderZooCfg reads its defaults.
import * as path from 'node:path';
import { QuorumConfigError, parseServerSpec } from '../../consensus/quorumConfig.js';
import { defaultMaxNotificationIntervalMs } from '../../consensus/fastLeaderElection.js';
import { DEFAULT_JUTE_MAXBUFFER, DEFAULT_TICK_TIME, type QuorumServerSpec, type MetricsProviderConfig, type StoreType, type ZooConfig } from './zooCfgTypes.js';

// ----------------------------------------------------------------------------------------------------------------
// Value parsers. Each throws a bare reason string; the caller adds file:line: key.

export class Reason {
  constructor(readonly text: string) {}
}

function parseJavaInt(value: string): number {
  // Integer.parseInt: optional sign, decimal digits only, 32-bit range.
  if (!/^[+-]?\d+$/.test(value)) throw new Reason(`"${value}" is not an integer`);
  const n = Number(value);
  if (n > 2147483647 || n < -2147483648) throw new Reason(`"${value}" is out of the 32-bit integer range`);
  return n;
}

function parseJavaLong(value: string): number {
  if (!/^[+-]?\d+$/.test(value)) throw new Reason(`"${value}" is not an integer`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Reason(`"${value}" is too large`);
  return n;
}

function parsePositiveInt(value: string): number {
  const n = parseJavaInt(value);
  if (n <= 0) throw new Reason(`must be greater than 0, got ${n}`);
  return n;
}

function parseNonNegativeInt(value: string): number {
  const n = parseJavaInt(value);
  if (n < 0) throw new Reason(`must not be negative, got ${n}`);
  return n;
}

function parsePort(value: string, allowZero: boolean): number {
  const n = parseJavaInt(value);
  if (n < (allowZero ? 0 : 1) || n > 65535) throw new Reason(`port ${n} is out of range ${allowZero ? 0 : 1}-65535`);
  return n;
}

function parseStrictBoolean(value: string): boolean {
  // QuorumPeerConfig.parseBoolean accepts exactly true/false (any case) and refuses the rest.
  const v = value.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new Reason(`invalid option "${value}"; choose 'true' or 'false'`);
}

function parseYesNo(value: string): boolean {
  const v = value.toLowerCase();
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  throw new Reason(`invalid option "${value}"; choose 'yes' or 'no'`);
}

function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function parseServerLine(id: number, value: string): QuorumServerSpec {
  try {
    return parseServerSpec(id, value);
  } catch (e) {
    throw e instanceof QuorumConfigError ? new Reason(e.message) : e;
  }
}

// ----------------------------------------------------------------------------------------------------------------
// The key table

export type Draft = Omit<ZooConfig, 'sourcePath' | 'initialConfigText' | 'dataDir' | 'dataLogDir' | 'minSessionTimeout' |
  'maxSessionTimeout' | 'raw' | 'myid'> & {
  dataDir?: string;
  dataLogDir?: string;
  minSessionTimeout: number;
  maxSessionTimeout: number;
};

export interface KeyContext {
  draft: Draft;
  warn: (message: string) => void;
  cwd: string;
  serverLines: Map<number, number>;
}

type KeyHandler = (value: string, ctx: KeyContext, key: string) => void;

function resolveDir(value: string, ctx: KeyContext): string {
  if (value === '') throw new Reason('must not be empty');
  if (!path.isAbsolute(value)) {
    ctx.warn(`${value} is relative; it resolves against the working directory ${ctx.cwd}. Prefer an absolute path.`);
  }
  return path.resolve(ctx.cwd, value);
}

function storeType(value: string, ctx: KeyContext, what: string): StoreType {
  const t = value.toUpperCase();
  if (t !== 'PEM') {
    ctx.warn(`${what} type ${value} is Java-only; Paddock reads PEM files only, so this store will not be used`);
  }
  return t;
}

/** metricsProvider.className values: the Prometheus endpoint, or mntr's own metrics only. */
const METRICS_PROVIDERS: Record<string, MetricsProviderConfig['provider']> = {
  'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider': 'prometheus',
  'org.apache.zookeeper.metrics.impl.DefaultMetricsProvider': 'default',
};

export const KEYS: Record<string, KeyHandler> = {
  dataDir: (v, c) => void (c.draft.dataDir = resolveDir(v, c)),
  dataLogDir: (v, c) => void (c.draft.dataLogDir = resolveDir(v, c)),
  clientPort: (v, c) => {
    // ZooKeeper treats clientPort=0 as "not set".
    const p = parsePort(v, true);
    c.draft.clientPort = p === 0 ? undefined : p;
  },
  clientPortAddress: (v, c) => void (c.draft.clientPortAddress = v),
  secureClientPort: (v, c) => {
    const p = parsePort(v, true);
    c.draft.secureClientPort = p === 0 ? undefined : p;
  },
  secureClientPortAddress: (v, c) => void (c.draft.secureClientPortAddress = v),
  clientPortListenBacklog: (v, c) => void (c.draft.clientPortListenBacklog = parseJavaInt(v)),
  observerMasterPort: (v, c) => {
    const p = parsePort(v, true);
    c.draft.observerMasterPort = p === 0 ? undefined : p;
  },
  tickTime: (v, c) => void (c.draft.tickTime = parsePositiveInt(v)),
  maxClientCnxns: (v, c) => void (c.draft.maxClientCnxns = parseNonNegativeInt(v)),
  minSessionTimeout: (v, c) => void (c.draft.minSessionTimeout = parseJavaInt(v)),
  maxSessionTimeout: (v, c) => void (c.draft.maxSessionTimeout = parseJavaInt(v)),
  initLimit: (v, c) => void (c.draft.initLimit = parsePositiveInt(v)),
  syncLimit: (v, c) => void (c.draft.syncLimit = parsePositiveInt(v)),
  connectToLearnerMasterLimit: (v, c) => void (c.draft.connectToLearnerMasterLimit = parseNonNegativeInt(v)),
  electionAlg: (v, c) => {
    const n = parseJavaInt(v);
    if (n !== 3) throw new Reason('invalid electionAlg value; only 3 is supported');
    c.draft.electionAlg = n;
  },
  quorumListenOnAllIPs: (v, c) => void (c.draft.quorumListenOnAllIPs = parseStrictBoolean(v)),
  'fastleader.maxNotificationInterval': (v, c) => void (c.draft.fastleaderMaxNotificationInterval = parsePositiveInt(v)),
  peerType: (v, c) => {
    const t = v.toLowerCase();
    if (t !== 'observer' && t !== 'participant') throw new Reason(`unrecognised peertype: ${v}`);
    c.draft.peerType = t;
  },
  syncEnabled: (v, c) => void (c.draft.syncEnabled = parseStrictBoolean(v)),
  dynamicConfigFile: (v, c) => {
    c.draft.dynamicConfigFile = v;
    c.warn('dynamic reconfiguration files are not supported; list server.N lines in zoo.cfg instead');
  },
  'autopurge.snapRetainCount': (v, c) => {
    const n = parseJavaInt(v);
    if (n < 3) {
      // ZooKeeper resets values below 3 rather than failing.
      c.warn(`invalid autopurge.snapRetainCount: ${n}. Defaulting to 3`);
      c.draft.autopurge.snapRetainCount = 3;
    } else c.draft.autopurge.snapRetainCount = n;
  },
  'autopurge.purgeInterval': (v, c) => void (c.draft.autopurge.purgeIntervalHours = parseJavaInt(v)),
  standaloneEnabled: (v, c) => void (c.draft.standaloneEnabled = parseStrictBoolean(v)),
  reconfigEnabled: (v, c) => void (c.draft.reconfigEnabled = parseStrictBoolean(v)),
  localSessionsEnabled: (v, c) => void (c.draft.localSessionsEnabled = parseStrictBoolean(v)),
  localSessionsUpgradingEnabled: (v, c) => void (c.draft.localSessionsUpgradingEnabled = parseStrictBoolean(v)),
  snapCount: (v, c) => {
    const n = parseJavaInt(v);
    if (n < 2) throw new Reason(`must be at least 2, got ${n}`);
    c.draft.snapCount = n;
  },
  preAllocSize: (v, c) => void (c.draft.preAllocSizeKb = parsePositiveInt(v)),
  forceSync: (v, c) => void (c.draft.forceSync = parseYesNo(v)),
  globalOutstandingLimit: (v, c) => void (c.draft.globalOutstandingLimit = parsePositiveInt(v)),
  'nio.sessionlessCnxnTimeout': (v, c) => void (c.draft.sessionlessCnxnTimeout = parsePositiveInt(v)),
  clientOutputBufferLimit: (v, c) => {
    const n = parsePositiveInt(v);
    // A reply may be as large as jute.maxbuffer; a limit below that would close clients for one legitimate read.
    if (n < 2 * 1024 * 1024) throw new Reason(`must be at least 2097152 bytes (2 MiB), got ${n}`);
    c.draft.clientOutputBufferLimit = n;
  },
  skipACL: (v, c) => void (c.draft.skipACL = parseYesNo(v)),
  'paddock.sessionPasswords': (v, c) => {
    if (v !== 'ensembleSecret' && v !== 'zookeeper') throw new Reason(`invalid option "${v}"; choose 'ensembleSecret' or 'zookeeper'`);
    c.draft.sessionPasswords = v;
  },
  'jute.maxbuffer': (v, c) => void (c.draft.juteMaxBuffer = parsePositiveInt(v)),
  '4lw.commands.whitelist': (v, c) => void (c.draft.fourLetterWordWhitelist = parseList(v)),
  'admin.enableServer': (v, c) => void (c.draft.admin.enableServer = parseStrictBoolean(v)),
  'admin.serverAddress': (v, c) => void (c.draft.admin.serverAddress = v),
  'admin.serverPort': (v, c) => void (c.draft.admin.serverPort = parsePort(v, true)),
  'admin.commandURL': (v, c) => {
    if (!v.startsWith('/')) throw new Reason(`must start with "/", got "${v}"`);
    c.draft.admin.commandURL = v.length > 1 ? v.replace(/\/+$/, '') : v;
  },
  'admin.idleTimeout': (v, c) => void (c.draft.admin.idleTimeout = parsePositiveInt(v)),
  'metricsProvider.className': (v, c) => {
    const provider = METRICS_PROVIDERS[v];
    if (provider === undefined) {
      throw new Reason(`"${v}" is not a metrics provider Paddock has; use ${Object.keys(METRICS_PROVIDERS).join(' or ')}`);
    }
    c.draft.metrics.provider = provider;
  },
  'metricsProvider.httpHost': (v, c) => void (c.draft.metrics.httpHost = v),
  'metricsProvider.httpPort': (v, c) => void (c.draft.metrics.httpPort = parsePort(v, true)),
  'metricsProvider.exportJvmInfo': (v, c) => void (c.draft.metrics.exportJvmInfo = parseStrictBoolean(v)),
  'readonlymode.enabled': (v, c) => void (c.draft.readOnlyModeEnabled = parseStrictBoolean(v)),
  enforceQuota: (v, c) => void (c.draft.enforceQuota = parseStrictBoolean(v)),
  'DigestAuthenticationProvider.superDigest': (v, c) => {
    if (!/^[^:]+:.+$/.test(v)) throw new Reason('must have the form user:base64(sha1(user:password))');
    c.draft.superDigest = v;
  },
  extendedTypesEnabled: (v, c) => void (c.draft.extendedTypesEnabled = parseStrictBoolean(v)),
  // SASL: Java reads these as system properties (JVM flags); Paddock takes them from zoo.cfg as well.
  'java.security.auth.login.config': (v, c) => void (c.draft.sasl.jaasConfigFile = resolveDir(v, c)),
  'sasl.serverconfig': (v, c) => void (c.draft.sasl.serverSection = v),
  superUser: (v, c) => void (c.draft.sasl.superUser = v),
  'enforce.auth.enabled': (v, c) => void (c.draft.sasl.enforceAuthEnabled = parseStrictBoolean(v)),
  'enforce.auth.schemes': (v, c) => void (c.draft.sasl.enforceAuthSchemes = parseList(v)),
  sessionRequireClientSASLAuth: (v, c) => void (c.draft.sasl.sessionRequireClientSaslAuth = parseStrictBoolean(v)),
  'ssl.keyStore.location': (v, c) => void (c.draft.ssl.keyStoreLocation = v),
  'ssl.keyStore.password': (v, c) => void (c.draft.ssl.keyStorePassword = v),
  'ssl.keyStore.type': (v, c) => void (c.draft.ssl.keyStoreType = storeType(v, c, 'ssl.keyStore')),
  'ssl.trustStore.location': (v, c) => void (c.draft.ssl.trustStoreLocation = v),
  'ssl.trustStore.password': (v, c) => void (c.draft.ssl.trustStorePassword = v),
  'ssl.trustStore.type': (v, c) => void (c.draft.ssl.trustStoreType = storeType(v, c, 'ssl.trustStore')),
  'ssl.clientAuth': (v, c) => {
    const t = v.toLowerCase();
    if (t !== 'need' && t !== 'want' && t !== 'none') throw new Reason(`must be need, want or none, got "${v}"`);
    c.draft.ssl.clientAuth = t;
  },
  'ssl.protocol': (v, c) => void (c.draft.ssl.protocol = v),
  'ssl.enabledProtocols': (v, c) => void (c.draft.ssl.enabledProtocols = parseList(v)),
  'ssl.ciphersuites': (v, c) => void (c.draft.ssl.cipherSuites = parseList(v)),
  'ssl.hostnameVerification': (v, c) => void (c.draft.ssl.hostnameVerification = parseStrictBoolean(v)),
};

/** Keys Paddock accepts but that do nothing here; they are silently fine because they cost the operator nothing. */
export const ACCEPTED_NOOP = new Set([
  'maxCnxns',
  'admin.portUnification',
  'snapSizeLimitInKb',
  'txnLogSizeLimitInKb',
  'fsync.warningthresholdms',
  'commitLogCount',
  'snapshot.trust.empty',
  'sessionRequireClientSASLAuth',
  'ssl.handshakeDetectionTimeoutMillis',
  'digest.enabled',
  'serializeLastProcessedZxid.enabled',
  'connection_throttle_tokens',
  'connection_throttle_fill_time',
  'connection_throttle_fill_count',
  'connection_throttle_freeze_time',
  'connection_throttle_drop_increase',
  'connection_throttle_drop_decrease',
  'connection_throttle_decrease_ratio',
  'connection_throttle_weight_enabled',
  'learner.asyncSending',
  'learner.closeSocketAsync',
  'leader.closeSocketAsync',
  'flushDelay',
  'maxWriteQueuePollTime',
  'maxBatchSize',
  'requestThrottleLimit',
  'requestThrottleStallTime',
  'requestThrottleDropStale',
  'largeRequestMaxBytes',
  'largeRequestThreshold',
  'watchManagerName',
  'netty.server.outstandingHandshake.limit',
  'audit.enable',
]);

/** Prefixes and keys that configure the JVM implementation (factories, JAAS, Kerberos, JKS, metrics, ...). */
const JAVA_ONLY_PREFIXES = [
  'authProvider.',
  'metricsProvider.',
  'quorum.auth.',
  'ssl.quorum.',
  'jvm.pause.',
  'multiAddress.',
  'kerberos.',
  'sasl.',
  'zookeeper.sasl.client',
  'ssl.ocsp',
  'ssl.crl',
  'ssl.context.supplier',
  'ssl.sslProvider',
  'ssl.authProvider',
  'ssl.keyStore.passwordPath',
  'ssl.trustStore.passwordPath',
  'X509AuthenticationProvider.',
  'ensembleAuthName',
  'jaasLoginRenew',
];
const JAVA_ONLY_KEYS = new Set([
  'serverCnxnFactory',
  'clientCnxnSocket',
  'sslQuorum',
  'sslQuorumReloadCertFiles',
  'portUnification',
  'quorum.cnxn.threads.size',
  'oraclePath',
  'admin.forceHttps',
  'admin.needClientAuth',
  'javax.net.debug',
  'jmx.log4j.disable',
  'nio.numSelectorThreads',
  'nio.numWorkerThreads',
  'nio.shutdownTimeout',
  'zookeeper.nio.numSelectorThreads',
]);

export function isJavaOnly(key: string): boolean {
  return JAVA_ONLY_KEYS.has(key) || JAVA_ONLY_PREFIXES.some((p) => key.startsWith(p));
}

/** Maps ZooKeeper's system-property spelling (`zookeeper.X`) and other aliases onto our key table. */
export function isTableKey(key: string): boolean {
  return Object.hasOwn(KEYS, key);
}

export function canonicalKey(key: string): string {
  if (isTableKey(key) || key.startsWith('server.')) return key;
  if (key.startsWith('zookeeper.')) {
    const bare = key.slice('zookeeper.'.length);
    if (isTableKey(bare) || ACCEPTED_NOOP.has(bare)) return bare;
    if (bare === 'authProvider' || bare.startsWith('authProvider.')) return bare;
    if (bare.startsWith('ssl.')) return bare;
  }
  return key;
}

export function defaults(): Draft {
  return {
    tickTime: DEFAULT_TICK_TIME,
    clientPortListenBacklog: -1,
    ssl: { clientAuth: 'need', hostnameVerification: true },
    maxClientCnxns: 60,
    minSessionTimeout: -1,
    maxSessionTimeout: -1,
    globalOutstandingLimit: 1000,
    // ZooKeeper's NIOServerCnxnFactory default; its expiry queue then closes the connection 10 to 20 s after accept.
    sessionlessCnxnTimeout: 10_000,
    clientOutputBufferLimit: 64 * 1024 * 1024,
    localSessionsEnabled: false,
    localSessionsUpgradingEnabled: false,
    snapCount: 100000,
    preAllocSizeKb: 65536,
    forceSync: true,
    autopurge: { snapRetainCount: 3, purgeIntervalHours: 0 },
    juteMaxBuffer: DEFAULT_JUTE_MAXBUFFER,
    fourLetterWordWhitelist: [],
    admin: { enableServer: true, serverAddress: '0.0.0.0', serverPort: 8080, commandURL: '/commands', idleTimeout: 30000 },
    metrics: { provider: 'default', httpHost: '0.0.0.0', httpPort: 7000, exportJvmInfo: true },
    initLimit: 10,
    syncLimit: 5,
    connectToLearnerMasterLimit: 0,
    electionAlg: 3,
    fastleaderMaxNotificationInterval: defaultMaxNotificationIntervalMs,
    servers: [],
    peerType: 'participant',
    standaloneEnabled: true,
    reconfigEnabled: false,
    quorumListenOnAllIPs: false,
    syncEnabled: true,
    readOnlyModeEnabled: false,
    enforceQuota: false,
    sasl: { serverSection: 'Server', enforceAuthEnabled: false, enforceAuthSchemes: [], sessionRequireClientSaslAuth: false },
    extendedTypesEnabled: false,
    skipACL: false,
    sessionPasswords: 'ensembleSecret',
  };
}

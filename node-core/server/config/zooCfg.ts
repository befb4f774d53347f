// Reads and writes zoo.cfg the way Apache ZooKeeper 3.8 does, so an operator's existing file starts Paddock unchanged.
// Parsing is pure (text in, typed config or ConfigError out); only loadZooCfg touches the disk.
//
// Deliberate differences from ZooKeeper, all in the direction of "accept what operators actually write":
// - Keys ZooKeeper only honours as JVM system properties (jute.maxbuffer, readonlymode.enabled,
//   zookeeper.DigestAuthenticationProvider.superDigest, zookeeper.extendedTypesEnabled, ...) are honoured here when
//   written in zoo.cfg, with or without the `zookeeper.` prefix.
// - Relative dataDir/dataLogDir resolve against the process working directory (as java.io.File does), with a warning
//   as ZooKeeper gives one.
// - A repeated key is last-wins like java.util.Properties, but we warn; a repeated server id is an error.
// - The file is decoded as UTF-8 rather than Properties' ISO-8859-1, so non-ASCII paths survive.

import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { QuorumConfigError, parseServerSpec, renderServerSpec, type MemberRole, type ServerSpec } from '../../consensus/quorumConfig.js';

export class ConfigError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly key: string;
  readonly reason: string;

  constructor(file: string, line: number | undefined, key: string, reason: string) {
    super(line === undefined ? `${file}: ${key}: ${reason}` : `${file}:${line}: ${key}: ${reason}`);
    this.name = 'ConfigError';
    this.file = file;
    this.line = line;
    this.key = key;
    this.reason = reason;
  }
}

export interface ConfigWarning {
  /** 1-based line of the key; 0 when the warning is about the file as a whole. */
  line: number;
  key: string;
  message: string;
}

export type LearnerRole = MemberRole;

export type QuorumServerSpec = ServerSpec;

export type StoreType = 'PEM' | 'JKS' | 'PKCS12' | 'BCFKS' | string;

export interface SslConfig {
  keyStoreLocation?: string;
  keyStorePassword?: string;
  keyStoreType?: StoreType;
  trustStoreLocation?: string;
  trustStorePassword?: string;
  trustStoreType?: StoreType;
  /** ssl.clientAuth: need (ZooKeeper's default), want or none. */
  clientAuth: 'need' | 'want' | 'none';
  protocol?: string;
  enabledProtocols?: string[];
  cipherSuites?: string[];
  hostnameVerification: boolean;
}

export interface AdminServerConfig {
  enableServer: boolean;
  serverAddress: string;
  serverPort: number;
  commandURL: string;
  idleTimeout: number;
}

export interface ZooConfig {
  /** Absolute path of the file this came from (or the path given to parseZooCfg). */
  sourcePath: string;
  /** The file's text as read; the AdminServer's initial_configuration command returns it. */
  initialConfigText: string;

  tickTime: number;
  dataDir: string;
  dataLogDir: string;
  /** undefined when unset (ZooKeeper allows that when every server.N line names its own client port). */
  clientPort?: number;
  clientPortAddress?: string;
  secureClientPort?: number;
  secureClientPortAddress?: string;
  clientPortListenBacklog: number;
  ssl: SslConfig;

  maxClientCnxns: number;
  minSessionTimeout: number;
  maxSessionTimeout: number;
  globalOutstandingLimit: number;
  localSessionsEnabled: boolean;
  localSessionsUpgradingEnabled: boolean;

  snapCount: number;
  preAllocSizeKb: number;
  forceSync: boolean;
  autopurge: { snapRetainCount: number; purgeIntervalHours: number };
  juteMaxBuffer: number;

  /** Raw entries of 4lw.commands.whitelist ('*' kept as is); empty means ZooKeeper's default (srvr only). */
  fourLetterWordWhitelist: string[];
  admin: AdminServerConfig;

  initLimit: number;
  syncLimit: number;
  connectToLearnerMasterLimit: number;
  electionAlg: number;
  servers: QuorumServerSpec[];
  peerType: LearnerRole;
  observerMasterPort?: number;
  standaloneEnabled: boolean;
  reconfigEnabled: boolean;
  quorumListenOnAllIPs: boolean;
  syncEnabled: boolean;
  dynamicConfigFile?: string;

  readOnlyModeEnabled: boolean;
  superDigest?: string;
  extendedTypesEnabled: boolean;
  skipACL: boolean;

  /** From dataDir/myid; set by loadZooCfg for ensembles, undefined otherwise. */
  myid?: number;

  /** Every key as finally read (last one wins), for diagnostics and keys this module does not model. */
  raw: Record<string, string>;
}

export interface ParsedZooCfg {
  config: ZooConfig;
  warnings: ConfigWarning[];
}

export interface ParseOptions {
  /** Base for relative dataDir/dataLogDir; process.cwd() by default, as java.io.File would use. */
  cwd?: string;
}

export const DEFAULT_TICK_TIME = 3000;
export const DEFAULT_JUTE_MAXBUFFER = 0xfffff;

// ----------------------------------------------------------------------------------------------------------------
// java.util.Properties syntax

export interface PropertyEntry {
  key: string;
  value: string;
  /** 1-based line where the logical line (and so the key) starts. */
  line: number;
}

function unescapeProperty(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    i++;
    if (i >= text.length) break;
    const e = text[i];
    if (e === 'u') {
      const hex = text.slice(i + 1, i + 5);
      // Java throws on a malformed \u escape; keeping the characters is kinder and the value is validated later.
      if (/^[0-9a-fA-F]{4}$/.test(hex)) {
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
      } else {
        out += 'u';
      }
    } else if (e === 't') out += '\t';
    else if (e === 'n') out += '\n';
    else if (e === 'r') out += '\r';
    else if (e === 'f') out += '\f';
    else out += e;
  }
  return out;
}

const PROP_WS = new Set([' ', '\t', '\f']);

/** Splits Properties text into key/value entries: comments, `=`/`:`/whitespace separators, backslash continuations. */
export function parseProperties(text: string): PropertyEntry[] {
  const lines = text.split(/\r\n|\r|\n/);
  const entries: PropertyEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1;
    let logical = lines[i].replace(/^[ \t\f]+/, '');
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    // A line continues when it ends in an odd number of backslashes; comment lines never continue.
    while (endsWithOddBackslashes(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + lines[++i].replace(/^[ \t\f]+/, '');
    }
    if (endsWithOddBackslashes(logical)) logical = logical.slice(0, -1);

    let k = 0;
    let keyEnd = -1;
    let valueStart = logical.length;
    while (k < logical.length) {
      const c = logical[k];
      if (c === '\\') {
        k += 2;
        continue;
      }
      if (c === '=' || c === ':') {
        keyEnd = k;
        valueStart = k + 1;
        break;
      }
      if (PROP_WS.has(c)) {
        keyEnd = k;
        let j = k;
        while (j < logical.length && PROP_WS.has(logical[j])) j++;
        if (j < logical.length && (logical[j] === '=' || logical[j] === ':')) j++;
        valueStart = j;
        break;
      }
      k++;
    }
    if (keyEnd < 0) keyEnd = logical.length;
    let v = valueStart;
    while (v < logical.length && PROP_WS.has(logical[v])) v++;
    entries.push({
      key: unescapeProperty(logical.slice(0, keyEnd)),
      value: unescapeProperty(logical.slice(v)),
      line: startLine,
    });
  }
  return entries;
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

// ----------------------------------------------------------------------------------------------------------------
// Value parsers. Each throws a bare reason string; the caller adds file:line: key.

class Reason {
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

function parseServerLine(id: number, value: string): QuorumServerSpec {
  try {
    return parseServerSpec(id, value);
  } catch (e) {
    throw e instanceof QuorumConfigError ? new Reason(e.message) : e;
  }
}

// ----------------------------------------------------------------------------------------------------------------
// The key table

type Draft = Omit<ZooConfig, 'sourcePath' | 'initialConfigText' | 'dataDir' | 'dataLogDir' | 'minSessionTimeout' |
  'maxSessionTimeout' | 'raw' | 'myid'> & {
  dataDir?: string;
  dataLogDir?: string;
  minSessionTimeout: number;
  maxSessionTimeout: number;
};

interface KeyContext {
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

const KEYS: Record<string, KeyHandler> = {
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
  skipACL: (v, c) => void (c.draft.skipACL = parseYesNo(v)),
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
  'readonlymode.enabled': (v, c) => void (c.draft.readOnlyModeEnabled = parseStrictBoolean(v)),
  'DigestAuthenticationProvider.superDigest': (v, c) => {
    if (!/^[^:]+:.+$/.test(v)) throw new Reason('must have the form user:base64(sha1(user:password))');
    c.draft.superDigest = v;
  },
  extendedTypesEnabled: (v, c) => void (c.draft.extendedTypesEnabled = parseStrictBoolean(v)),
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
const ACCEPTED_NOOP = new Set([
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
  'enforceQuota',
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
  'zookeeper.sasl',
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
  'java.security.auth.login.config',
  'javax.net.debug',
  'jmx.log4j.disable',
  'nio.numSelectorThreads',
  'nio.numWorkerThreads',
  'nio.shutdownTimeout',
  'nio.sessionlessCnxnTimeout',
  'zookeeper.nio.numSelectorThreads',
  'superUser',
]);

function isJavaOnly(key: string): boolean {
  return JAVA_ONLY_KEYS.has(key) || JAVA_ONLY_PREFIXES.some((p) => key.startsWith(p));
}

/** Maps ZooKeeper's system-property spelling (`zookeeper.X`) and other aliases onto our key table. */
function isTableKey(key: string): boolean {
  return Object.hasOwn(KEYS, key);
}

function canonicalKey(key: string): string {
  if (isTableKey(key) || key.startsWith('server.')) return key;
  if (key.startsWith('zookeeper.')) {
    const bare = key.slice('zookeeper.'.length);
    if (isTableKey(bare) || ACCEPTED_NOOP.has(bare)) return bare;
    if (bare === 'authProvider' || bare.startsWith('authProvider.')) return bare;
    if (bare.startsWith('ssl.')) return bare;
  }
  return key;
}

// ----------------------------------------------------------------------------------------------------------------

function defaults(): Draft {
  return {
    tickTime: DEFAULT_TICK_TIME,
    clientPortListenBacklog: -1,
    ssl: { clientAuth: 'need', hostnameVerification: true },
    maxClientCnxns: 60,
    minSessionTimeout: -1,
    maxSessionTimeout: -1,
    globalOutstandingLimit: 1000,
    localSessionsEnabled: false,
    localSessionsUpgradingEnabled: false,
    snapCount: 100000,
    preAllocSizeKb: 65536,
    forceSync: true,
    autopurge: { snapRetainCount: 3, purgeIntervalHours: 0 },
    juteMaxBuffer: DEFAULT_JUTE_MAXBUFFER,
    fourLetterWordWhitelist: [],
    admin: { enableServer: true, serverAddress: '0.0.0.0', serverPort: 8080, commandURL: '/commands', idleTimeout: 30000 },
    initLimit: 10,
    syncLimit: 5,
    connectToLearnerMasterLimit: 0,
    electionAlg: 3,
    servers: [],
    peerType: 'participant',
    standaloneEnabled: true,
    reconfigEnabled: false,
    quorumListenOnAllIPs: false,
    syncEnabled: true,
    readOnlyModeEnabled: false,
    extendedTypesEnabled: false,
    skipACL: false,
  };
}

/** Parses zoo.cfg text. Throws ConfigError naming file:line: key for the first bad value. */
export function parseZooCfg(text: string, filePath: string, options: ParseOptions = {}): ParsedZooCfg {
  const warnings: ConfigWarning[] = [];
  const draft = defaults();
  const raw: Record<string, string> = {};
  const lineOf = new Map<string, number>();
  const ctx: KeyContext = { draft, warn: () => undefined, cwd: options.cwd ?? process.cwd(), serverLines: new Map() };

  const entries = parseProperties(text);
  const hasDynamicFile = entries.some((e) => e.key.trim() === 'dynamicConfigFile');

  for (const entry of entries) {
    const key = entry.key.trim();
    const value = entry.value.trim();
    const warn = (message: string) => warnings.push({ line: entry.line, key, message });
    ctx.warn = warn;
    if (lineOf.has(key)) warn(`repeated key; line ${lineOf.get(key)} is overridden by this one`);
    lineOf.set(key, entry.line);
    raw[key] = value;

    const canonical = canonicalKey(key);
    try {
      if (canonical.startsWith('server.')) {
        if (hasDynamicFile) throw new Reason(`parameter ${key} must be in a separate dynamic config file`);
        const idText = canonical.slice('server.'.length);
        if (!/^\d+$/.test(idText)) throw new Reason(`"${idText}" is not a server id`);
        const id = Number(idText);
        if (!Number.isSafeInteger(id) || id < 0) throw new Reason(`server id ${idText} is out of range`);
        const firstLine = ctx.serverLines.get(id);
        if (firstLine !== undefined) throw new Reason(`duplicate server id ${id} (first defined on line ${firstLine})`);
        ctx.serverLines.set(id, entry.line);
        draft.servers.push(parseServerLine(id, value));
      } else if (isTableKey(canonical)) {
        KEYS[canonical](value, ctx, canonical);
      } else if (ACCEPTED_NOOP.has(canonical)) {
        // Tuning knobs of ZooKeeper's Java internals that have no counterpart here; harmless to accept.
      } else if (canonical.startsWith('group.') || canonical.startsWith('weight.')) {
        warn('hierarchical quorums (group/weight) are not supported; the ensemble uses simple majorities');
      } else if (isJavaOnly(canonical)) {
        warn(`${key} configures the Java implementation and is ignored by Paddock`);
      } else {
        warn(`unknown key ${key}; ignored (ZooKeeper would set it as the system property zookeeper.${key})`);
      }
    } catch (e) {
      if (e instanceof Reason) throw new ConfigError(filePath, entry.line, key, e.text);
      throw e;
    }
  }

  const fail = (key: string, reason: string): never => {
    throw new ConfigError(filePath, lineOf.get(key), key, reason);
  };

  if (draft.dataDir === undefined) fail('dataDir', 'dataDir is not set');
  const dataDir = draft.dataDir as string;
  const dataLogDir = draft.dataLogDir ?? dataDir;
  if (draft.clientPort === undefined && draft.clientPortAddress !== undefined) {
    fail('clientPortAddress', 'clientPortAddress is set but clientPort is not set');
  }
  if (draft.secureClientPort === undefined && draft.secureClientPortAddress !== undefined) {
    fail('secureClientPortAddress', 'secureClientPortAddress is set but secureClientPort is not set');
  }
  const minSessionTimeout = draft.minSessionTimeout === -1 ? draft.tickTime * 2 : draft.minSessionTimeout;
  const maxSessionTimeout = draft.maxSessionTimeout === -1 ? draft.tickTime * 20 : draft.maxSessionTimeout;
  if (minSessionTimeout > maxSessionTimeout) {
    const key = lineOf.has('minSessionTimeout') ? 'minSessionTimeout' : 'maxSessionTimeout';
    fail(key, `minSessionTimeout (${minSessionTimeout}) must not be larger than maxSessionTimeout (${maxSessionTimeout})`);
  }

  if (draft.secureClientPort !== undefined) {
    const ssl = draft.ssl;
    if (ssl.keyStoreLocation === undefined) {
      warnings.push({
        line: lineOf.get('secureClientPort') ?? 0,
        key: 'secureClientPort',
        message: 'secureClientPort is set but ssl.keyStore.location is not; the secure port cannot start',
      });
    }
  }

  const distributed = draft.servers.length > 1 || (draft.servers.length === 1 && !draft.standaloneEnabled);
  if (distributed) {
    const ports = new Map<string, string>();
    for (const s of draft.servers) {
      for (const [port, what] of [
        [s.quorumPort, 'quorum'],
        [s.electionPort, 'election'],
      ] as const) {
        const k = `${s.host}:${port}`;
        const prev = ports.get(k);
        if (prev !== undefined) {
          fail(`server.${s.id}`, `${what} address ${k} is already used as ${prev}`);
        }
        ports.set(k, `the ${what} port of server.${s.id}`);
      }
    }
    const voters = draft.servers.filter((s) => s.role === 'participant');
    if (voters.length === 0) fail(`server.${draft.servers[0].id}`, 'the ensemble has no participants (all observers)');
    if (voters.length === 2) {
      warnings.push({
        line: lineOf.get(`server.${voters[0].id}`) ?? 0,
        key: `server.${voters[0].id}`,
        message: 'an ensemble of 2 voters tolerates no failure; use 3 or more',
      });
    }
    if (draft.clientPort === undefined && draft.servers.some((s) => s.clientPort === undefined)) {
      warnings.push({ line: 0, key: 'clientPort', message: 'clientPort is not set and some server.N lines have no client port' });
    }
  } else if (draft.clientPort === undefined && draft.servers.every((s) => s.clientPort === undefined)) {
    warnings.push({ line: 0, key: 'clientPort', message: 'clientPort is not set; the server will accept no clients' });
  }

  const config: ZooConfig = {
    ...draft,
    sourcePath: filePath,
    initialConfigText: text,
    dataDir,
    dataLogDir,
    minSessionTimeout,
    maxSessionTimeout,
    raw,
  };
  return { config, warnings };
}

/** True when the file describes an ensemble, not a standalone server (ZooKeeper's QuorumPeerConfig.isDistributed). */
export function isDistributed(config: ZooConfig): boolean {
  return config.servers.length > 1 || (config.servers.length === 1 && !config.standaloneEnabled);
}

/**
 * Reads zoo.cfg from disk and, for an ensemble, the myid file in dataDir (ZooKeeper refuses to start without it).
 */
export function loadZooCfg(filePath: string, options: ParseOptions = {}): ParsedZooCfg {
  const absolute = path.resolve(options.cwd ?? process.cwd(), filePath);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file does not exist' : String(e);
    throw new ConfigError(absolute, undefined, 'file', reason);
  }
  const parsed = parseZooCfg(text, absolute, options);
  const { config } = parsed;
  if (isDistributed(config)) {
    const myidPath = path.join(config.dataDir, 'myid');
    if (!existsSync(myidPath)) throw new ConfigError(absolute, undefined, 'myid', `${myidPath} file is missing`);
    const idText = readFileSync(myidPath, 'utf8').trim();
    if (!/^\d+$/.test(idText)) {
      throw new ConfigError(absolute, undefined, 'myid', `${myidPath} does not contain a number: "${idText}"`);
    }
    const myid = Number(idText);
    const me = config.servers.find((s) => s.id === myid);
    if (me === undefined) {
      throw new ConfigError(absolute, undefined, 'myid', `myid ${myid} has no server.${myid} line`);
    }
    if (me.role !== config.peerType && config.raw.peerType !== undefined) {
      parsed.warnings.push({
        line: 0,
        key: 'peerType',
        message: `peerType ${config.peerType} differs from server.${myid}'s role ${me.role}; the server.N role wins`,
      });
    }
    config.myid = myid;
  }
  return parsed;
}

// ----------------------------------------------------------------------------------------------------------------
// Rendering

function escapePropertyValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\f') out += '\\f';
    else if (c === ' ' && i === 0) out += '\\ ';
    else out += c;
  }
  return out;
}

export { renderServerSpec };

/**
 * Writes a zoo.cfg that parses back to an equivalent config. Keys use ZooKeeper's spelling, so Apache ZooKeeper can
 * read the file too (Paddock-only settings are emitted only when they differ from the defaults).
 */
export function renderZooCfg(config: ZooConfig): string {
  const d = defaults();
  const lines: string[] = ['# Written by Paddock; ZooKeeper zoo.cfg syntax.'];
  const put = (key: string, value: string | number | boolean) => lines.push(`${key}=${escapePropertyValue(String(value))}`);
  const putIf = <T>(key: string, value: T, def: T, render: (v: T) => string | number | boolean = (v) => String(v)) => {
    if (value !== def) put(key, render(value));
  };
  const yesNo = (b: boolean) => (b ? 'yes' : 'no');

  put('tickTime', config.tickTime);
  put('initLimit', config.initLimit);
  put('syncLimit', config.syncLimit);
  putIf('connectToLearnerMasterLimit', config.connectToLearnerMasterLimit, d.connectToLearnerMasterLimit);
  put('dataDir', config.dataDir);
  if (config.dataLogDir !== config.dataDir) put('dataLogDir', config.dataLogDir);
  if (config.clientPort !== undefined) put('clientPort', config.clientPort);
  if (config.clientPortAddress !== undefined) put('clientPortAddress', config.clientPortAddress);
  if (config.secureClientPort !== undefined) put('secureClientPort', config.secureClientPort);
  if (config.secureClientPortAddress !== undefined) put('secureClientPortAddress', config.secureClientPortAddress);
  putIf('clientPortListenBacklog', config.clientPortListenBacklog, d.clientPortListenBacklog);
  if (config.observerMasterPort !== undefined) put('observerMasterPort', config.observerMasterPort);
  put('maxClientCnxns', config.maxClientCnxns);
  putIf('minSessionTimeout', config.minSessionTimeout, config.tickTime * 2);
  putIf('maxSessionTimeout', config.maxSessionTimeout, config.tickTime * 20);
  putIf('globalOutstandingLimit', config.globalOutstandingLimit, d.globalOutstandingLimit);
  putIf('localSessionsEnabled', config.localSessionsEnabled, d.localSessionsEnabled);
  putIf('localSessionsUpgradingEnabled', config.localSessionsUpgradingEnabled, d.localSessionsUpgradingEnabled);
  putIf('snapCount', config.snapCount, d.snapCount);
  putIf('preAllocSize', config.preAllocSizeKb, d.preAllocSizeKb);
  putIf('forceSync', config.forceSync, d.forceSync, yesNo);
  putIf('skipACL', config.skipACL, d.skipACL, yesNo);
  putIf('autopurge.snapRetainCount', config.autopurge.snapRetainCount, d.autopurge.snapRetainCount);
  putIf('autopurge.purgeInterval', config.autopurge.purgeIntervalHours, d.autopurge.purgeIntervalHours);
  putIf('jute.maxbuffer', config.juteMaxBuffer, d.juteMaxBuffer);
  if (config.fourLetterWordWhitelist.length > 0) put('4lw.commands.whitelist', config.fourLetterWordWhitelist.join(','));
  putIf('admin.enableServer', config.admin.enableServer, d.admin.enableServer);
  putIf('admin.serverAddress', config.admin.serverAddress, d.admin.serverAddress);
  putIf('admin.serverPort', config.admin.serverPort, d.admin.serverPort);
  putIf('admin.commandURL', config.admin.commandURL, d.admin.commandURL);
  putIf('admin.idleTimeout', config.admin.idleTimeout, d.admin.idleTimeout);
  putIf('readonlymode.enabled', config.readOnlyModeEnabled, d.readOnlyModeEnabled);
  if (config.superDigest !== undefined) put('DigestAuthenticationProvider.superDigest', config.superDigest);
  putIf('extendedTypesEnabled', config.extendedTypesEnabled, d.extendedTypesEnabled);
  const ssl = config.ssl;
  if (ssl.keyStoreLocation !== undefined) put('ssl.keyStore.location', ssl.keyStoreLocation);
  if (ssl.keyStorePassword !== undefined) put('ssl.keyStore.password', ssl.keyStorePassword);
  if (ssl.keyStoreType !== undefined) put('ssl.keyStore.type', ssl.keyStoreType);
  if (ssl.trustStoreLocation !== undefined) put('ssl.trustStore.location', ssl.trustStoreLocation);
  if (ssl.trustStorePassword !== undefined) put('ssl.trustStore.password', ssl.trustStorePassword);
  if (ssl.trustStoreType !== undefined) put('ssl.trustStore.type', ssl.trustStoreType);
  putIf('ssl.clientAuth', ssl.clientAuth, d.ssl.clientAuth);
  if (ssl.protocol !== undefined) put('ssl.protocol', ssl.protocol);
  if (ssl.enabledProtocols !== undefined) put('ssl.enabledProtocols', ssl.enabledProtocols.join(','));
  if (ssl.cipherSuites !== undefined) put('ssl.ciphersuites', ssl.cipherSuites.join(','));
  putIf('ssl.hostnameVerification', ssl.hostnameVerification, d.ssl.hostnameVerification);
  putIf('electionAlg', config.electionAlg, d.electionAlg);
  putIf('peerType', config.peerType, d.peerType);
  putIf('standaloneEnabled', config.standaloneEnabled, d.standaloneEnabled);
  putIf('reconfigEnabled', config.reconfigEnabled, d.reconfigEnabled);
  putIf('quorumListenOnAllIPs', config.quorumListenOnAllIPs, d.quorumListenOnAllIPs);
  putIf('syncEnabled', config.syncEnabled, d.syncEnabled);
  for (const s of [...config.servers].sort((a, b) => a.id - b.id)) put(`server.${s.id}`, renderServerSpec(s));
  return lines.join('\n') + '\n';
}

export interface ConfCommandExtras {
  dataDirSize: number;
  dataLogSize: number;
  /** Present for an ensemble member that is serving; adds ZooKeeper's quorum section. */
  quorum?: { myid: number };
}

/** The `conf` four-letter word's text, in ZooKeeper 3.8's layout (ZooKeeperServer/QuorumZooKeeperServer.dumpConf). */
export function renderConfForConfCommand(config: ZooConfig, extras: ConfCommandExtras): string {
  // ZooKeeper prints its snapshot and log directories, which live under version-2.
  const snapDir = path.join(config.dataDir, 'version-2');
  const logDir = path.join(config.dataLogDir, 'version-2');
  const out: string[] = [
    `clientPort=${config.clientPort ?? 0}`,
    `secureClientPort=${config.secureClientPort ?? -1}`,
    `dataDir=${snapDir}`,
    `dataDirSize=${extras.dataDirSize}`,
    `dataLogDir=${logDir}`,
    `dataLogSize=${extras.dataLogSize}`,
    `tickTime=${config.tickTime}`,
    `maxClientCnxns=${config.maxClientCnxns}`,
    `minSessionTimeout=${config.minSessionTimeout}`,
    `maxSessionTimeout=${config.maxSessionTimeout}`,
    `clientPortListenBacklog=${config.clientPortListenBacklog}`,
    `serverId=${extras.quorum?.myid ?? config.myid ?? 0}`,
  ];
  if (extras.quorum !== undefined) {
    const me = config.servers.find((s) => s.id === extras.quorum?.myid);
    out.push(`initLimit=${config.initLimit}`);
    out.push(`syncLimit=${config.syncLimit}`);
    out.push(`electionAlg=${config.electionAlg}`);
    out.push(`electionPort=${me?.electionPort ?? -1}`);
    out.push(`quorumPort=${me?.quorumPort ?? -1}`);
    // LearnerType ordinal: PARTICIPANT 0, OBSERVER 1.
    out.push(`peerType=${(me?.role ?? config.peerType) === 'observer' ? 1 : 0}`);
    out.push('membership: ');
    const members = [...config.servers].sort((a, b) => a.id - b.id);
    // QuorumMaj.toString has no trailing newline after version, and dumpConf uses print, not println.
    const membership = members.map((s) => {
      return `server.${s.id}=${renderServerSpec(s)}\n`;
    });
    return out.join('\n') + '\n' + membership.join('') + 'version=0';
  }
  return out.join('\n') + '\n';
}

// The typed shape of a zoo.cfg (what the rest of the server reads) and the error a bad file raises. Kept apart from
// the parser and the renderers so both, and every module that only reads a config, depend on this alone.
import type { ServerSpec } from '../../consensus/quorumConfig.js';
import type { MemberRole } from '../../protocol/memberRole.js';

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

/** metricsProvider.*: PrometheusMetricsProvider serves GET /metrics on httpHost:httpPort. */
export interface MetricsProviderConfig {
  provider: 'default' | 'prometheus';
  httpHost: string;
  httpPort: number;
  exportJvmInfo: boolean;
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
  /** nio.sessionlessCnxnTimeout (ms): a connection that has not sent its ConnectRequest by then is closed. */
  sessionlessCnxnTimeout: number;
  /** Bytes of replies and watch events a client may leave unread before its connection is closed (Paddock's). */
  clientOutputBufferLimit: number;
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
  metrics: MetricsProviderConfig;

  initLimit: number;
  syncLimit: number;
  connectToLearnerMasterLimit: number;
  electionAlg: number;
  /**
   * fastleader.maxNotificationInterval (ms): the cap on Fast Leader Election's doubling resend interval, and so the
   * longest a member that lost its peers waits before it tries them again after they are back.
   */
  fastleaderMaxNotificationInterval: number;
  servers: QuorumServerSpec[];
  peerType: LearnerRole;
  observerMasterPort?: number;
  standaloneEnabled: boolean;
  reconfigEnabled: boolean;
  quorumListenOnAllIPs: boolean;
  syncEnabled: boolean;
  dynamicConfigFile?: string;

  readOnlyModeEnabled: boolean;
  /** zookeeper.enforceQuota: refuse a create or setData over a hard quota with QuotaExceeded. */
  enforceQuota: boolean;
  sasl: SaslConfig;
  superDigest?: string;
  extendedTypesEnabled: boolean;
  skipACL: boolean;
  /**
   * paddock.sessionPasswords: 'ensembleSecret' (passwords are an HMAC under a random per-ensemble secret) or
   * 'zookeeper' (Apache's derivation from the session id, for ensembles with Apache members and migrations).
   */
  sessionPasswords: SessionPasswordMode;

  /** From dataDir/myid; set by loadZooCfg for ensembles, undefined otherwise. */
  myid?: number;

  /** Every key as finally read (last one wins), for diagnostics and keys this module does not model. */
  raw: Record<string, string>;
}

export type SessionPasswordMode = 'ensembleSecret' | 'zookeeper';

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

/** SASL (DIGEST-MD5) and authentication enforcement, from the keys Java reads as system properties. */
export interface SaslConfig {
  /** java.security.auth.login.config: the JAAS file whose server section lists the DIGEST-MD5 users. */
  jaasConfigFile?: string;
  /** zookeeper.sasl.serverconfig: the JAAS section of the server (default "Server"). */
  serverSection: string;
  /** zookeeper.superUser: the SASL user that is also the super user. */
  superUser?: string;
  enforceAuthEnabled: boolean;
  enforceAuthSchemes: string[];
  /** The older switch: the same as enforce.auth.enabled=true with enforce.auth.schemes=sasl. */
  sessionRequireClientSaslAuth: boolean;
}

// The one contract between the GUI and node-core: every request method with its params and result, every pushed
// event, the error shape, the wire messages, and a runtime validator for each method's params (the boundary check).
// Transports (WebSocket, Electron IPC) carry these messages unchanged; the renderer imports only types from here.
import type { ElectionRecord } from '../protocol/electionRecord.js';
import type { SrvrReply } from '../client/srvrReply.js';
import type { MemberRole } from '../protocol/memberRole.js';
import {
  array,
  boolean,
  integer,
  literal,
  object,
  oneOf,
  optional,
  refine,
  string,
  tagged,
  unknownValue,
  validate,
  type Schema,
  type ValidationResult,
} from './schema.js';
import { znodePathProblem } from './znodePath.js';
import { monitorParamSchemas, type MonitorMethods } from './monitorContract.js';
import type { ClusterRemovalEvents, ClusterRemovalResult } from './clusterRemovalContract.js';
import { profileStateParamSchemas, type ProfileLastUsed, type ProfileStateMethods } from './profileStateContract.js';

export * from './monitorContract.js';
export * from './clusterRemovalContract.js';
export * from './profileStateContract.js';

// ---------------------------------------------------------------------------------------------------------------
// Shared shapes
// ---------------------------------------------------------------------------------------------------------------

/** Binary data travels as base64 text (JSON has no bytes). */
export type Base64 = string;

/**
 * A znode's Stat in JSON: 64-bit zxids and the session id as unsigned hex strings ("0x1a"), as zkCli shows them;
 * times as epoch milliseconds.
 */
export interface ApiStat {
  czxid: string;
  mzxid: string;
  pzxid: string;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
  /**
   * Derived from ephemeralOwner. ZooKeeper hides the container and TTL markers from clients (they read as owner 0),
   * so container and TTL nodes show as persistent.
   */
  nodeType: NodeType;
}

export type NodeType = 'persistent' | 'ephemeral';

/** How the GUI should show a node's data by default. */
export type DataFormat = 'text' | 'json' | 'yaml' | 'xml' | 'binary';

/** One ACL entry; perms is the READ 1 | WRITE 2 | CREATE 4 | DELETE 8 | ADMIN 16 bit mask. */
export interface ApiAcl {
  perms: number;
  scheme: string;
  id: string;
}

export type CreateModeName =
  | 'persistent'
  | 'ephemeral'
  | 'persistentSequential'
  | 'ephemeralSequential'
  | 'container'
  | 'persistentWithTtl'
  | 'persistentSequentialWithTtl';

export const createModeNames: readonly CreateModeName[] = [
  'persistent',
  'ephemeral',
  'persistentSequential',
  'ephemeralSequential',
  'container',
  'persistentWithTtl',
  'persistentSequentialWithTtl',
];

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

/** Codes of failures that are the API's own; ZooKeeper's KeeperException codes (all negative) pass through as is. */
export const ApiErrorCode = {
  internal: 1000,
  invalidParams: 1001,
  unknownMethod: 1002,
  unauthorized: 1003,
  readOnlyProfile: 1004,
  unknownConnection: 1005,
  unknownProfile: 1006,
  unknownSubscription: 1007,
  tooManyNodes: 1008,
  connectFailed: 1009,
  unknownCluster: 1010,
  clusterUnavailable: 1011,
  consoleFailed: 1012,
  unsupported: 1013,
  invalidSnapshot: 1014,
  dataTooLarge: 1015,
} as const;

export type ApiErrorCodeName = keyof typeof ApiErrorCode;

export interface ApiError {
  /** A ZooKeeper error code (negative, e.g. -101 NoNode) or an ApiErrorCode (>= 1000). */
  code: number;
  /** Stable identifier: ZooKeeper's code name ("NoNode", "BadVersion") or the ApiErrorCode key ("readOnlyProfile"). */
  name: string;
  /** A sentence a user understands. */
  message: string;
  /** The znode the failure is about, when there is one. */
  path?: string;
  /** invalidParams: which field (e.g. "params.path") was wrong. */
  field?: string;
  /** BadVersion on znode.set / setAcl: what the node holds now, so the GUI can show both sides of the conflict. */
  conflict?: { current: ZnodeData; currentAcl?: ApiAcl[] };
  /** A failed znode.multi: each op's outcome (the failing op has ok: false). */
  multiResults?: MultiOpResult[];
}

// ---------------------------------------------------------------------------------------------------------------
// Connection profiles and connections
// ---------------------------------------------------------------------------------------------------------------

export interface TlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Defaults to true. */
  verifyServer?: boolean;
}

/** A profile as stored and as the GUI sends it to profiles.save. */
export interface ProfileInput {
  /** Omit to create a new profile; give it to update one. */
  id?: string;
  name: string;
  /** "host1:2181,host2:2181" (a "/chroot" suffix is allowed here too). */
  connectString: string;
  chroot?: string;
  /** Digest auth; on update, an omitted password keeps the stored one. */
  auth?: { user: string; password?: string };
  tls?: TlsFiles;
  /** Refuse every write method before it reaches ZooKeeper. */
  readOnly?: boolean;
  /** A CSS colour the GUI tints this connection with (e.g. red for production). */
  colour?: string;
  sessionTimeoutMs?: number;
  /** The AdminServer's HTTP port (admin.serverPort), asked when a four-letter word is not whitelisted; 8080 when absent. */
  adminPort?: number;
}

/** A profile as the API returns it: passwords never leave node-core. */
export interface ProfileView {
  id: string;
  name: string;
  connectString: string;
  chroot?: string;
  auth?: { user: string; hasPassword: boolean };
  tls?: TlsFiles;
  readOnly: boolean;
  colour?: string;
  sessionTimeoutMs?: number;
  adminPort?: number;
  lastUsed?: ProfileLastUsed;
}

export type ConnectionState =
  | 'connecting'
  | 'connected'
  | 'connectedReadOnly'
  | 'disconnected'
  | 'expired'
  | 'authFailed'
  | 'closed';

export interface ConnectionInfo {
  connectionId: string;
  profileId: string;
  profileName: string;
  readOnly: boolean;
  colour?: string;
  state: ConnectionState;
  /** host:port of the server the session is on, when connected. */
  server?: string;
  /** 0x-hex session id. */
  sessionId: string;
  negotiatedTimeoutMs: number;
}

export interface TestConnectionResult {
  ok: true;
  server: string;
  latencyMs: number;
  negotiatedTimeoutMs: number;
  /** The server answered as a read-only member (a minority partition). */
  readOnlyServer: boolean;
  /** Whether the root ("/" or the chroot) exists. */
  rootExists: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Znodes
// ---------------------------------------------------------------------------------------------------------------

export interface ZnodeData {
  path: string;
  /** null when the node holds no data at all (as distinct from an empty array). */
  data: Base64 | null;
  format: DataFormat;
  stat: ApiStat;
}

export interface ChildEntry {
  name: string;
  path: string;
  stat: ApiStat;
}

export interface ListChildrenResult {
  path: string;
  /** The parent's numChildren: known before any child is fetched, for paging and scroll bars. */
  total: number;
  offset: number;
  /** Sorted by name; children deleted while the page was fetched are left out. */
  children: ChildEntry[];
  stat: ApiStat;
}

export interface DeletePreview {
  path: string;
  /** Nodes that would be removed, the root included (count may exceed the listed paths when truncated). */
  count: number;
  /** Deepest first, as they would be deleted; at most `max` entries. */
  paths: string[];
  truncated: boolean;
  ephemeralCount: number;
  /** Bytes of data held by the nodes. */
  dataBytes: number;
  /** The count exceeds the limit a delete would accept. */
  exceedsMax: boolean;
  max: number;
}

export type MultiOpInput =
  | { op: 'create'; path: string; data?: Base64; mode?: CreateModeName; ttlMs?: number; acl?: ApiAcl[] }
  | { op: 'delete'; path: string; version?: number }
  | { op: 'set'; path: string; data: Base64; version?: number }
  | { op: 'check'; path: string; version: number };

export type MultiOpResult =
  | { op: 'create'; ok: true; path: string; stat?: ApiStat }
  | { op: 'delete' | 'check'; ok: true }
  | { op: 'set'; ok: true; stat: ApiStat }
  | { op: MultiOpInput['op']; ok: false; error: ApiError };

export interface SubtreeNode {
  /** Relative to the exported root: "" is the root itself, "a/b" a descendant. */
  path: string;
  data: Base64 | null;
  acl: ApiAcl[];
  stat: ApiStat;
}

/** The JSON a subtree export produces and an import accepts. */
export interface SubtreeSnapshot {
  format: 'paddock-subtree';
  version: 1;
  /** The absolute path it was exported from (information only; imports go where the caller says). */
  root: string;
  exportedAt: string;
  /** Parents before children. */
  nodes: SubtreeNode[];
}

export type ImportPolicy = 'skip' | 'overwrite' | 'fail';

export interface ImportResult {
  created: number;
  overwritten: number;
  skipped: number;
  /** Number of multi transactions used. */
  transactions: number;
  /** True when everything was written in one transaction (all or nothing). */
  atomic: boolean;
  /** Anything the user should know, e.g. that batches were used or ephemeral nodes became persistent. */
  notes: string[];
}

export interface SearchQuery {
  /** Match node names containing this text (case-insensitive). */
  nameContains?: string;
  /** Match node names against this regular expression (JavaScript syntax). */
  nameRegex?: string;
  /** Match nodes whose data (as UTF-8) contains this text. */
  dataContains?: string;
}

export interface SearchMatch {
  path: string;
  stat: ApiStat;
  matchedOn: Array<'name' | 'data'>;
}

export interface SearchResult {
  matches: SearchMatch[];
  scanned: number;
  /** The match limit or the scan limit stopped the search early. */
  truncated: boolean;
}

export interface ConsoleResult {
  /** What the command printed, in zkCli's formats. */
  output: string;
  /** False when the command failed (its error text is in output). */
  ok: boolean;
  /** 'shell' is the zkCli-compatible shell; 'fallback' the API's own ls/get/stat. */
  handledBy: 'shell' | 'fallback';
}

export interface SubscribeResult {
  subscriptionId: string;
  path: string;
  /** persistentRecursive on ZooKeeper 3.6+; oneShot (re-armed, may miss rapid changes) on older servers. */
  mode: 'persistentRecursive' | 'oneShot';
}

// ---------------------------------------------------------------------------------------------------------------
// Server facts
// ---------------------------------------------------------------------------------------------------------------

/** What `srvr` said (client/srvrReply.ts reads it; the AdminServer's server_stats is mapped to the same shape). */
export type SrvrFacts = SrvrReply;

export interface MemberFacts {
  hostPort: string;
  reachable: boolean;
  /** Where the facts came from: four-letter words on the client port or the AdminServer's HTTP /commands. */
  source?: '4lw' | 'adminServer';
  srvr?: SrvrFacts;
  /** mntr's zk_* keys (or AdminServer monitor's keys), values as reported. */
  mntr?: Record<string, string | number>;
  /** The raw srvr text when it came from 4lw. */
  raw?: string;
  error?: string;
}

export interface ServerFactsResult {
  members: MemberFacts[];
}

// ---------------------------------------------------------------------------------------------------------------
// Local clusters (implemented by a ClusterBackend the lead plugs in)
// ---------------------------------------------------------------------------------------------------------------

export type MemberRunState = 'stopped' | 'starting' | 'running' | 'paused' | 'isolated' | 'crashed';
export type MemberServingState = 'looking' | 'leading' | 'following' | 'observing' | 'standalone' | 'unknown';
export type MemberAction = 'start' | 'stop' | 'kill' | 'pause' | 'resume' | 'isolate' | 'heal' | 'wipe';

export const memberActions: readonly MemberAction[] = ['start', 'stop', 'kill', 'pause', 'resume', 'isolate', 'heal', 'wipe'];

export interface ClusterMemberInfo {
  memberId: number;
  role: MemberRole;
  runState: MemberRunState;
  servingState: MemberServingState;
  clientPort: number;
  adminPort?: number;
  pid?: number;
  dataDir: string;
}

/** One election as member `reportedBy` measured it: ISO-8601 times, durationMs from started to serving. */
export interface ReportedElection extends ElectionRecord {
  reportedBy: number;
}

export interface ClusterInfo {
  clusterId: string;
  name: string;
  backend: string;
  connectString: string;
  members: ClusterMemberInfo[];
  /** The current leader's member id, when there is one. */
  leaderId?: number;
  epoch?: number;
}

export interface CreateClusterParams {
  name?: string;
  /** Voting members (participants), 1-9. */
  nodes: number;
  observers?: number;
  /** Which registered backend runs it (e.g. "paddock" or "apache"); the first registered one by default. */
  backend?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------------------------------------

type ConnectionParams = { connectionId: string };
type Empty = Record<string, never>;

export interface ApiMethods extends MonitorMethods, ProfileStateMethods {
  'profiles.list': { params: Empty; result: { profiles: ProfileView[] } };
  'profiles.save': { params: { profile: ProfileInput }; result: ProfileView };
  'profiles.delete': { params: { profileId: string }; result: Empty };

  /** Connects with a saved profile (profileId) or an unsaved one (profile), checks the root, disconnects. */
  'connection.test': { params: { profileId?: string; profile?: ProfileInput }; result: TestConnectionResult };
  'connection.open': { params: { profileId: string }; result: ConnectionInfo };
  'connection.close': { params: ConnectionParams; result: Empty };
  'connection.list': { params: Empty; result: { connections: ConnectionInfo[] } };

  'znode.list': { params: ConnectionParams & { path: string; offset?: number; limit?: number }; result: ListChildrenResult };
  'znode.get': { params: ConnectionParams & { path: string }; result: ZnodeData };
  /** BadVersion (-103) comes back with error.conflict.current. */
  'znode.set': { params: ConnectionParams & { path: string; data: Base64; expectedVersion?: number }; result: { stat: ApiStat } };
  'znode.create': {
    params: ConnectionParams & {
      path: string;
      data?: Base64;
      mode?: CreateModeName;
      /** Required for the TTL modes. */
      ttlMs?: number;
      /** Defaults to world:anyone with all permissions. */
      acl?: ApiAcl[];
      /** Create missing ancestors as persistent nodes first. */
      createParents?: boolean;
    };
    result: { path: string; stat: ApiStat };
  };
  'znode.deletePreview': { params: ConnectionParams & { path: string; max?: number }; result: DeletePreview };
  /**
   * Non-recursive deletes honour expectedVersion; recursive ones refuse subtrees larger than max (default 10000),
   * unless `step`: then about max nodes go per call, children first, and `done` says when the subtree is gone.
   */
  'znode.delete': {
    params: ConnectionParams & { path: string; recursive?: boolean; expectedVersion?: number; max?: number; step?: boolean };
    result: { deleted: number; done?: boolean };
  };
  'znode.copy': { params: ConnectionParams & { from: string; to: string; max?: number }; result: { copied: number; atomic: boolean } };
  'znode.move': { params: ConnectionParams & { from: string; to: string; max?: number }; result: { moved: number; atomic: boolean } };
  'znode.getAcl': { params: ConnectionParams & { path: string }; result: { acl: ApiAcl[]; stat: ApiStat } };
  'znode.setAcl': { params: ConnectionParams & { path: string; acl: ApiAcl[]; expectedVersion?: number }; result: { stat: ApiStat } };
  /** All or nothing; a failure comes back as the failing op's error with error.multiResults. */
  'znode.multi': { params: ConnectionParams & { ops: MultiOpInput[] }; result: { results: MultiOpResult[] } };
  'znode.export': { params: ConnectionParams & { path: string; max?: number }; result: SubtreeSnapshot };
  'znode.import': {
    params: ConnectionParams & { path: string; snapshot: SubtreeSnapshot; policy: ImportPolicy };
    result: ImportResult;
  };
  'znode.search': {
    params: ConnectionParams & SearchQuery & { path: string; limit?: number; maxScan?: number };
    result: SearchResult;
  };

  /** Runs one zkCli command line on the connection's session. */
  'console.run': { params: ConnectionParams & { commandLine: string }; result: ConsoleResult };

  /** Starts pushing znode.changed events for path and everything below it. */
  /** mode 'oneShot' forces the re-armed one-shot watches even on servers that have persistent recursive ones. */
  'watch.subscribe': { params: ConnectionParams & { path: string; mode?: 'auto' | 'oneShot' }; result: SubscribeResult };
  'watch.unsubscribe': { params: { subscriptionId: string }; result: Empty };

  /** srvr and mntr of every member of a connection's (or a given) connect string. */
  'server.facts': {
    params: { connectionId?: string; connectString?: string; adminPort?: number };
    result: ServerFactsResult;
  };

  'cluster.backends': { params: Empty; result: { backends: string[] } };
  'cluster.create': { params: CreateClusterParams; result: ClusterInfo };
  'cluster.list': { params: Empty; result: { clusters: ClusterInfo[] } };
  /** Closes the connections to the cluster, stops every member, removes its data and the profiles pointing at it. */
  'cluster.remove': { params: { clusterId: string }; result: ClusterRemovalResult };
  'cluster.member': { params: { clusterId: string; memberId: number; action: MemberAction }; result: ClusterMemberInfo };
}

export type ApiMethod = keyof ApiMethods;
export type ApiParams<M extends ApiMethod> = ApiMethods[M]['params'];
export type ApiResult<M extends ApiMethod> = ApiMethods[M]['result'];

/** Methods that change ZooKeeper data: a read-only profile refuses them before anything is sent. */
export const writeMethods: ReadonlySet<ApiMethod> = new Set<ApiMethod>([
  'znode.set',
  'znode.create',
  'znode.delete',
  'znode.copy',
  'znode.move',
  'znode.setAcl',
  'znode.multi',
  'znode.import',
]);

// ---------------------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------------------

export type ZnodeChangeType = 'created' | 'deleted' | 'dataChanged' | 'childrenChanged';

export interface ZnodeChange {
  type: ZnodeChangeType;
  path: string;
}

export interface ApiEvents extends ClusterRemovalEvents {
  'connection.state': { connectionId: string; state: ConnectionState; server?: string };
  /**
   * The changes one subscription saw, in the order ZooKeeper sent them. They travel in batches (one message per
   * subscription at most every few tens of milliseconds), so a burst of 50,000 writes is a few dozen messages for
   * the GUI, not 50,000.
   */
  'znode.changed': { subscriptionId: string; connectionId: string; changes: ZnodeChange[] };
  /** A subscription stopped by itself (its connection closed or expired). */
  'watch.ended': { subscriptionId: string; connectionId: string; reason: string };
  'cluster.memberState': { clusterId: string; member: ClusterMemberInfo };
  'cluster.memberLog': { clusterId: string; memberId: number; stream: 'stdout' | 'stderr'; line: string; time: number };
  'cluster.election': {
    clusterId: string;
    leaderId?: number;
    epoch?: number;
    members: Array<{ memberId: number; servingState: MemberServingState }>;
    /** The newest completed election as a running member recorded it (the leader's when it has one); Paddock engine. */
    lastElection?: ReportedElection;
  };
  'cluster.removed': { clusterId: string };
}

export type ApiEventName = keyof ApiEvents;

// ---------------------------------------------------------------------------------------------------------------
// Wire messages (the same over WebSocket text frames and Electron IPC)
// ---------------------------------------------------------------------------------------------------------------

/** Peer -> API. Over WebSocket, a peer that did not put ?token= in the URL must first send { auth: token }. */
export interface RequestMessage {
  id: number;
  method: string;
  params?: unknown;
}
export interface AuthMessage {
  auth: string;
}

/** API -> peer. */
export type ResponseMessage = { id: number; result: unknown } | { id: number; error: ApiError };
export interface EventMessage<E extends ApiEventName = ApiEventName> {
  event: E;
  data: ApiEvents[E];
}
export interface AuthReply {
  auth: 'ok';
}

// ---------------------------------------------------------------------------------------------------------------
// Runtime validation of params
// ---------------------------------------------------------------------------------------------------------------

const maxPath = 4096;
const znodePath = refine(string({ min: 1, max: maxPath }), znodePathProblem);
const base64 = string({ max: 64 * 1024 * 1024, pattern: /^[A-Za-z0-9+/]*={0,2}$/, patternText: 'must be base64' });
const id = string({ min: 1, max: 200 });
const version = integer({ min: -1, max: 2 ** 31 - 1 });
const limit = (max: number) => integer({ min: 1, max });
const createMode = oneOf(createModeNames);
const acl = object({ perms: integer({ min: 0, max: 31 }), scheme: string({ min: 1, max: 200 }), id: string({ max: 4096 }) });
const aclList = array(acl, { min: 1, max: 1000 });
const ttlMs = integer({ min: 1, max: 0xffffffffff });
const connection = { connectionId: id };
const empty = object({}) as Schema<Empty>;

const profileInput = object({
  id: optional(id),
  name: string({ min: 1, max: 200 }),
  connectString: string({ min: 1, max: 4096 }),
  chroot: optional(refine(string({ max: maxPath }), (c) => (c === '' || c.startsWith('/') ? undefined : 'a chroot must start with "/"'))),
  auth: optional(object({ user: string({ min: 1, max: 1000 }), password: optional(string({ max: 4096 })) })),
  tls: optional(
    object({
      caFile: optional(string({ min: 1, max: 4096 })),
      certFile: optional(string({ min: 1, max: 4096 })),
      keyFile: optional(string({ min: 1, max: 4096 })),
      verifyServer: optional(boolean()),
    }),
  ),
  readOnly: optional(boolean()),
  colour: optional(string({ max: 64 })),
  sessionTimeoutMs: optional(integer({ min: 1000, max: 600_000 })),
  adminPort: optional(integer({ min: 1, max: 65535 })),
});

const createFields = {
  path: znodePath,
  data: optional(base64),
  mode: optional(createMode),
  ttlMs: optional(ttlMs),
  acl: optional(aclList),
};
const ttlRule = (p: { mode?: CreateModeName; ttlMs?: number }) => {
  const isTtl = p.mode === 'persistentWithTtl' || p.mode === 'persistentSequentialWithTtl';
  if (isTtl && p.ttlMs === undefined) return 'ttlMs is required for the TTL create modes';
  if (!isTtl && p.ttlMs !== undefined) return 'ttlMs applies only to the TTL create modes';
  return undefined;
};

const multiOp = tagged('op', {
  create: refine(object({ op: literal('create'), ...createFields }), ttlRule),
  delete: object({ op: literal('delete'), path: znodePath, version: optional(version) }),
  set: object({ op: literal('set'), path: znodePath, data: base64, version: optional(version) }),
  check: object({ op: literal('check'), path: znodePath, version }),
});

/** The snapshot's outer shape is checked here; node entries are checked when imported (they can be many). */
const snapshot = object({
  format: literal('paddock-subtree'),
  version: literal(1),
  root: string({ max: maxPath }),
  exportedAt: string({ max: 100 }),
  nodes: array(unknownValue(), { max: 1_000_000 }),
}) as Schema<unknown> as Schema<SubtreeSnapshot>;

export const paramSchemas: { [M in ApiMethod]: Schema<ApiParams<M>> } = {
  ...monitorParamSchemas,
  ...profileStateParamSchemas,
  'profiles.list': empty,
  'profiles.save': object({ profile: profileInput }),
  'profiles.delete': object({ profileId: id }),

  'connection.test': refine(object({ profileId: optional(id), profile: optional(profileInput) }), (p) =>
    (p.profileId === undefined) === (p.profile === undefined) ? 'give exactly one of profileId and profile' : undefined,
  ),
  'connection.open': object({ profileId: id }),
  'connection.close': object(connection),
  'connection.list': empty,

  'znode.list': object({ ...connection, path: znodePath, offset: optional(integer({ min: 0 })), limit: optional(limit(100_000)) }),
  'znode.get': object({ ...connection, path: znodePath }),
  'znode.set': object({ ...connection, path: znodePath, data: base64, expectedVersion: optional(version) }),
  'znode.create': refine(object({ ...connection, ...createFields, createParents: optional(boolean()) }), ttlRule),
  'znode.deletePreview': object({ ...connection, path: znodePath, max: optional(limit(1_000_000)) }),
  'znode.delete': object({
    ...connection,
    path: znodePath,
    recursive: optional(boolean()),
    expectedVersion: optional(version),
    max: optional(limit(1_000_000)),
    step: optional(boolean()),
  }),
  'znode.copy': object({ ...connection, from: znodePath, to: znodePath, max: optional(limit(1_000_000)) }),
  'znode.move': object({ ...connection, from: znodePath, to: znodePath, max: optional(limit(1_000_000)) }),
  'znode.getAcl': object({ ...connection, path: znodePath }),
  'znode.setAcl': object({ ...connection, path: znodePath, acl: aclList, expectedVersion: optional(version) }),
  'znode.multi': object({ ...connection, ops: array(multiOp, { min: 1, max: 10_000 }) }),
  'znode.export': object({ ...connection, path: znodePath, max: optional(limit(1_000_000)) }),
  'znode.import': object({ ...connection, path: znodePath, snapshot, policy: oneOf(['skip', 'overwrite', 'fail'] as const) }),
  'znode.search': refine(
    object({
      ...connection,
      path: znodePath,
      nameContains: optional(string({ min: 1, max: 1000 })),
      nameRegex: optional(
        refine(string({ min: 1, max: 1000 }), (r) => {
          try {
            new RegExp(r);
            return undefined;
          } catch {
            return 'is not a valid regular expression';
          }
        }),
      ),
      dataContains: optional(string({ min: 1, max: 10_000 })),
      limit: optional(limit(10_000)),
      maxScan: optional(limit(1_000_000)),
    }),
    (p) =>
      p.nameContains === undefined && p.nameRegex === undefined && p.dataContains === undefined
        ? 'give at least one of nameContains, nameRegex and dataContains'
        : undefined,
  ),

  'console.run': object({ ...connection, commandLine: string({ max: 1024 * 1024 }) }),

  'watch.subscribe': object({ ...connection, path: znodePath, mode: optional(oneOf(['auto', 'oneShot'] as const)) }),
  'watch.unsubscribe': object({ subscriptionId: id }),

  'server.facts': refine(
    object({ connectionId: optional(id), connectString: optional(string({ min: 1, max: 4096 })), adminPort: optional(integer({ min: 1, max: 65535 })) }),
    (p) => ((p.connectionId === undefined) === (p.connectString === undefined) ? 'give exactly one of connectionId and connectString' : undefined),
  ),

  'cluster.backends': empty,
  'cluster.create': object({
    name: optional(string({ min: 1, max: 200 })),
    nodes: integer({ min: 1, max: 9 }),
    observers: optional(integer({ min: 0, max: 9 })),
    backend: optional(string({ min: 1, max: 100 })),
  }),
  'cluster.list': empty,
  'cluster.remove': object({ clusterId: id }),
  'cluster.member': object({ clusterId: id, memberId: integer({ min: 1, max: 255 }), action: oneOf(memberActions) }),
};

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(paramSchemas, name);
}

/** The boundary check for one request's params: a typed value, or where and why it is wrong. Never throws. */
export function validateParams<M extends ApiMethod>(method: M, params: unknown): ValidationResult<ApiParams<M>> {
  return validate(paramSchemas[method] as Schema<ApiParams<M>>, params ?? {}, 'params');
}

/** Checks one node entry of an imported snapshot. */
export const subtreeNodeSchema: Schema<{ path: string; data: Base64 | null; acl?: ApiAcl[]; stat?: unknown }> = object({
  path: refine(string({ max: maxPath }), (p) => (p.startsWith('/') || p.endsWith('/') || p.includes('//') ? 'must be a relative path like "a/b"' : undefined)),
  data: optional(base64) as Schema<string | undefined>,
  acl: optional(aclList),
  stat: optional(unknownValue()),
}) as Schema<unknown> as Schema<{ path: string; data: Base64 | null; acl?: ApiAcl[]; stat?: unknown }>;

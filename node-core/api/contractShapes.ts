// The shapes every part of the GUI contract shares: znode data, Stat and ACLs in JSON, create modes, multi ops and
// the error shape. A leaf: the method, event, connection, znode and cluster parts of the contract all build on it.

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

export interface ZnodeData {
  path: string;
  /** null when the node holds no data at all (as distinct from an empty array). */
  data: Base64 | null;
  format: DataFormat;
  stat: ApiStat;
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

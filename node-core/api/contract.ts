// The one contract between the GUI and node-core: every request method with its params and result, every pushed
// event and the wire messages. Its parts (shared shapes, connections, znodes, clusters) each have a file and are
// re-exported here; the runtime check of params is contractSchema.ts. The renderer imports only types from here.
import type { ApiAcl, ApiError, ApiStat, Base64, CreateModeName, MultiOpInput, MultiOpResult, ZnodeData } from './contractShapes.js';
import type { ConnectionInfo, ConnectionState, ProfileInput, ProfileView, TestConnectionResult } from './connectionContract.js';
import type {
  ConsoleResult,
  DeletePreview,
  ImportPolicy,
  ImportResult,
  ListChildrenResult,
  SearchQuery,
  SearchResult,
  SubscribeResult,
  SubtreeSnapshot,
} from './znodeContract.js';
import type {
  ClusterInfo,
  ClusterMemberInfo,
  CreateClusterParams,
  MemberAction,
  MemberServingState,
  ReportedElection,
  ServerFactsResult,
} from './clusterContract.js';

export * from './contractShapes.js';
export * from './connectionContract.js';
export * from './znodeContract.js';
export * from './clusterContract.js';

// ---------------------------------------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------------------------------------

type ConnectionParams = { connectionId: string };
export type Empty = Record<string, never>;

export interface ApiMethods {
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
  /** Stops every member and removes the cluster's data. */
  'cluster.remove': { params: { clusterId: string }; result: Empty };
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

export interface ApiEvents {
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

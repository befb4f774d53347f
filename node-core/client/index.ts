// The ZooKeeper client: ZkClient for sessions and operations, ZkConnection for raw single-socket protocol access.
export {
  ZkClient,
  TransactionBuilder,
  MultiError,
  openAclUnsafe,
  creatorAllAcl,
  readAclUnsafe,
  type ZkClientOptions,
  keeperStateOf,
  type ZkClientState,
  type ZkClientEvents,
  type CreateOptions,
  type TransactionOp,
  type ReadOp,
  type Data,
} from './zkClient.js';
export {
  ZkConnection,
  ConnectionLossError,
  SessionExpiredError,
  type ZkConnectOptions,
  type ZkConnectionEvents,
  type ZkReply,
  type ZkTlsOptions,
} from './zkConnection.js';
export { ClientWatchRegistry, type Watcher, type WatchedEvent, type WatchKind } from './clientWatchRegistry.js';
export { parseConnectString, connectStringProblem, serverSetKey, validatePath, Chroot, type HostPort, type ParsedConnectString } from './connectString.js';
export { fourLetterWord, type FourLetterWordOptions } from './fourLetterWord.js';
export { adminCommand, adminCommandText } from './adminCommand.js';
export * from './fourLetterReplies.js';
export { parseSrvr, type SrvrReply } from './srvrReply.js';
export * from './recipes/index.js';
export { listChildrenPage, childCount, mapBounded, type ChildrenPage, type ChildWithStat, type ChildrenPageOptions } from './childrenPage.js';

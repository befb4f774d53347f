// How a server answers a client's requests: the reads and watch operations it executes against its tree, and the
// reply body each applied write gets (what FinalRequestProcessor sends back).
import {
  ErrorCode,
  KeeperState,
  OpCode,
  WatcherType,
  type AddWatchRequest,
  type PathRequest,
  type RemoveWatchesRequest,
  type SetWatchesRequest,
} from '../protocol/index.js';
import type { ApplyResult } from '../txn/applyTxn.js';
import type { DataTree } from '../tree/dataTree.js';
import { processRead, type ReadBody } from '../tree/readRequests.js';
import type { WatchManager } from '../watch/watchManager.js';
import { ClientConnection, type QueuedRequest } from './clientConnection.js';

export interface ReadContext {
  tree: DataTree;
  watches: WatchManager;
  skipAcl: boolean;
  /** The zxid the reply carries: the last one applied. */
  zxid: bigint;
}

/** Executes a read, ping, sync or watch operation for one connection and encodes its reply. */
export function executeRead(context: ReadContext, connection: ClientConnection, request: QueuedRequest): { reply: Buffer; zxid: bigint } {
  const { header } = request;
  const { tree, watches, zxid } = context;
  const reply = (err: number, body: unknown = null) => ({
    reply: ClientConnection.encodeReply({ xid: header.xid, zxid, err }, header.type, body),
    zxid,
  });
  switch (header.type) {
    case OpCode.ping:
      return reply(0);
    case OpCode.sync:
      return reply(0, { path: (request.body as PathRequest).path });
    case OpCode.setWatches:
    case OpCode.setWatches2: {
      replayWatches(tree, watches, connection, request.body as SetWatchesRequest);
      return reply(0);
    }
    case OpCode.addWatch: {
      const { path, mode } = request.body as AddWatchRequest;
      watches.addPersistentWatch(path, connection.id, mode === 1);
      return reply(0, { err: 0 });
    }
    case OpCode.removeWatches:
    case OpCode.checkWatches: {
      const { path, type } = request.body as RemoveWatchesRequest;
      // 3.8 knows only the children/data/any watcher types here; the persistent ones came in 3.9.
      if (type < WatcherType.children || type > WatcherType.any) return reply(ErrorCode.marshallingError);
      const found =
        header.type === OpCode.removeWatches ? watches.removeWatches(path, connection.id, type) : watches.containsWatch(path, connection.id, type);
      return reply(found ? 0 : ErrorCode.noWatcher);
    }
    default: {
      const result = processRead(tree, header.type, request.body as ReadBody, {
        sessionId: connection.sessionId,
        authInfo: connection.authInfo,
        skipAcl: context.skipAcl,
      });
      if (result.watch) registerWatch(watches, connection, result.watch.kind, result.watch.path);
      const response = result.response;
      // multiRead's reply body is the bare list of per-op results.
      return reply(result.err, response && 'results' in response ? response.results : response);
    }
  }
}

function registerWatch(watches: WatchManager, connection: ClientConnection, kind: 'data' | 'exist' | 'child', path: string): void {
  if (kind === 'data') watches.addDataWatch(path, connection.id);
  else if (kind === 'exist') watches.addExistWatch(path, connection.id);
  else watches.addChildWatch(path, connection.id);
}

function replayWatches(tree: DataTree, watches: WatchManager, connection: ClientConnection, request: SetWatchesRequest): void {
  const deliveries = watches.setWatchesReplay(
    {
      exists: (p) => tree.getNode(p) !== undefined,
      mzxid: (p) => tree.getNode(p)?.mzxid ?? 0n,
      pzxid: (p) => tree.getNode(p)?.pzxid ?? 0n,
    },
    request.relativeZxid,
    request,
    connection.id,
  );
  for (const delivery of deliveries) connection.sendEvent(delivery.eventType, KeeperState.syncConnected, delivery.path);
}

/** The reply to an applied write other than createSession (whose reply is the ConnectResponse). */
export function writeReply(tree: DataTree, request: QueuedRequest, result: ApplyResult): Buffer {
  const type = request.header.type;
  // A multi answers with err 0 even when one of its ops failed; the failure is in the per-op results.
  const err = type === OpCode.multi ? 0 : result.err;
  let body: unknown = null;
  switch (type) {
    case OpCode.create:
      body = { path: result.path };
      break;
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      body = { path: result.path, stat: result.stat };
      break;
    case OpCode.setData:
    case OpCode.setACL:
      body = { stat: result.stat };
      break;
    case OpCode.multi:
      body = result.multiResults ?? [];
      break;
    case OpCode.reconfig:
      // GetDataResponse with the configuration now in force, as FinalRequestProcessor answers
      body = { data: tree.getNode('/zookeeper/config')?.data ?? null, stat: result.stat };
      break;
  }
  return ClientConnection.encodeReply({ xid: request.header.xid, zxid: result.zxid, err }, type, body);
}

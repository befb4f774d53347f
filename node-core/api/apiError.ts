// Turns every failure a handler can meet (ZooKeeper errors, the API's own refusals, unexpected bugs) into the one
// ApiError value the contract promises, with a message written for the person at the GUI.
import { ConnectionLossError } from '../client/index.js';
import { ErrorCode, KeeperError } from '../protocol/index.js';
import { ApiErrorCode, type ApiError, type ApiErrorCodeName } from './contract.js';

/** A failure a handler raises on purpose; the dispatcher sends its `error` as is. */
export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'ApiFailure';
  }
}

export function apiFailure(name: ApiErrorCodeName, message: string, extra: Partial<ApiError> = {}): ApiFailure {
  return new ApiFailure({ code: ApiErrorCode[name], name, message, ...extra });
}

const codeNames = new Map<number, string>([
  [ErrorCode.systemError, 'SystemError'],
  [ErrorCode.runtimeInconsistency, 'RuntimeInconsistency'],
  [ErrorCode.dataInconsistency, 'DataInconsistency'],
  [ErrorCode.connectionLoss, 'ConnectionLoss'],
  [ErrorCode.marshallingError, 'MarshallingError'],
  [ErrorCode.unimplemented, 'Unimplemented'],
  [ErrorCode.operationTimeout, 'OperationTimeout'],
  [ErrorCode.badArguments, 'BadArguments'],
  [ErrorCode.unknownSession, 'UnknownSession'],
  [ErrorCode.newConfigNoQuorum, 'NewConfigNoQuorum'],
  [ErrorCode.reconfigInProgress, 'ReconfigInProgress'],
  [ErrorCode.apiError, 'APIError'],
  [ErrorCode.noNode, 'NoNode'],
  [ErrorCode.noAuth, 'NoAuth'],
  [ErrorCode.badVersion, 'BadVersion'],
  [ErrorCode.noChildrenForEphemerals, 'NoChildrenForEphemerals'],
  [ErrorCode.nodeExists, 'NodeExists'],
  [ErrorCode.notEmpty, 'NotEmpty'],
  [ErrorCode.sessionExpired, 'SessionExpired'],
  [ErrorCode.invalidCallback, 'InvalidCallback'],
  [ErrorCode.invalidACL, 'InvalidACL'],
  [ErrorCode.authFailed, 'AuthFailed'],
  [ErrorCode.sessionMoved, 'SessionMoved'],
  [ErrorCode.notReadOnly, 'NotReadOnly'],
  [ErrorCode.ephemeralOnLocalSession, 'EphemeralOnLocalSession'],
  [ErrorCode.noWatcher, 'NoWatcher'],
  [ErrorCode.requestTimeout, 'RequestTimeout'],
  [ErrorCode.reconfigDisabled, 'ReconfigDisabled'],
  [ErrorCode.sessionClosedRequireSasl, 'SessionClosedRequireSasl'],
  [ErrorCode.quotaExceeded, 'QuotaExceeded'],
  [ErrorCode.throttledOp, 'ThrottledOp'],
]);

function node(path: string | undefined): string {
  return path === undefined ? 'The node' : `The node ${path}`;
}

/** Words for the codes a GUI user meets; the rest fall back to ZooKeeper's own text. */
function userMessage(code: number, path: string | undefined): string {
  switch (code) {
    case ErrorCode.noNode:
      return `${node(path)} does not exist (it may have been deleted by someone else).`;
    case ErrorCode.nodeExists:
      return `${node(path)} already exists.`;
    case ErrorCode.badVersion:
      return `${node(path)} was changed by someone else since you loaded it.`;
    case ErrorCode.notEmpty:
      return `${node(path)} has children; delete them first or delete recursively.`;
    case ErrorCode.noAuth:
      return `You are not allowed to do this on ${path ?? 'this node'} (its ACL does not grant the permission to this session).`;
    case ErrorCode.invalidACL:
      return 'The ACL is not valid (for example an "auth" entry without any credentials added to the session).';
    case ErrorCode.noChildrenForEphemerals:
      return `${node(path)} is ephemeral and cannot have children.`;
    case ErrorCode.connectionLoss:
      return 'The connection to the ZooKeeper server was lost; the operation may or may not have happened.';
    case ErrorCode.sessionExpired:
      return 'The ZooKeeper session has expired or was closed; reconnect to continue.';
    case ErrorCode.authFailed:
      return 'The server refused the credentials of this connection.';
    case ErrorCode.operationTimeout:
    case ErrorCode.requestTimeout:
      return 'The server did not answer in time.';
    case ErrorCode.unimplemented:
      return 'The server does not support this operation (it may be an older ZooKeeper version).';
    case ErrorCode.badArguments:
      return `The server refused the arguments${path === undefined ? '' : ` for ${path}`} (for example a TTL node on a server without extended types).`;
    case ErrorCode.notReadOnly:
      return 'The server is in read-only mode (cut off from its quorum) and cannot accept writes.';
    case ErrorCode.quotaExceeded:
      return `${node(path)} is over its quota.`;
    case ErrorCode.throttledOp:
      return 'The server is overloaded and throttled the request; try again shortly.';
    case ErrorCode.reconfigDisabled:
      return 'Dynamic reconfiguration is disabled on the server.';
    default:
      return `ZooKeeper error: ${new KeeperError(code).message.replace(/^KeeperErrorCode = /, '')}${path === undefined ? '' : ` (${path})`}.`;
  }
}

export function keeperApiError(code: number, path?: string): ApiError {
  return {
    code,
    name: codeNames.get(code) ?? `ZooKeeperError${code}`,
    message: userMessage(code, path),
    ...(path === undefined ? {} : { path }),
  };
}

/** Any thrown value to an ApiError; unexpected errors say what happened without leaking internals such as secrets. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiFailure) return err.error;
  if (err instanceof ConnectionLossError) {
    const message = err.sent
      ? `${userMessage(err.code, undefined)} (${err.reason})`
      : `Nothing was sent: the connection to ZooKeeper is down (${err.reason}). The client keeps reconnecting; try again once it is back.`;
    return { ...keeperApiError(err.code), message };
  }
  if (err instanceof KeeperError) return keeperApiError(err.code, err.path);
  const message = err instanceof Error ? err.message : String(err);
  return { code: ApiErrorCode.internal, name: 'internal', message: `Unexpected failure: ${message}` };
}

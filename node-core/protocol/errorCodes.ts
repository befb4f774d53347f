// KeeperException codes as numbers on the wire, with the words ZooKeeper's own exceptions use, so errors travel as
// values with codes (DESIGN rule 5) and read the same as Apache ZooKeeper's to users.
export const ErrorCode = {
  ok: 0,
  systemError: -1,
  runtimeInconsistency: -2,
  dataInconsistency: -3,
  connectionLoss: -4,
  marshallingError: -5,
  unimplemented: -6,
  operationTimeout: -7,
  badArguments: -8,
  newConfigNoQuorum: -13,
  reconfigInProgress: -14,
  unknownSession: -12,
  apiError: -100,
  noNode: -101,
  noAuth: -102,
  badVersion: -103,
  noChildrenForEphemerals: -108,
  nodeExists: -110,
  notEmpty: -111,
  sessionExpired: -112,
  invalidCallback: -113,
  invalidACL: -114,
  authFailed: -115,
  sessionMoved: -118,
  notReadOnly: -119,
  ephemeralOnLocalSession: -120,
  noWatcher: -121,
  requestTimeout: -122,
  reconfigDisabled: -123,
  sessionClosedRequireSasl: -124,
  quotaExceeded: -125,
  throttledOp: -127,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

// The texts of KeeperException.getCodeMessage, which zkCli and other clients print.
const messages: Record<number, string> = {
  [ErrorCode.ok]: 'ok',
  [ErrorCode.systemError]: 'SystemError',
  [ErrorCode.runtimeInconsistency]: 'RuntimeInconsistency',
  [ErrorCode.dataInconsistency]: 'DataInconsistency',
  [ErrorCode.connectionLoss]: 'ConnectionLoss',
  [ErrorCode.marshallingError]: 'MarshallingError',
  [ErrorCode.unimplemented]: 'Unimplemented',
  [ErrorCode.operationTimeout]: 'OperationTimeout',
  [ErrorCode.badArguments]: 'BadArguments',
  [ErrorCode.newConfigNoQuorum]: 'NewConfigNoQuorum',
  [ErrorCode.reconfigInProgress]: 'ReconfigInProgress',
  [ErrorCode.unknownSession]: 'Unknown session',
  [ErrorCode.apiError]: 'APIError',
  [ErrorCode.noNode]: 'NoNode',
  [ErrorCode.noAuth]: 'NoAuth',
  [ErrorCode.badVersion]: 'BadVersion',
  [ErrorCode.noChildrenForEphemerals]: 'NoChildrenForEphemerals',
  [ErrorCode.nodeExists]: 'NodeExists',
  [ErrorCode.notEmpty]: 'Directory not empty',
  [ErrorCode.sessionExpired]: 'Session expired',
  [ErrorCode.invalidCallback]: 'Invalid callback',
  [ErrorCode.invalidACL]: 'InvalidACL',
  [ErrorCode.authFailed]: 'AuthFailed',
  [ErrorCode.sessionMoved]: 'Session moved',
  [ErrorCode.notReadOnly]: 'Not a read-only call',
  [ErrorCode.ephemeralOnLocalSession]: 'Ephemeral node on local session',
  [ErrorCode.noWatcher]: 'No such watcher',
  [ErrorCode.requestTimeout]: 'Request timeout',
  [ErrorCode.reconfigDisabled]: 'Reconfig is disabled',
  [ErrorCode.sessionClosedRequireSasl]: 'Session closed because client failed to authenticate',
  [ErrorCode.quotaExceeded]: 'Quota has exceeded',
  [ErrorCode.throttledOp]: 'Op throttled due to high load',
};

export function errorMessage(code: number): string {
  return messages[code] ?? `Unknown error ${code}`;
}

/** A failed ZooKeeper operation: the wire code plus, where one applies, the path, as KeeperException carries. */
export class KeeperError extends Error {
  constructor(
    readonly code: number,
    readonly path?: string,
  ) {
    super(`KeeperErrorCode = ${errorMessage(code)}${path === undefined ? '' : ` for ${path}`}`);
    this.name = 'KeeperError';
  }
}

// The errors a zkCli command reports: CliError carries the line zkCli prints and its exit code; keeperErrorText
// turns a KeeperError into CliWrapperException's words ("Node does not exist: /p", ...).
import { ErrorCode, KeeperError, errorMessage } from '../protocol/index.js';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** The command already printed what went wrong (zkCli's own words); only the exit code is left to set. */
    readonly reported = false,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** KeeperException.getMessage(): "KeeperErrorCode = NoNode for /p"; Java prints a missing path as nothing. */
export function keeperExceptionMessage(code: number, path: string | undefined): string {
  return `KeeperErrorCode = ${errorMessage(code)}${path === undefined ? '' : ` for ${path}`}`;
}

/** What CliWrapperException prints for a KeeperException; Java prints a missing path here as "null". */
export function keeperErrorText(code: number, path: string | undefined): string {
  const p = path ?? 'null';
  switch (code) {
    case ErrorCode.noNode:
      return `Node does not exist: ${p}`;
    case ErrorCode.noChildrenForEphemerals:
      return `Ephemerals cannot have children: ${p}`;
    case ErrorCode.nodeExists:
      return `Node already exists: ${p}`;
    case ErrorCode.notEmpty:
      return `Node not empty: ${p}`;
    case ErrorCode.notReadOnly:
      return `Not a read-only call: ${p}`;
    case ErrorCode.invalidACL:
      return `Acl is not valid : ${p}`;
    case ErrorCode.noAuth:
      return `Insufficient permission : ${p}`;
    case ErrorCode.badArguments:
      return `Arguments are not valid : ${p}`;
    case ErrorCode.badVersion:
      return `version No is not valid : ${p}`;
    case ErrorCode.reconfigInProgress:
      return 'Another reconfiguration is in progress -- concurrent reconfigs not supported (yet)';
    case ErrorCode.newConfigNoQuorum:
      return (
        'No quorum of new config is connected and up-to-date with the leader of last commmitted config - try ' +
        'invoking reconfiguration after new servers are connected and synced'
      );
    case ErrorCode.quotaExceeded:
      return `Quota has exceeded : ${p}`;
    default:
      return keeperExceptionMessage(code, path);
  }
}

/**
 * A KeeperError as a CliError. The client names no path for a request that never reached a server (connection
 * loss); Java's exception carries the request's path, so the command's own path fills in.
 */
export function wrapKeeperError(error: KeeperError, commandPath?: string): CliError {
  return new CliError(keeperErrorText(error.code, error.path ?? commandPath));
}

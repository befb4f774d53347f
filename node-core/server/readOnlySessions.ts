// ZooKeeper's ReadOnlyZooKeeperServer for a member cut off from its quorum (readonlymode.enabled): which sessions
// it accepts, which requests it refuses with NotReadOnly, and the local sessions it keeps meanwhile.
import { ErrorCode, OpCode, type ConnectRequest, type RequestHeader } from '../protocol/index.js';
import type { Logger } from '../log/logger.js';
import type { ZooConfig } from './config/zooCfgTypes.js';
import { ClientConnection } from './clientConnection.js';
import type { RequestPipeline } from './requestPipeline.js';
import { SessionTracker, type TrackedSession } from './sessionTracker.js';
import type { SessionPasswords } from './sessionPasswords.js';
import type { ZkDatabase } from './zkDatabase.js';

/** What ZooKeeper's ReadOnlyRequestProcessor refuses with NotReadOnly. */
const refusedWhenReadOnly: ReadonlySet<number> = new Set([
  OpCode.sync,
  OpCode.create,
  OpCode.create2,
  OpCode.createTTL,
  OpCode.createContainer,
  OpCode.delete,
  OpCode.deleteContainer,
  OpCode.setData,
  OpCode.reconfig,
  OpCode.setACL,
  OpCode.multi,
  OpCode.check,
]);

/** The parts of the server a read-only member answers through. */
export interface ReadOnlyHost {
  readonly config: ZooConfig;
  readonly logger: Logger;
  readonly sessions: SessionTracker;
  readonly database: ZkDatabase;
  readonly pipeline: RequestPipeline;
  readonly passwords: SessionPasswords;
  attachSession(connection: ClientConnection, sessionId: bigint): void;
  connectResponseFrame(connection: ClientConnection): Buffer;
}

/**
 * Sessions created while read-only: local to this member (ZooKeeper's local sessions), never logged, and gone
 * when the member rejoins a quorum. The replicated sessions of the host stay as they were meanwhile.
 */
export class ReadOnlySessions {
  private readonly local: SessionTracker;

  constructor(
    private readonly host: ReadOnlyHost,
    serverId: number,
  ) {
    this.local = new SessionTracker(host.config.tickTime, serverId, Date.now());
  }

  /**
   * A session in read-only mode, as ZooKeeper 3.8 handles it: a new session is a local one when
   * localSessionsEnabled, otherwise its createSession is refused like a write (a NotReadOnly reply header with xid
   * 0 instead of a ConnectResponse); a replicated session may not reconnect here; an unknown one is expired.
   */
  connect(connection: ClientConnection, request: ConnectRequest, connectHeader: RequestHeader): void {
    const { host, local } = this;
    const now = Date.now();
    if (request.sessionId === 0n) {
      if (!host.config.localSessionsEnabled) {
        const zxid = host.database.lastProcessedZxid;
        connection.write(ClientConnection.encodeReply({ xid: 0, zxid, err: ErrorCode.notReadOnly }, OpCode.createSession, null));
        return;
      }
      const sessionId = host.sessions.allocateSessionId();
      local.add(sessionId, connection.sessionTimeout, now);
      host.attachSession(connection, sessionId);
      host.logger.info(`Creating new local session 0x${sessionId.toString(16)} in read-only mode for ${connection.describe()}`);
      host.pipeline.submitAnswered(connection, connectHeader, host.connectResponseFrame(connection));
      return;
    }
    if (host.sessions.has(request.sessionId) && !local.has(request.sessionId)) {
      host.logger.info(`Refusing global session reconnection in RO mode ${connection.describe()}`);
      connection.close();
      return;
    }
    const session = local.get(request.sessionId);
    if (session === undefined || session.closing || !this.host.passwords.accepts(request.sessionId, request.passwd)) {
      // ZooKeeper's flag says what kind of server answers (ReadOnlyZooKeeperServer), even for an expired session.
      const readOnly = connection.answerWithReadOnlyFlag ? true : undefined;
      connection.sendConnectResponse({ protocolVersion: 0, timeOut: 0, sessionId: 0n, passwd: Buffer.alloc(16), readOnly });
      connection.closeAfterFlush();
      return;
    }
    session.timeout = connection.sessionTimeout;
    local.touch(request.sessionId, now);
    host.attachSession(connection, request.sessionId);
    host.pipeline.submitAnswered(connection, connectHeader, host.connectResponseFrame(connection));
  }

  /** What a read-only member answers itself: writes and syncs are refused, local sessions close here. */
  answer(connection: ClientConnection, header: RequestHeader): boolean {
    const { host } = this;
    this.local.touch(connection.sessionId, Date.now());
    const zxid = host.database.lastProcessedZxid;
    if (header.type === OpCode.closeSession) {
      this.local.remove(connection.sessionId);
      host.pipeline.submitAnswered(connection, header, ClientConnection.encodeReply({ xid: header.xid, zxid, err: 0 }, header.type, null));
      return true;
    }
    if (!refusedWhenReadOnly.has(header.type)) return false;
    const refusal = ClientConnection.encodeReply({ xid: header.xid, zxid, err: ErrorCode.notReadOnly }, header.type, null);
    host.pipeline.submitAnswered(connection, header, refusal);
    return true;
  }

  /** The local sessions whose timeout has passed, removed from the tracker. */
  expire(now: number): TrackedSession[] {
    return this.local.expire(now);
  }
}

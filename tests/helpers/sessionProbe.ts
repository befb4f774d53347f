// What the session-password tests do to a server: open or re-attach a session on one member, make an ephemeral,
// read a node's ephemeralOwner (what an attacker sees), with retries while a member is between leaders.
import { ZkConnection, SessionExpiredError } from '../../node-core/client/index.js';
import { CreateRequestCodec, ErrorCode, OpCode, PathWatchRequestCodec, StatResponseCodec } from '../../node-core/protocol/index.js';
import type { ZkMember } from './zkEnsemble.js';

const openAcl = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
export const SESSION_TIMEOUT_MS = 30_000;

export function openSession(member: ZkMember): Promise<ZkConnection> {
  return ZkConnection.connect({ host: '127.0.0.1', port: member.clientPort, sessionTimeout: SESSION_TIMEOUT_MS });
}

/** A ConnectRequest for an existing session, as a client that moves (or an attacker) sends it. */
export function attach(member: ZkMember, sessionId: bigint, passwd: Buffer, lastZxidSeen = 0n): Promise<ZkConnection> {
  return ZkConnection.connect({ host: '127.0.0.1', port: member.clientPort, sessionTimeout: SESSION_TIMEOUT_MS, sessionId, passwd, lastZxidSeen });
}

/**
 * Moves `session` to `member`, retrying while the member is not serving (an election, a restart): a refusal of the
 * session itself (SessionExpired) is not retried, it is the answer.
 */
export async function moveSession(session: ZkConnection, member: ZkMember, withinMs = 20_000): Promise<ZkConnection> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      const moved = await attach(member, session.sessionId, session.passwd, session.lastZxid);
      session.destroy();
      return moved;
    } catch (error) {
      if (error instanceof SessionExpiredError || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

export async function createEphemeral(session: ZkConnection, path: string): Promise<void> {
  const reply = await session.request(OpCode.create, (w) => CreateRequestCodec.write(w, { path, data: Buffer.from('mine'), acl: openAcl, flags: 1 }));
  if (reply.header.err !== 0) throw new Error(`create ${path} failed with ${reply.header.err}`);
}

/** The node's ephemeralOwner, or undefined when it does not exist. */
export async function ephemeralOwner(session: ZkConnection, path: string): Promise<bigint | undefined> {
  const reply = await session.request(OpCode.exists, (w) => PathWatchRequestCodec.write(w, { path, watch: false }));
  if (reply.header.err === ErrorCode.noNode) return undefined;
  if (reply.header.err !== 0) throw new Error(`exists ${path} failed with ${reply.header.err}`);
  return StatResponseCodec.read(reply.body).stat.ephemeralOwner;
}

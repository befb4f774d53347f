// Dynamic reconfiguration's pure parts (ZooKeeper 3.5+ PrepRequestProcessor's reconfig case): the membership a
// ReconfigRequest asks for, computed from the one in force, and recognising a logged reconfig transaction.
import { ErrorCode } from '../protocol/errorCodes.js';
import { OpCode } from '../protocol/opCodes.js';
import type { ReconfigRequest } from '../protocol/records.js';
import {
  QuorumConfigError,
  configChangeOf,
  parseMemberSpec,
  parseQuorumConfig,
  votersOf,
  type ConfigChange,
  type QuorumConfig,
  type QuorumMember,
} from '../consensus/quorumConfig.js';
import { decodeTxnEntry } from './txnRecords.js';

/** A ReconfigRequest ZooKeeper would refuse with BadArguments. */
export class ReconfigArgumentError extends Error {
  readonly code = ErrorCode.badArguments;
}

function quorumAddresses(spec: string): string[] {
  const [serverPart = ''] = spec.split(';');
  const parts = serverPart.split(':');
  const host = parts.slice(0, -3).join(':');
  return [`${host}:${parts.at(-3)}`, `${host}:${parts.at(-2)}`];
}

/** `server.x=spec`: a joining server must name its quorum, election and client ports (ZooKeeper: "at least 3 ports"). */
function parseJoiner(text: string): QuorumMember {
  const parts = text.split('=');
  if (parts.length !== 2) throw new ReconfigArgumentError('Wrong format of server string');
  const key = parts[0]!.trim();
  const id = Number(key.slice(key.lastIndexOf('.') + 1));
  if (!Number.isSafeInteger(id) || id < 0) throw new ReconfigArgumentError(`"${key}" does not name a server id`);
  let member: QuorumMember;
  try {
    member = parseMemberSpec(id, parts[1]!.trim());
  } catch (error) {
    throw new ReconfigArgumentError(error instanceof Error ? error.message : String(error));
  }
  if (!member.spec.includes(';')) {
    throw new ReconfigArgumentError('Wrong format of server string - each server should have at least 3 ports specified');
  }
  return member;
}

/**
 * The membership `request` asks for, given the one in force. newMembers replaces it (a non-incremental change);
 * otherwise leavingServers are removed and joiningServers added or replaced (an incremental change). The version
 * is the caller's: the reconfig's zxid.
 */
export function requestedMembership(request: ReconfigRequest, current: QuorumConfig, standaloneEnabled: boolean): QuorumMember[] {
  let members: QuorumMember[];
  if (request.newMembers !== null) {
    try {
      members = parseQuorumConfig(request.newMembers).members;
    } catch (error) {
      throw new ReconfigArgumentError(error instanceof QuorumConfigError ? error.message : String(error));
    }
  } else {
    const next = new Map(current.members.map((m) => [m.id, m]));
    for (const leaving of (request.leavingServers ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      if (!/^-?\d+$/.test(leaving)) throw new ReconfigArgumentError(`"${leaving}" is not a server id`);
      next.delete(Number(leaving));
    }
    for (const text of (request.joiningServers ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      const joiner = parseJoiner(text);
      const taken = new Set(quorumAddresses(joiner.spec));
      for (const other of next.values()) {
        if (other.id !== joiner.id && quorumAddresses(other.spec).some((a) => taken.has(a))) {
          throw new ReconfigArgumentError('Reconfiguration failed');
        }
      }
      next.set(joiner.id, joiner);
    }
    members = [...next.values()].sort((a, b) => a.id - b.id);
  }
  const voting = votersOf({ members, version: 0n }).length;
  if (standaloneEnabled && voting < 2) {
    throw new ReconfigArgumentError('Reconfig failed - new configuration must include at least 2 followers');
  }
  if (voting < 1) throw new ReconfigArgumentError('Reconfig failed - new configuration must include at least 1 follower');
  return members;
}

// TxnHeader {long clientId, int cxid, long zxid, long time, int type}: the type sits at byte 28.
const headerTypeOffset = 28;

/** The membership a logged transaction installs (a reconfig's SetDataTxn on /zookeeper/config), else null. */
export function configChangeOfEntry(entry: Buffer): ConfigChange | null {
  // Cheap test first: every proposal and commit passes through here.
  if (entry.length < headerTypeOffset + 4 || entry.readInt32BE(headerTypeOffset) !== OpCode.reconfig) return null;
  const { txn } = decodeTxnEntry(entry);
  if (txn.type !== OpCode.reconfig || txn.data === null) return null;
  try {
    return configChangeOf(parseQuorumConfig(txn.data.toString('utf8')));
  } catch {
    return null;
  }
}

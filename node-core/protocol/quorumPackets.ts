// The records ensemble members exchange, byte for byte as Apache ZooKeeper writes them, so Paddock and ZooKeeper
// servers could one day share an ensemble: QuorumPacket and LearnerInfo on the quorum port (jute), the
// leader-election notification and the connection greeting on the election port (plain big-endian fields).
import { JuteReader } from '../jute/juteReader.js';
import { JuteWriter } from '../jute/juteWriter.js';
import { JuteError } from '../jute/juteError.js';
import { IdCodec, type Id } from './records.js';

/** QuorumPacket.type values (Leader.java). */
export const QuorumPacketType = {
  REQUEST: 1,
  PROPOSAL: 2,
  ACK: 3,
  COMMIT: 4,
  PING: 5,
  REVALIDATE: 6,
  SYNC: 7,
  INFORM: 8,
  COMMITANDACTIVATE: 9,
  NEWLEADER: 10,
  FOLLOWERINFO: 11,
  UPTODATE: 12,
  DIFF: 13,
  TRUNC: 14,
  SNAP: 15,
  OBSERVERINFO: 16,
  LEADERINFO: 17,
  ACKEPOCH: 18,
  INFORMANDACTIVATE: 19,
} as const;
export type QuorumPacketTypeValue = (typeof QuorumPacketType)[keyof typeof QuorumPacketType];

const packetTypeNames = new Map<number, string>(Object.entries(QuorumPacketType).map(([name, value]) => [value, name]));

export function quorumPacketTypeName(type: number): string {
  return packetTypeNames.get(type) ?? `UNKNOWN(${type})`;
}

/** The ZAB protocol version a 3.4+ learner and leader announce (LearnerInfo.protocolVersion, LEADERINFO data). */
export const zabProtocolVersion = 0x10000;

export interface QuorumPacket {
  type: number;
  zxid: bigint;
  /** null and empty differ on the wire (-1 vs 0 length); most packets carry null. */
  data: Buffer | null;
  /** Java writes a null vector (count -1) on every packet but REQUEST, which carries the session's auth ids. */
  authinfo: Id[] | null;
}

export function quorumPacket(type: number, zxid: bigint, data: Buffer | null = null): QuorumPacket {
  return { type, zxid, data, authinfo: null };
}

export function writeQuorumPacket(writer: JuteWriter, packet: QuorumPacket): void {
  writer.writeInt(packet.type).writeLong(packet.zxid).writeBuffer(packet.data);
  writer.writeVector(packet.authinfo, (w, id) => IdCodec.write(w, id));
}

export function readQuorumPacket(reader: JuteReader): QuorumPacket {
  const type = reader.readInt();
  const zxid = reader.readLong();
  const data = reader.readBuffer();
  const authinfo = reader.readNullableVector((r) => IdCodec.read(r));
  return { type, zxid, data, authinfo };
}

export function encodeQuorumPacket(packet: QuorumPacket): Buffer {
  const writer = new JuteWriter();
  writeQuorumPacket(writer, packet);
  return writer.toBuffer();
}

export function decodeQuorumPacket(bytes: Buffer): QuorumPacket {
  return readQuorumPacket(new JuteReader(bytes));
}

/** The payload of FOLLOWERINFO / OBSERVERINFO. */
export interface LearnerInfo {
  serverid: bigint;
  protocolVersion: number;
  configVersion: bigint;
}

export function encodeLearnerInfo(info: LearnerInfo): Buffer {
  return new JuteWriter(20).writeLong(info.serverid).writeInt(info.protocolVersion).writeLong(info.configVersion).toBuffer();
}

/** Older learners sent only the sid (8 bytes) or sid + version (12); the leader accepts all three shapes. */
export function decodeLearnerInfo(bytes: Buffer): LearnerInfo {
  const reader = new JuteReader(bytes);
  const serverid = reader.readLong();
  const protocolVersion = reader.remaining >= 4 ? reader.readInt() : 0;
  const configVersion = reader.remaining >= 8 ? reader.readLong() : 0n;
  return { serverid, protocolVersion, configVersion };
}

/** LEADERINFO carries the leader's protocol version; ACKEPOCH the learner's currentEpoch (-1: already accepted). */
export function encodeInt32(value: number): Buffer {
  return new JuteWriter(4).writeInt(value).toBuffer();
}

export function decodeInt32(bytes: Buffer | null): number {
  if (bytes === null || bytes.length < 4) throw new JuteError('expected a 4-byte int payload');
  return bytes.readInt32BE(0);
}

// ---- election port ----

/** QuorumPeer.ServerState ordinals as sent in notifications. */
export const ServerState = { LOOKING: 0, FOLLOWING: 1, LEADING: 2, OBSERVING: 3 } as const;
export type ServerStateValue = (typeof ServerState)[keyof typeof ServerState];

export function serverStateName(state: number): string {
  return ['LOOKING', 'FOLLOWING', 'LEADING', 'OBSERVING'][state] ?? `UNKNOWN(${state})`;
}

/** Notification format version 2 (3.5+) adds the configuration; 3.8 sends it always. */
export const notificationVersion = 2;

export interface NotificationMessage {
  state: number;
  leader: bigint;
  zxid: bigint;
  electionEpoch: bigint;
  peerEpoch: bigint;
  version: number;
  /** The sender's quorum configuration as text (`server.1=...\nversion=...`); empty for formats before version 2. */
  config: Buffer;
}

export function encodeNotification(message: NotificationMessage): Buffer {
  const writer = new JuteWriter(44 + message.config.length)
    .writeInt(message.state)
    .writeLong(message.leader)
    .writeLong(message.zxid)
    .writeLong(message.electionEpoch)
    .writeLong(message.peerEpoch)
    .writeInt(message.version);
  // Version 1 (3.4.6) ended after the version field; anything newer carries the config length and bytes.
  if (message.version > 1) writer.writeInt(message.config.length).writeRaw(message.config);
  return writer.toBuffer();
}

/**
 * Reads all generations FastLeaderElection accepts: 28 bytes (no peer epoch: derived from the zxid), 40 bytes
 * (no version), version 1 (44 bytes) and version 2 with config.
 */
export function decodeNotification(bytes: Buffer): NotificationMessage {
  if (bytes.length < 28) throw new JuteError(`notification too short: ${bytes.length} bytes`);
  const reader = new JuteReader(bytes);
  const state = reader.readInt();
  const leader = reader.readLong();
  const zxid = reader.readLong();
  const electionEpoch = reader.readLong();
  if (bytes.length === 28) {
    return { state, leader, zxid, electionEpoch, peerEpoch: zxid >> 32n, version: 0, config: Buffer.alloc(0) };
  }
  const peerEpoch = reader.readLong();
  if (bytes.length === 40) return { state, leader, zxid, electionEpoch, peerEpoch, version: 0, config: Buffer.alloc(0) };
  const version = reader.readInt();
  let config = Buffer.alloc(0);
  if (version > 1) {
    const length = reader.readInt();
    if (length < 0 || length > reader.remaining) throw new JuteError(`invalid notification config length ${length}`);
    config = Buffer.from(bytes.subarray(reader.position, reader.position + length));
  }
  return { state, leader, zxid, electionEpoch, peerEpoch, version, config };
}

/** QuorumCnxManager: the first long on an election connection; V2 allows several `|`-separated addresses. */
export const electionProtocolVersionV1 = -65536n;
export const electionProtocolVersionV2 = -65535n;

export interface ElectionGreeting {
  protocolVersion: bigint;
  sid: bigint;
  /** `host:port` (V1) or `host1:port1|host2:port2` (V2), the sender's election address(es). */
  addresses: string[];
}

/** The greeting is not length-framed; the election connection then carries 4-byte-length-framed notifications. */
export function encodeElectionGreeting(greeting: ElectionGreeting): Buffer {
  const joined = Buffer.from(greeting.addresses.join('|'), 'utf8');
  return new JuteWriter(20 + joined.length)
    .writeLong(greeting.protocolVersion)
    .writeLong(greeting.sid)
    .writeInt(joined.length)
    .writeRaw(joined)
    .toBuffer();
}

/**
 * Parses a greeting from the start of `bytes`; returns null while more bytes are needed. Servers before 3.4.7
 * sent only their sid as the first long (a non-negative value): that shape is reported with no addresses.
 */
export function decodeElectionGreeting(
  bytes: Buffer,
  maxAddressBytes = 2048,
): { greeting: ElectionGreeting; consumed: number } | null {
  if (bytes.length < 8) return null;
  const first = bytes.readBigInt64BE(0);
  if (first >= 0n) return { greeting: { protocolVersion: 0n, sid: first, addresses: [] }, consumed: 8 };
  if (first !== electionProtocolVersionV1 && first !== electionProtocolVersionV2) {
    throw new JuteError(`unrecognized election protocol version ${first}`);
  }
  if (bytes.length < 20) return null;
  const sid = bytes.readBigInt64BE(8);
  const length = bytes.readInt32BE(16);
  if (length <= 0 || length > maxAddressBytes) throw new JuteError(`unreasonable greeting address length ${length}`);
  if (bytes.length < 20 + length) return null;
  const addresses = bytes.toString('utf8', 20, 20 + length).split('|');
  return { greeting: { protocolVersion: first, sid, addresses }, consumed: 20 + length };
}

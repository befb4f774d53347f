import { describe, expect, it } from 'vitest';
import {
  QuorumPacketType,
  decodeElectionGreeting,
  decodeLearnerInfo,
  decodeNotification,
  decodeQuorumPacket,
  encodeElectionGreeting,
  encodeLearnerInfo,
  encodeNotification,
  encodeQuorumPacket,
  electionProtocolVersionV1,
  quorumPacket,
} from '../../../node-core/protocol/quorumPackets.js';

describe('quorum packets', () => {
  it('encodes QuorumPacket as jute: int type, long zxid, buffer data, vector<Id>', () => {
    const bytes = encodeQuorumPacket(quorumPacket(QuorumPacketType.PROPOSAL, 0x100000002n, Buffer.from([0xab])));
    // No auth ids: a null vector (-1), as Java's QuorumPacket writes it.
    expect(bytes.toString('hex')).toBe('00000002' + '0000000100000002' + '00000001ab' + 'ffffffff');
    expect(decodeQuorumPacket(bytes)).toEqual({ type: 2, zxid: 0x100000002n, data: Buffer.from([0xab]), authinfo: null });
    const emptyAuth = { type: 1, zxid: -1n, data: null, authinfo: [] };
    expect(decodeQuorumPacket(encodeQuorumPacket(emptyAuth))).toEqual(emptyAuth);
    const withAuth = { type: 1, zxid: -1n, data: null, authinfo: [{ scheme: 'ip', id: '127.0.0.1' }] };
    expect(decodeQuorumPacket(encodeQuorumPacket(withAuth))).toEqual(withAuth);
    expect(encodeQuorumPacket(quorumPacket(QuorumPacketType.UPTODATE, -1n)).subarray(12, 16).readInt32BE(0)).toBe(-1);
  });

  it('encodes LearnerInfo and reads the older short forms', () => {
    const bytes = encodeLearnerInfo({ serverid: 3n, protocolVersion: 0x10000, configVersion: 0x100000000n });
    expect(bytes.toString('hex')).toBe('0000000000000003' + '00010000' + '0000000100000000');
    expect(decodeLearnerInfo(bytes)).toEqual({ serverid: 3n, protocolVersion: 0x10000, configVersion: 0x100000000n });
    expect(decodeLearnerInfo(bytes.subarray(0, 8))).toEqual({ serverid: 3n, protocolVersion: 0, configVersion: 0n });
  });

  it('lays out a version-2 notification as FastLeaderElection.buildMsg does', () => {
    const config = Buffer.from('server.1=a:2888:3888:participant\nversion=0');
    const bytes = encodeNotification({ state: 0, leader: 2n, zxid: 0x500000007n, electionEpoch: 3n, peerEpoch: 5n, version: 2, config });
    expect(bytes.length).toBe(44 + config.length);
    expect(bytes.readInt32BE(0)).toBe(0);
    expect(bytes.readBigInt64BE(4)).toBe(2n);
    expect(bytes.readBigInt64BE(12)).toBe(0x500000007n);
    expect(bytes.readBigInt64BE(20)).toBe(3n);
    expect(bytes.readBigInt64BE(28)).toBe(5n);
    expect(bytes.readInt32BE(36)).toBe(2);
    expect(bytes.readInt32BE(40)).toBe(config.length);
    expect(decodeNotification(bytes)).toEqual({ state: 0, leader: 2n, zxid: 0x500000007n, electionEpoch: 3n, peerEpoch: 5n, version: 2, config });
  });

  it('reads the 28- and 40-byte notifications of older servers', () => {
    const full = encodeNotification({ state: 1, leader: 1n, zxid: 0x200000001n, electionEpoch: 1n, peerEpoch: 2n, version: 2, config: Buffer.alloc(0) });
    expect(decodeNotification(full.subarray(0, 28))).toMatchObject({ peerEpoch: 2n, version: 0 });
    expect(decodeNotification(full.subarray(0, 40))).toMatchObject({ peerEpoch: 2n, version: 0 });
    expect(() => decodeNotification(full.subarray(0, 20))).toThrow();
  });

  it('writes the election greeting: protocol version, sid, address length, address', () => {
    const bytes = encodeElectionGreeting({ protocolVersion: electionProtocolVersionV1, sid: 2n, addresses: ['127.0.0.1:3888'] });
    expect(bytes.readBigInt64BE(0)).toBe(-65536n);
    expect(bytes.readBigInt64BE(8)).toBe(2n);
    expect(bytes.readInt32BE(16)).toBe(14);
    expect(decodeElectionGreeting(bytes)).toEqual({
      greeting: { protocolVersion: -65536n, sid: 2n, addresses: ['127.0.0.1:3888'] },
      consumed: bytes.length,
    });
    expect(decodeElectionGreeting(bytes.subarray(0, 19))).toBeNull();
  });
});

// The ingress router's reading of who opened a connection: the sid in an election greeting (both shapes) and in
// the FOLLOWERINFO packet a learner sends first on the quorum port.
import { describe, expect, it } from 'vitest';
import { announcedSid } from '../../../node-core/cluster/ingressRouter.js';
import { encodeElectionGreeting, encodeLearnerInfo, encodeQuorumPacket, electionProtocolVersionV2 } from '../../../node-core/protocol/quorumPackets.js';

describe('announcedSid', () => {
  it('reads the sid of an election greeting, old and new style', () => {
    const greeting = encodeElectionGreeting({ protocolVersion: electionProtocolVersionV2, sid: 7n, addresses: ['127.0.0.1:1234'] });
    expect(announcedSid('election', greeting.subarray(0, 10))).toBe('incomplete');
    expect(announcedSid('election', greeting)).toBe(7);
    const bare = Buffer.alloc(8);
    bare.writeBigInt64BE(3n);
    expect(announcedSid('election', bare)).toBe(3);
  });

  it('reads the sid of FOLLOWERINFO on the quorum port', () => {
    const packet = encodeQuorumPacket({
      type: 11,
      zxid: 0x500000000n,
      data: encodeLearnerInfo({ serverid: 4n, protocolVersion: 0x10000, configVersion: 0n }),
      authinfo: [],
    });
    expect(announcedSid('quorum', packet.subarray(0, 20))).toBe('incomplete');
    expect(announcedSid('quorum', packet)).toBe(4);
  });
});

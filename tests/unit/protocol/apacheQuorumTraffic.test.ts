// The quorum codec against what three Apache ZooKeeper 3.8 servers sent each other (recorded by
// tests/fixtures/wire/captureQuorumTraffic.ts): the election greeting, and each follower's quorum connection to the
// leader from FOLLOWERINFO through sync to the proposals of a few writes. Every stream must split into the packets
// Java wrote, re-encode to the same bytes, whatever way TCP cuts it, and carry the values the protocol prescribes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  QuorumPacketType as T,
  decodeElectionGreeting,
  decodeInt32,
  decodeLearnerInfo,
  electionProtocolVersionV1,
  encodeQuorumPacket,
  zabProtocolVersion,
  type QuorumPacket,
} from '../../../node-core/protocol/quorumPackets.js';
import { QuorumPacketStream } from '../../../node-core/server/quorum/quorumPacketStream.js';
import { decodeForwardedRequest, encodeForwardedRequest } from '../../../node-core/server/quorum/forwardedRequest.js';
import { decodeTxnEntry } from '../../../node-core/txn/txnRecords.js';

interface Fixture {
  leader: number;
  writesThroughFollower: { follower: number; commands: string[] };
  links: { kind: 'election' | 'quorum'; from: number; to: number; connections: { sent: string; received: string }[] }[];
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/wire/quorum-apache-3.8.json', import.meta.url), 'utf8')) as Fixture;
const epochZxid = 1n << 32n;

function packetsOf(hex: string): QuorumPacket[] {
  const stream = new QuorumPacketStream();
  return stream.push(Buffer.from(hex, 'hex'));
}

const quorumLinks = fixture.links.filter((l) => l.kind === 'quorum' && l.connections.some((c) => c.sent !== ''));

describe('quorum connections of Apache ZooKeeper 3.8 followers to their leader', () => {
  it('both followers connected to the leader and nobody else', () => {
    expect(quorumLinks.map((l) => [l.from, l.to]).sort()).toEqual(
      [1, 2, 3].filter((id) => id !== fixture.leader).map((id) => [id, fixture.leader]),
    );
  });

  for (const link of quorumLinks) {
    const { sent, received } = link.connections.find((c) => c.sent !== '')!;
    const fromLearner = packetsOf(sent);
    const fromLeader = packetsOf(received);

    describe(`member ${link.from} -> leader ${link.to}`, () => {
      it('each direction is whole packets that re-encode to the recorded bytes', () => {
        expect(Buffer.concat(fromLearner.map(encodeQuorumPacket)).toString('hex')).toBe(sent);
        expect(Buffer.concat(fromLeader.map(encodeQuorumPacket)).toString('hex')).toBe(received);
      });

      it('the stream split at every byte yields the same packets', () => {
        for (const hex of [sent, received]) {
          const bytes = Buffer.from(hex, 'hex');
          const whole = packetsOf(hex);
          for (let cut = 1; cut < bytes.length; cut++) {
            const stream = new QuorumPacketStream();
            const got = [...stream.push(Buffer.from(bytes.subarray(0, cut))), ...stream.push(Buffer.from(bytes.subarray(cut)))];
            if (got.length !== whole.length) throw new Error(`cut at ${cut}: ${got.length} packets, want ${whole.length}`);
          }
          const stream = new QuorumPacketStream();
          const byteByByte: QuorumPacket[] = [];
          for (let i = 0; i < bytes.length; i++) byteByByte.push(...stream.push(bytes.subarray(i, i + 1)));
          expect(byteByByte).toEqual(whole);
        }
      });

      it('discovery: FOLLOWERINFO with the LearnerInfo, LEADERINFO with the new epoch, ACKEPOCH with the old', () => {
        const [info, ackEpoch] = fromLearner;
        expect(info!.type).toBe(T.FOLLOWERINFO);
        expect(info!.zxid).toBe(0n); // acceptedEpoch 0 << 32 on a fresh member
        expect(decodeLearnerInfo(info!.data!)).toEqual({ serverid: BigInt(link.from), protocolVersion: zabProtocolVersion, configVersion: 0n });
        expect(fromLeader[0]!.type).toBe(T.LEADERINFO);
        expect(fromLeader[0]!.zxid).toBe(epochZxid);
        expect(decodeInt32(fromLeader[0]!.data)).toBe(zabProtocolVersion);
        expect(ackEpoch!.type).toBe(T.ACKEPOCH);
        expect(decodeInt32(ackEpoch!.data)).toBe(0);
      });

      it('sync of an empty tree: an empty DIFF, NEWLEADER carrying the config text, UPTODATE; the learner ACKs both', () => {
        expect(fromLeader.slice(1, 4).map((p) => p.type)).toEqual([T.DIFF, T.NEWLEADER, T.UPTODATE]);
        expect(fromLeader[1]!.zxid).toBe(0n);
        expect(fromLeader[2]!.zxid).toBe(epochZxid);
        expect(fromLeader[2]!.data!.toString('utf8')).toMatch(/^server\.1=127\.0\.0\.1:\d+:\d+:participant\n/m);
        expect(fromLeader[3]!.zxid).toBe(-1n);
        expect(fromLearner.slice(2, 4).map((p) => [p.type, p.zxid])).toEqual([
          [T.ACK, epochZxid],
          [T.ACK, epochZxid],
        ]);
      });

      it('broadcast: each PROPOSAL is a txn entry with its digest, COMMITted in zxid order after the ACK', () => {
        const proposals = fromLeader.filter((p) => p.type === T.PROPOSAL);
        const commits = fromLeader.filter((p) => p.type === T.COMMIT).map((p) => p.zxid);
        expect(commits).toEqual(proposals.map((p) => p.zxid));
        const types = proposals.map((p) => {
          const entry = decodeTxnEntry(p.data!);
          expect(entry.header.zxid).toBe(p.zxid);
          expect(entry.digest?.version, 'ZooKeeper 3.8 appends a TxnDigest to every proposal').toBe(2);
          return entry.header.type;
        });
        // createSession, create, setData, create (ephemeral), delete, delete, closeSession
        expect(types).toEqual([-10, 1, 5, 1, 2, 2, -11]);
        const acked = fromLearner.filter((p) => p.type === T.ACK && p.zxid > epochZxid).map((p) => p.zxid);
        expect(acked).toEqual(proposals.map((p) => p.zxid));
      });

      it('pings: the leader sends PING without data; the learner answers with its session touches', () => {
        const pings = fromLeader.filter((p) => p.type === T.PING);
        expect(pings.length).toBeGreaterThan(0);
        for (const ping of pings) expect(ping.data).toBeNull();
        const replies = fromLearner.filter((p) => p.type === T.PING);
        expect(replies.length).toBeGreaterThan(0);
        // {long sessionId, int timeout} per session the learner has seen since the last ping
        for (const reply of replies) expect(reply.data!.length % 12).toBe(0);
      });

      it('REQUEST, as Java learners forward it: {long sessionId, int cxid, int type, request record}', () => {
        const requests = fromLearner.filter((p) => p.type === T.REQUEST);
        if (link.from !== fixture.writesThroughFollower.follower) {
          expect(requests).toEqual([]);
          return;
        }
        const shapes = requests.map((p) => ({ session: p.data!.readBigInt64BE(0), cxid: p.data!.readInt32BE(8), type: p.data!.readInt32BE(12) }));
        expect(shapes.map((s) => s.type)).toEqual([-10, 1, 5, 1, 2, 2, -11]);
        expect(new Set(shapes.map((s) => s.session)).size).toBe(1);
        for (const p of requests) expect(p.zxid).toBe(-1n);
      });

      it("Paddock's forwarded-request codec reads Java's REQUESTs and writes the same bytes back", () => {
        const requests = fromLearner.filter((p) => p.type === T.REQUEST);
        for (const packet of requests) {
          const request = decodeForwardedRequest(packet.data!, packet.authinfo ?? []);
          expect(request.authInfo, 'Java sends the connection auth ids in authinfo').toEqual(packet.authinfo ?? []);
          expect(encodeForwardedRequest(request)).toEqual({ data: packet.data, authinfo: packet.authinfo });
        }
        const created = requests.map((p) => decodeForwardedRequest(p.data!, [])).find((r) => r.type === -10);
        if (link.from === fixture.writesThroughFollower.follower) expect(created?.body).toEqual({ timeOut: expect.any(Number) });
      });
    });
  }
});

describe('election connection greeting of Apache ZooKeeper 3.8', () => {
  const greetings = fixture.links
    .filter((l) => l.kind === 'election')
    .flatMap((l) => l.connections.filter((c) => c.sent !== '').map((c) => ({ from: l.from, bytes: Buffer.from(c.sent, 'hex') })));

  it('protocol version -65536, the sender id, and its election address', () => {
    expect(greetings.length).toBeGreaterThan(0);
    for (const { from, bytes } of greetings) {
      const decoded = decodeElectionGreeting(bytes);
      expect(decoded).not.toBeNull();
      expect(decoded!.greeting.protocolVersion).toBe(electionProtocolVersionV1);
      expect(decoded!.greeting.sid).toBe(BigInt(from));
      expect(decoded!.greeting.addresses).toHaveLength(1);
      expect(decoded!.greeting.addresses[0]).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(decoded!.consumed).toBe(bytes.length);
    }
  });

  it('a greeting cut short waits for the rest instead of failing', () => {
    const { bytes } = greetings[0]!;
    for (let cut = 0; cut < bytes.length; cut++) expect(decodeElectionGreeting(bytes.subarray(0, cut))).toBeNull();
  });
});

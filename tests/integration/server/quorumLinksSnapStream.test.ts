// A leader's quorum link streaming a SNAP over real loopback TCP: the learner receives the SNAP, then the snapshot it
// decoded as the bytes came, then the packets the leader sent while the stream was still being written, in that
// order; it hears progress all along; a learner that stops reading has its link closed by progress, not by size.
import { afterEach, describe, expect, it } from 'vitest';
import { freePorts } from '../../helpers/ports.js';
import { createMemoryLogger } from '../../../node-core/log/logger.js';
import { QuorumLinks } from '../../../node-core/server/quorum/quorumLinks.js';
import { snapshotOf } from '../../../node-core/server/quorum/quorumPacketStream.js';
import { QuorumPacketType as T, encodeLearnerInfo, quorumPacket, type QuorumPacket } from '../../../node-core/protocol/quorumPackets.js';
import { JuteWriter } from '../../../node-core/jute/index.js';
import { encodeQuorumPacket } from '../../../node-core/protocol/quorumPackets.js';
import { serializeSnapshot } from '../../../node-core/tree/snapshotCodec.js';
import { DataTree } from '../../../node-core/tree/dataTree.js';

const opened: QuorumLinks[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((links) => links.stop()));
});

const world = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

function bigTree(): DataTree {
  const tree = new DataTree();
  for (let i = 0; i < 4000; i++) tree.createNode(`/n${i}`, Buffer.alloc(1024, i % 251), world, 0n, -1, BigInt(i + 1), 1n);
  tree.lastProcessedZxid = 4000n;
  return tree;
}

async function linkedPair(learnerReads = true) {
  const [leaderPort] = await freePorts(1);
  const atLeader: QuorumPacket[] = [];
  const atLearner: QuorumPacket[] = [];
  let progress = 0;
  const leader = new QuorumLinks({
    myId: 1,
    listen: { host: '127.0.0.1', port: leaderPort! },
    peers: [{ sid: 2, host: '127.0.0.1', port: 1 }],
    logger: createMemoryLogger('leader'),
    onPacket: (_from, packet) => atLeader.push(packet),
    onLinkClosed: () => undefined,
  });
  const learner = new QuorumLinks({
    myId: 2,
    listen: { host: '127.0.0.1', port: 0 },
    peers: [{ sid: 1, host: '127.0.0.1', port: leaderPort! }],
    logger: createMemoryLogger('learner'),
    onPacket: (_from, packet) => atLearner.push(packet),
    onLinkClosed: () => undefined,
    onSyncProgress: () => progress++,
  });
  opened.push(leader, learner);
  await leader.start();
  await learner.start();
  learner.connectToLeader(1);
  learner.send(1, quorumPacket(T.FOLLOWERINFO, 0n, encodeLearnerInfo({ serverid: 2n, protocolVersion: 0x10000, configVersion: 0n })));
  await until(() => atLeader.length === 1);
  if (!learnerReads) pauseIncoming(learner);
  return { leader, atLearner, progress: () => progress };
}

/** Stops reading the learner's socket, as a learner stuck (SIGSTOP) would. */
function pauseIncoming(learner: QuorumLinks): void {
  const links = (learner as unknown as { links: Map<number, { socket: import('node:net').Socket }> }).links;
  links.get(1)!.socket.pause();
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function wireOf(tree: DataTree): Buffer[] {
  return [
    encodeQuorumPacket(quorumPacket(T.SNAP, tree.lastProcessedZxid)),
    ...serializeSnapshot(tree, new Map([[7n, 3000]]), { chunkBytes: 64 * 1024 }),
    new JuteWriter().writeString('BenWasHere').toBuffer(),
  ];
}

describe('a SNAP streamed on a quorum link', () => {
  it('arrives whole and decoded, and packets sent meanwhile follow it in order', async () => {
    const { leader, atLearner, progress } = await linkedPair();
    const tree = bigTree();
    let turnsWhileStreaming = 0;
    const ticker = setInterval(() => turnsWhileStreaming++, 1);
    const sending = leader.sendStream(2, wireOf(tree)[Symbol.iterator](), 5_000);
    // sent after the stream started: they must reach the learner after the snapshot
    leader.send(2, quorumPacket(T.PROPOSAL, 4001n, Buffer.from('txn')));
    leader.send(2, quorumPacket(T.NEWLEADER, 0x100000000n));
    expect(await sending).toBe('sent');
    clearInterval(ticker);
    await until(() => atLearner.length === 3);
    expect(atLearner.map((p) => p.type)).toEqual([T.SNAP, T.PROPOSAL, T.NEWLEADER]);
    const snapshot = snapshotOf(atLearner[0]!)!;
    expect(snapshot.tree.nodeCount).toBe(tree.nodeCount);
    expect(snapshot.tree.getNode('/n3999')!.data).toEqual(Buffer.alloc(1024, 3999 % 251));
    expect(snapshot.sessions).toEqual(new Map([[7n, 3000]]));
    // ~4 MiB arrived in many reads, each one reported; and the event loop turned while it was written
    expect(progress()).toBeGreaterThan(10);
    expect(turnsWhileStreaming).toBeGreaterThan(0);
  });

  it('closes the link of a learner that reads nothing for the stall limit, and ends the snapshot', async () => {
    const { leader } = await linkedPair(false);
    const chunks = wireOf(bigTree());
    let ended = false;
    const source = chunks[Symbol.iterator]();
    const watched: Iterator<Buffer> = {
      next: () => source.next(),
      return: (value) => {
        ended = true;
        return { done: true, value };
      },
    };
    const started = Date.now();
    expect(await leader.sendStream(2, watched, 400)).toBe('stalled');
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(ended).toBe(true);
  });
});

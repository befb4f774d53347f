import { describe, expect, it } from 'vitest';
import { QuorumPeer, type PeerAction } from '../../../node-core/consensus/quorumPeer.js';
import type { Notification } from '../../../node-core/consensus/fastLeaderElection.js';
import type { QuorumPacket } from '../../../node-core/protocol/quorumPackets.js';

type Message =
  | { kind: 'notification'; from: number; to: number; notification: Notification }
  | { kind: 'packet'; from: number; to: number; packet: QuorumPacket }
  | { kind: 'closed'; at: number; peer: number }
  | { kind: 'disk'; member: number; ticket: number };

/** Members with instant disks and an in-order network; `cut` silences a member without telling anyone. */
class Ensemble {
  readonly peers = new Map<number, QuorumPeer>();
  readonly committed = new Map<number, bigint[]>();
  readonly cut = new Set<number>();
  private readonly queue: Message[] = [];
  now = 0;

  constructor(readonly voters: number[]) {
    for (const id of voters) {
      const peer = new QuorumPeer({ myId: id, voters, tickTime: 100, initLimit: 10, syncLimit: 5, connectRetryMs: 100 });
      this.peers.set(id, peer);
      this.committed.set(id, []);
      this.absorb(id, peer.start(0, { acceptedEpoch: 0n, currentEpoch: 0n, appliedZxid: 0n, logTail: [] }));
    }
  }

  absorb(id: number, actions: PeerAction[]): void {
    for (const action of actions) {
      switch (action.kind) {
        case 'sendNotification':
          this.queue.push({ kind: 'notification', from: id, to: action.to, notification: action.notification });
          break;
        case 'sendPacket':
          this.queue.push({ kind: 'packet', from: id, to: action.to, packet: action.packet });
          break;
        case 'closeLink':
          this.queue.push({ kind: 'closed', at: action.peer, peer: id });
          break;
        case 'commit':
          this.committed.get(id)!.push(action.zxid);
          break;
        case 'leaderReceivedRequest':
          this.absorb(id, this.peers.get(id)!.propose(action.data, undefined, this.now).actions);
          break;
        default:
          if ('ticket' in action) this.queue.push({ kind: 'disk', member: id, ticket: action.ticket });
      }
    }
  }

  private deliver(): void {
    while (this.queue.length > 0) {
      const message = this.queue.shift()!;
      if (message.kind === 'disk') {
        this.absorb(message.member, this.peers.get(message.member)!.diskDone(message.ticket, this.now));
        continue;
      }
      const from = message.kind === 'closed' ? message.peer : message.from;
      const to = message.kind === 'closed' ? message.at : message.to;
      if (this.cut.has(from) || this.cut.has(to)) continue;
      const peer = this.peers.get(to)!;
      if (message.kind === 'notification') this.absorb(to, peer.receiveNotification(from, message.notification, this.now));
      else if (message.kind === 'packet') this.absorb(to, peer.receivePacket(from, message.packet, this.now));
      else this.absorb(to, peer.linkClosed(from, this.now));
    }
  }

  run(ms: number): void {
    const end = this.now + ms;
    this.deliver();
    while (this.now < end) {
      this.now += 10;
      for (const [id, peer] of this.peers) this.absorb(id, peer.tick(this.now));
      this.deliver();
    }
  }

  leader(): QuorumPeer | undefined {
    return [...this.peers.values()].find((p) => p.state === 'leading' && p.isServing && !this.cut.has(p.leaderId!));
  }
}

describe('QuorumPeer', () => {
  it('elects, establishes an epoch, and replicates a write to every member in order', () => {
    const ensemble = new Ensemble([1, 2, 3]);
    ensemble.run(1000);
    const leader = ensemble.leader()!;
    expect(leader.leaderId).toBe(3);
    expect([...ensemble.peers.values()].every((p) => p.isServing)).toBe(true);
    expect([...ensemble.peers.values()].map((p) => p.currentEpoch)).toEqual([1n, 1n, 1n]);
    const follower = ensemble.peers.get(1)!;
    ensemble.absorb(1, follower.forwardRequest(Buffer.from('via follower')).actions);
    const { zxid, actions } = leader.propose(Buffer.from('direct'), undefined, ensemble.now);
    ensemble.absorb(3, actions);
    ensemble.run(100);
    expect(zxid).toBe(0x100000001n); // the forwarded request is still on its way
    for (const id of [1, 2, 3]) expect(ensemble.committed.get(id)).toEqual([0x100000001n, 0x100000002n]);
  });

  it('sends a follower back to election when its leader falls silent, and elects a new leader without it', () => {
    const ensemble = new Ensemble([1, 2, 3]);
    ensemble.run(1000);
    ensemble.cut.add(3);
    ensemble.run(450);
    expect(ensemble.peers.get(1)!.state).toBe('following');
    ensemble.run(200);
    expect(ensemble.peers.get(3)!.state).not.toBe('leading'); // the old leader also lost its quorum
    ensemble.run(1500);
    const leader = ensemble.leader()!;
    expect(leader.leaderId).toBe(2);
    expect(leader.epoch).toBe(2n);
    expect(ensemble.peers.get(1)!.isServing).toBe(true);
  });

  it('starts from durable state only: votes with what was logged and the persisted epochs', () => {
    const peer = new QuorumPeer({ myId: 2, voters: [1, 2, 3], tickTime: 100, initLimit: 10, syncLimit: 5 });
    const actions = peer.start(0, {
      acceptedEpoch: 4n,
      currentEpoch: 3n,
      appliedZxid: 0x300000002n,
      logTail: [{ zxid: 0x300000003n, data: Buffer.from('x') }],
    });
    const sent = actions.filter((a) => a.kind === 'sendNotification');
    expect(sent.map((a) => a.kind === 'sendNotification' && a.to)).toEqual([1, 3]);
    expect(sent[0]).toMatchObject({ notification: { leader: 2, zxid: 0x300000003n, peerEpoch: 3n, electionEpoch: 1n } });
    expect(peer.state).toBe('looking');
    expect(peer.acceptedEpoch).toBe(4n);
  });
});

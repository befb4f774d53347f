// The simulator's network: an election port that drops, delays, reorders and duplicates notifications, quorum links
// with TCP semantics (FIFO per direction until they break, closes reported to the other side) and partitions. Every
// random choice comes from the simulation's seeded generator, in the order the simulation makes its calls.
import type { Notification } from '../../node-core/consensus/index.js';
import type { QuorumPacket } from '../../node-core/protocol/quorumPackets.js';
import type { Prng } from './prng.js';

export type NetworkEvent =
  | { kind: 'notification'; from: number; to: number; notification: Notification }
  | { kind: 'packet'; from: number; to: number; link: number; packet: QuorumPacket }
  /** `at` learns that its link to `peer` is gone (if it is still the incarnation it was). */
  | { kind: 'linkClosed'; at: number; peer: number; incarnation: number };

/** Fault rates, drawn per seed by the simulation. */
export interface NetworkFaults {
  dropRate: number;
  dupRate: number;
  maxDelay: number;
  linkBreakRate: number;
}

export interface NetworkHost {
  readonly rng: Prng;
  now(): number;
  /** After healing nothing is dropped, duplicated or broken any more. */
  healed(): boolean;
  schedule(at: number, event: NetworkEvent): void;
  isAlive(member: number): boolean;
  incarnationOf(member: number): number;
}

export class SimNetwork {
  /** Open quorum links: linkKey(a, b) -> link id; a packet of an older link is not delivered. */
  private readonly links = new Map<number, number>();
  private nextLink = 1;
  /** The latest delivery time per direction (directionKey), which a later packet may not overtake. */
  private readonly lastDelivery = new Map<number, number>();
  private readonly partitioned = new Set<number>();

  constructor(
    private readonly host: NetworkHost,
    private readonly faults: NetworkFaults,
  ) {}

  reachable(a: number, b: number): boolean {
    return this.host.isAlive(a) && this.host.isAlive(b) && !this.partitioned.has(linkKey(a, b));
  }

  /** Whether `link` is still the open link between the two (packets of a closed one are lost). */
  isOpen(a: number, b: number, link: number): boolean {
    return this.links.get(linkKey(a, b)) === link;
  }

  sendNotification(from: number, to: number, notification: Notification): void {
    const { rng } = this.host;
    const now = this.host.now();
    if (!this.reachable(from, to) || rng.chance(this.host.healed() ? 0 : this.faults.dropRate)) return;
    this.host.schedule(now + this.delay(), { kind: 'notification', from, to, notification });
    if (!this.host.healed() && rng.chance(this.faults.dupRate)) {
      this.host.schedule(now + this.delay(), { kind: 'notification', from, to, notification });
    }
  }

  connect(from: number, to: number): void {
    const key = linkKey(from, to);
    if (this.links.has(key)) {
      // The shell contract: a new link first closes the old one, reported to the other side before anything new.
      this.links.delete(key);
      this.host.schedule(this.host.now(), { kind: 'linkClosed', at: to, peer: from, incarnation: this.host.incarnationOf(to) });
    }
    if (!this.reachable(from, to)) {
      this.notifyClosed(from, to);
      return;
    }
    this.links.set(key, this.nextLink++);
  }

  closeLink(from: number, to: number): void {
    const key = linkKey(from, to);
    if (!this.links.has(key)) return;
    this.links.delete(key);
    this.notifyClosed(to, from);
  }

  /** The link fails under both ends: each hears of it after its own delay. */
  breakLink(a: number, b: number): void {
    const key = linkKey(a, b);
    if (!this.links.has(key)) return;
    this.links.delete(key);
    this.notifyClosed(a, b);
    this.notifyClosed(b, a);
  }

  /** A member died: its links are gone; its peers hear at once (`loud`) or only through their timeouts. */
  dropLinksOf(member: number, others: readonly number[], loud: boolean): void {
    for (const other of others) {
      const key = linkKey(member, other);
      if (this.links.has(key)) {
        this.links.delete(key);
        if (loud) this.notifyClosed(other, member);
      }
    }
  }

  sendPacket(from: number, to: number, packet: QuorumPacket): void {
    const link = this.links.get(linkKey(from, to));
    if (link === undefined) return; // closed; the sender hears of it separately
    if (!this.host.healed() && this.host.rng.chance(this.faults.linkBreakRate)) {
      this.breakLink(from, to);
      return;
    }
    // TCP: FIFO per direction, whatever the random delay.
    const direction = directionKey(from, to);
    const at = Math.max(this.host.now() + this.delay(), this.lastDelivery.get(direction) ?? 0);
    this.lastDelivery.set(direction, at);
    this.host.schedule(at, { kind: 'packet', from, to, link, packet });
  }

  /** Cuts `a` from `b` and breaks their link. */
  partition(a: number, b: number): void {
    this.partitioned.add(linkKey(a, b));
    this.breakLink(a, b);
  }

  healPartitions(): void {
    this.partitioned.clear();
  }

  private notifyClosed(at: number, peer: number): void {
    this.host.schedule(this.host.now() + this.delay() + 1, { kind: 'linkClosed', at, peer, incarnation: this.host.incarnationOf(at) });
  }

  private delay(): number {
    return this.host.rng.int(0, this.faults.maxDelay);
  }
}

// Member ids are small: number keys cost no string per packet.
const idSpan = 1 << 10;

function linkKey(a: number, b: number): number {
  return a < b ? a * idSpan + b : b * idSpan + a;
}

function directionKey(from: number, to: number): number {
  return from * idSpan + to;
}

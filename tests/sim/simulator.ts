// A deterministic simulator of a Paddock ensemble: N QuorumPeer state machines, a fake clock, an election network
// that drops, delays, reorders and duplicates, quorum links with TCP semantics (FIFO until they break), partitions,
// crash/restart with only durable state surviving (and a possibly torn last write), and clients writing to random
// members. Safety invariants are checked after every event; a run is a pure function of its seed.
import { type DiskAction, type PeerEnvironment, zxidHex } from '../../node-core/consensus/index.js';
import { QuorumPacketType, quorumPacket, quorumPacketTypeName } from '../../node-core/protocol/quorumPackets.js';
import { CommittedHistory, type Applied } from './fakeStore.js';
import { EventQueue } from './eventQueue.js';
import { Prng } from './prng.js';
import { SimNetwork, type NetworkEvent } from './simNetwork.js';
import { SimMember } from './simMember.js';

export interface SimOptions {
  seed: number;
  voters?: number;
  observers?: number;
  /** Virtual milliseconds with faults, then the same again healed to check the ensemble converges. */
  faultyMs?: number;
  healedMs?: number;
  /** Record a line per event (slow); failures always report the tail of the trace. */
  verbose?: boolean;
  committedLogSize?: number;
  /** A run that needs more events than this is reported as a runaway (default 2,000,000). */
  maxEvents?: number;
}

export interface AckedWrite {
  client: number;
  payload: string;
  call: number;
  ret: number;
  /** Position in the committed history (0-based). */
  index: number;
}

export interface ClientWrite {
  client: number;
  payload: string;
  call: number;
  ret: number | undefined;
  index: number | undefined;
}

export interface SimResult {
  seed: number;
  ok: boolean;
  violations: string[];
  events: number;
  committed: number;
  acked: number;
  elections: number;
  crashes: number;
  writes: ClientWrite[];
  trace: string[];
}

class Member extends SimMember {
  serving = false;
  pendingWrites = new Map<string, ClientWrite>();
  tickToken = 0;
  scheduledTickAt = Infinity;
}

type Event =
  | NetworkEvent
  | { kind: 'disk'; member: number; incarnation: number }
  | { kind: 'tick'; member: number; token: number }
  | { kind: 'client' }
  | { kind: 'fault' }
  | { kind: 'restart'; member: number }
  | { kind: 'crash'; member: number; incarnation: number };

const tickTime = 100;

export class Simulation {
  private readonly rng: Prng;
  private readonly queue = new EventQueue<Event>();
  private readonly network: SimNetwork;
  private readonly members: Member[] = [];
  private readonly voterIds: number[];
  private readonly observerIds: number[];
  private now = 0;
  private readonly violations: string[] = [];
  private readonly trace: string[] = [];
  private events = 0;
  private elections = 0;
  private crashes = 0;
  private readonly history = new CommittedHistory();
  /** The one committed history every member's applied state must be a prefix of. */
  private readonly committed: Applied[] = this.history.entries;
  private readonly epochLeaders = new Map<string, number>();
  private readonly writes: ClientWrite[] = [];
  private nextPayload = 0;
  private healed = false;
  private quietAfter = Infinity;
  /** Clients pause now and then, so that leaders are sometimes idle when members rejoin (TRUNC, empty DIFF). */
  private clientsActive = true;
  // fault parameters, drawn per seed
  private readonly faultEveryMs: number;
  private readonly writeEveryMs: number;
  private readonly diskMaxMs: number;
  private readonly inFlightCrashRate: number;

  constructor(private readonly options: SimOptions) {
    this.rng = new Prng(options.seed);
    const voters = options.voters ?? this.rng.pick([3, 3, 5, 5, 5]);
    const observers = options.observers ?? (this.rng.chance(0.3) ? 1 : 0);
    this.voterIds = Array.from({ length: voters }, (_, i) => i + 1);
    this.observerIds = Array.from({ length: observers }, (_, i) => voters + i + 1);
    const dropRate = this.rng.next() * 0.1;
    const dupRate = this.rng.next() * 0.05;
    const maxDelay = this.rng.int(2, 40);
    const linkBreakRate = this.rng.next() * 0.004;
    this.network = new SimNetwork(
      {
        rng: this.rng,
        now: () => this.now,
        healed: () => this.healed,
        schedule: (at, event) => this.queue.push(at, event),
        isAlive: (id) => this.member(id).alive,
        incarnationOf: (id) => this.member(id).incarnation,
      },
      { dropRate, dupRate, maxDelay, linkBreakRate },
    );
    this.faultEveryMs = this.rng.int(300, 3000);
    this.writeEveryMs = this.rng.int(10, 80);
    this.diskMaxMs = this.rng.pick([1, 5, 15, 50]);
    this.inFlightCrashRate = this.rng.pick([0, 0.001, 0.003]);
    for (const id of [...this.voterIds, ...this.observerIds]) {
      this.members.push(
        new Member(id, {
          applied: (entry, index) => this.checkApplied(id, entry, index),
          violation: (message) => this.violation(message),
        }),
      );
    }
  }

  run(): SimResult {
    const faultyMs = this.options.faultyMs ?? 20_000;
    const healedMs = this.options.healedMs ?? 20_000;
    for (const member of this.members) this.startMember(member);
    this.queue.push(this.rng.int(0, this.writeEveryMs), { kind: 'client' });
    this.queue.push(this.faultEveryMs, { kind: 'fault' });
    let healChecked = false;
    const end = faultyMs + healedMs;
    this.quietAfter = end - Math.min(3000, healedMs / 2);
    for (;;) {
      const item = this.queue.pop();
      if (item === undefined || item.at > end) break;
      if (!this.healed && item.at >= faultyMs) this.heal();
      this.now = item.at;
      this.events++;
      this.handle(item.event);
      if (this.violations.length > 0) break;
      if (this.events > (this.options.maxEvents ?? 2_000_000)) {
        this.violation(`runaway: more than ${this.events} events (a message storm or livelock)`);
        break;
      }
      if (!healChecked && this.now >= end) healChecked = true;
    }
    if (this.violations.length === 0) this.checkConverged();
    return {
      seed: this.options.seed,
      ok: this.violations.length === 0,
      violations: this.violations,
      events: this.events,
      committed: this.committed.length,
      acked: this.writes.filter((w) => w.ret !== undefined).length,
      elections: this.elections,
      crashes: this.crashes,
      writes: this.writes,
      trace: this.trace.slice(-200),
    };
  }

  // ---- members ----

  private startMember(member: Member): void {
    const config = {
      myId: member.id,
      voters: this.voterIds,
      observers: this.observerIds,
      tickTime,
      initLimit: 10,
      syncLimit: 5,
      committedLogSize: this.options.committedLogSize ?? this.rng.pick([3, 20, 500]),
      connectRetryMs: 100,
      log: (message: string) => this.note(`  ${message}`),
    };
    const durable = member.boot(this.now, config, this.environment(member));
    member.serving = false;
    member.pendingWrites = new Map();
    this.note(`start ${member.id} (incarnation ${member.incarnation}) accepted=${durable.acceptedEpoch} current=${durable.currentEpoch} applied=${zxidHex(durable.appliedZxid)} log=${durable.logTail.length}`);
    member.executor!.start(durable);
  }

  private crash(member: Member): void {
    this.crashes++;
    member.serving = false;
    this.failPending(member);
    // The first unfinished write may have reached the disk in part: a prefix of its entries survives.
    const torn = member.store.tearableWrite;
    let kept = 0;
    if (torn !== null && this.rng.chance(0.5)) {
      kept = this.rng.int(0, torn.length);
      this.note(`crash ${member.id}: torn write kept ${kept}/${torn.length}`);
    } else {
      this.note(`crash ${member.id}`);
    }
    member.crash(kept);
    // Links of a dead member break; its peers may hear at once or only through their timeouts.
    const loud = this.rng.chance(0.5);
    const others = this.members.filter((m) => m !== member).map((m) => m.id);
    this.network.dropLinksOf(member.id, others, loud);
  }

  private failPending(member: Member): void {
    member.pendingWrites.clear(); // outcome unknown: the write keeps ret undefined
  }

  // ---- actions: this member's PeerEnvironment ----

  private environment(member: Member): PeerEnvironment {
    return {
      now: () => this.now,
      sendNotification: (to, notification) => this.network.sendNotification(member.id, to, notification),
      sendPacket: (to, packet) => this.network.sendPacket(member.id, to, packet),
      connectToLeader: (leader) => this.network.connect(member.id, leader),
      closeLink: (peer) => this.network.closeLink(member.id, peer),
      sendSnapshot: (to, zxid) => {
        const data = member.store.snapshotAt(zxid);
        if (data !== null) this.network.sendPacket(member.id, to, quorumPacket(QuorumPacketType.SNAP, zxid, data));
        // One packet is written at once; a real link reports the end of a streamed snapshot the same way.
        member.executor?.snapshotSent(to);
      },
      persist: (action) => this.enqueueDisk(member, action),
      commit: (zxid) => this.applyUpTo(member, zxid),
      serving: (epoch) => this.serving(member, epoch),
      stateChanged: (state, leader, reason) => {
        if (state === 'looking') this.elections++;
        member.serving = false;
        this.failPending(member);
        this.note(`state ${member.id} -> ${state}${leader !== null ? ` (leader ${leader})` : ''}${reason ? `: ${reason}` : ''}`);
      },
      // The simulated membership is static; sessions and syncs are not simulated.
      configActivated: () => undefined,
      leaderReceivedRequest: (_from, data) => void member.executor?.propose(data),
      learnerPing: () => undefined,
      revalidateSession: () => undefined,
      sessionRevalidated: () => undefined,
      syncDone: () => undefined,
      scheduleTick: (deadline) => this.scheduleTick(member, deadline),
    };
  }

  private serving(member: Member, epoch: bigint): void {
    member.serving = true;
    if (member.peer?.state === 'leading') {
      const key = epoch.toString();
      const existing = this.epochLeaders.get(key);
      if (existing !== undefined && existing !== member.id) {
        this.violation(`two leaders established epoch ${key}: ${existing} and ${member.id}`);
      }
      this.epochLeaders.set(key, member.id);
    }
    this.note(`serving ${member.id} epoch ${epoch} as ${member.peer?.state}`);
  }

  private enqueueDisk(member: Member, action: DiskAction): void {
    // Group commit: a write completes with the fsync that follows it, never before an earlier write.
    member.store.write(action, this.now + this.rng.int(0, this.diskMaxMs));
    const doneAt = member.store.busyUntil;
    // Crashes are most revealing while a write is still in flight: the member may already have told others.
    const risky = action.kind === 'logTxns' ? this.inFlightCrashRate : this.inFlightCrashRate * 20;
    if (!this.healed && this.rng.chance(risky)) {
      this.queue.push(this.rng.int(this.now, doneAt), { kind: 'crash', member: member.id, incarnation: member.incarnation });
    }
    this.queue.push(doneAt, { kind: 'disk', member: member.id, incarnation: member.incarnation });
  }

  private completeDisk(member: Member): void {
    const ticket = member.store.completeDue(this.now);
    if (ticket >= 0) member.executor?.diskDone(ticket);
  }

  private applyUpTo(member: Member, zxid: bigint): void {
    const fresh = member.store.applyThrough(zxid);
    if (fresh === null) return;
    const firstIndex = member.store.applied.length - fresh.length;
    fresh.forEach((entry, i) => {
      const pending = member.pendingWrites.get(entry.data);
      if (pending !== undefined) {
        member.pendingWrites.delete(entry.data);
        pending.ret = this.now;
        pending.index = firstIndex + i;
      }
    });
    // Occasionally persist a snapshot of the applied state and drop the log it covers (like a purge).
    if (this.rng.chance(0.05) && member.store.applied.length > 0) member.store.takeSnapshot(this.rng.chance(0.5));
  }

  private checkApplied(id: number, entry: Applied, index: number): void {
    const problem = this.history.check(id, entry, index);
    if (problem !== null) this.violation(problem);
  }

  // ---- events ----

  private member(id: number): Member {
    return this.members[id - 1]!;
  }

  private handle(event: Event): void {
    switch (event.kind) {
      case 'notification': {
        const member = this.member(event.to);
        if (!member.alive || member.executor === null || !this.network.reachable(event.from, event.to)) return;
        member.executor.receiveNotification(event.from, event.notification);
        return;
      }
      case 'packet': {
        const member = this.member(event.to);
        if (!this.network.isOpen(event.from, event.to, event.link)) return;
        if (!member.alive || member.executor === null) return;
        this.note(`${event.from}->${event.to} ${quorumPacketTypeName(event.packet.type)} ${zxidHex(event.packet.zxid)}`);
        member.executor.receivePacket(event.from, event.packet);
        return;
      }
      case 'linkClosed': {
        const member = this.member(event.at);
        if (!member.alive || member.executor === null || member.incarnation !== event.incarnation) return;
        member.executor.linkClosed(event.peer);
        return;
      }
      case 'disk': {
        const member = this.member(event.member);
        if (!member.alive || member.incarnation !== event.incarnation) return;
        this.completeDisk(member);
        return;
      }
      case 'tick': {
        const member = this.member(event.member);
        if (!member.alive || member.executor === null || event.token !== member.tickToken) return;
        member.scheduledTickAt = Infinity;
        member.executor.tick();
        return;
      }
      case 'client':
        // The last seconds are quiet so that followers catch up before the convergence check.
        if (this.now > this.quietAfter) return;
        if (this.clientsActive) this.clientWrite();
        this.queue.push(this.now + this.rng.int(1, this.writeEveryMs), { kind: 'client' });
        return;
      case 'fault':
        this.injectFault();
        this.queue.push(this.now + this.rng.int(Math.floor(this.faultEveryMs / 2), this.faultEveryMs * 2), { kind: 'fault' });
        return;
      case 'restart': {
        const member = this.member(event.member);
        if (!member.alive) this.startMember(member);
        return;
      }
      case 'crash': {
        const member = this.member(event.member);
        if (!member.alive || member.incarnation !== event.incarnation || this.healed) return;
        this.crash(member);
        this.queue.push(this.now + this.rng.int(50, 2000), { kind: 'restart', member: member.id });
        return;
      }
    }
  }

  private scheduleTick(member: Member, deadline: number | null): void {
    if (!member.alive || member.peer === null || deadline === null) return;
    const at = Math.max(deadline, this.now);
    if (at === member.scheduledTickAt) return;
    member.tickToken++;
    member.scheduledTickAt = at;
    this.queue.push(at, { kind: 'tick', member: member.id, token: member.tickToken });
  }

  private clientWrite(): void {
    const member = this.rng.pick(this.members);
    if (!member.alive || member.peer === null || member.executor === null || !member.serving) return;
    const client = this.rng.int(1, 5);
    const payload = `c${client}-w${this.nextPayload++}`;
    const write: ClientWrite = { client, payload, call: this.now, ret: undefined, index: undefined };
    const data = Buffer.from(payload, 'utf8');
    // Proposing or forwarding never commits at once (the leader's own ACK waits for its disk), so the write is
    // recorded once it was taken.
    const taken = member.peer.state === 'leading' ? member.executor.propose(data) !== null : member.executor.forwardRequest(data);
    if (!taken) return;
    this.writes.push(write);
    member.pendingWrites.set(payload, write);
  }

  private injectFault(): void {
    if (this.healed) {
      this.clientsActive = true;
      return;
    }
    if (this.rng.chance(0.3)) this.clientsActive = !this.clientsActive;
    const roll = this.rng.next();
    const alive = this.members.filter((m) => m.alive);
    if (roll < 0.35) {
      const victim = this.rng.pick(this.members);
      if (victim.alive) {
        this.crash(victim);
        this.queue.push(this.now + this.rng.int(50, 3000), { kind: 'restart', member: victim.id });
      }
    } else if (roll < 0.55) {
      // Partition: cut one member (often the leader, which then keeps logging proposals nobody else has) off from
      // a random subset of the others.
      const leader = alive.find((m) => m.peer?.state === 'leading');
      const isolated = leader !== undefined && this.rng.chance(0.5) ? leader.id : this.rng.pick(this.members).id;
      const fully = this.rng.chance(0.5);
      for (const other of this.members) {
        if (other.id !== isolated && (fully || this.rng.chance(0.7))) {
          this.network.partition(isolated, other.id);
        }
      }
      this.note(`partition ${isolated} from some`);
    } else if (roll < 0.75) {
      this.network.healPartitions();
      this.note('partitions healed');
    } else if (roll < 0.85 && alive.length > 0) {
      // Kill the leader specifically: the interesting case.
      const leader = alive.find((m) => m.peer?.state === 'leading');
      if (leader !== undefined) {
        this.crash(leader);
        this.queue.push(this.now + this.rng.int(50, 2000), { kind: 'restart', member: leader.id });
      }
    } else {
      const a = this.rng.pick(this.members).id;
      const b = this.rng.pick(this.members).id;
      if (a !== b) this.network.breakLink(a, b);
    }
  }

  private heal(): void {
    this.healed = true;
    this.network.healPartitions();
    this.note('--- healed ---');
    for (const member of this.members) {
      if (!member.alive) this.queue.push(this.now, { kind: 'restart', member: member.id });
    }
  }

  /** After healing, every member must serve and hold every acknowledged write. */
  private checkConverged(): void {
    const acked = this.writes.filter((w) => w.ret !== undefined);
    for (const write of acked) {
      const entry = this.committed[write.index!];
      if (entry === undefined || entry.data !== write.payload) {
        this.violation(`acknowledged write ${write.payload} is not at #${write.index} of the committed history`);
        return;
      }
    }
    const lastAcked = Math.max(-1, ...acked.map((w) => w.index!));
    for (const member of this.members) {
      if (!member.alive) continue;
      if (!member.serving) {
        this.violation(`member ${member.id} is not serving ${this.options.healedMs ?? 20_000} ms after healing (${member.peer?.state})`);
        return;
      }
      if (member.store.applied.length <= lastAcked) {
        this.violation(`member ${member.id} has applied ${member.store.applied.length} txns, missing acknowledged #${lastAcked}`);
        return;
      }
    }
    const healedWrites = acked.filter((w) => w.call >= (this.options.faultyMs ?? 20_000));
    if (healedWrites.length === 0) this.violation('no write was acknowledged after healing');
  }

  private violation(message: string): void {
    this.violations.push(`t=${this.now}: ${message}`);
  }

  private note(line: string): void {
    this.trace.push(`${this.now} ${line}`);
    if (this.trace.length > 400) this.trace.splice(0, 200);
    if (this.options.verbose) console.log(`${this.now} ${line}`);
  }
}

export function runSimulation(options: SimOptions): SimResult {
  return new Simulation(options).run();
}

export function replayCommand(seed: number): string {
  return `npm run sim -- --seed ${seed}`;
}

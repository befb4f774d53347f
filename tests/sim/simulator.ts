// A deterministic simulator of a Paddock ensemble: N QuorumPeer state machines, a fake clock, an election network
// that drops, delays, reorders and duplicates, quorum links with TCP semantics (FIFO until they break), partitions,
// crash/restart with only durable state surviving (and a possibly torn last write), and clients writing to random
// members. Safety invariants are checked after every event; a run is a pure function of its seed.
import { QuorumPeer, type DurableState, type PeerAction, type Txn, type Notification, zxidHex } from '../../node-core/consensus/index.js';
import { QuorumPacketType, type QuorumPacket } from '../../node-core/protocol/quorumPackets.js';
import { Prng } from './prng.js';

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

interface Applied {
  zxid: bigint;
  data: string;
}

interface DiskOp {
  ticket: number;
  action: Extract<PeerAction, { ticket: number }>;
  doneAt: number;
}

interface Member {
  id: number;
  alive: boolean;
  incarnation: number;
  peer: QuorumPeer | null;
  // durable
  acceptedEpoch: bigint;
  currentEpoch: bigint;
  durableLog: Txn[];
  snapshot: { zxid: bigint; entries: Applied[] };
  // volatile
  logView: Txn[];
  applied: Applied[];
  diskQueue: DiskOp[];
  diskBusyUntil: number;
  serving: boolean;
  pendingWrites: Map<string, ClientWrite>;
  tickToken: number;
  scheduledTickAt: number;
  lastState: string;
}

type Event =
  | { kind: 'notification'; from: number; to: number; notification: Notification }
  | { kind: 'packet'; from: number; to: number; link: number; packet: QuorumPacket }
  | { kind: 'linkClosed'; at: number; peer: number; incarnation: number }
  | { kind: 'disk'; member: number; incarnation: number }
  | { kind: 'tick'; member: number; token: number }
  | { kind: 'client' }
  | { kind: 'fault' }
  | { kind: 'restart'; member: number }
  | { kind: 'crash'; member: number; incarnation: number };

interface Scheduled {
  at: number;
  seq: number;
  event: Event;
}

class EventQueue {
  private readonly heap: Scheduled[] = [];
  private seq = 0;

  push(at: number, event: Event): void {
    const item = { at, seq: this.seq++, event };
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  pop(): Scheduled | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && this.less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }

  private less(a: Scheduled, b: Scheduled): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
}

const tickTime = 100;

function encodeSnapshot(entries: readonly Applied[]): Buffer {
  return Buffer.from(JSON.stringify(entries.map((e) => [e.zxid.toString(), e.data])), 'utf8');
}

function decodeSnapshot(bytes: Buffer): Applied[] {
  const raw = JSON.parse(bytes.toString('utf8')) as [string, string][];
  return raw.map(([zxid, data]) => ({ zxid: BigInt(zxid), data }));
}

export class Simulation {
  private readonly rng: Prng;
  private readonly queue = new EventQueue();
  private readonly members: Member[] = [];
  private readonly voterIds: number[];
  private readonly observerIds: number[];
  private now = 0;
  private readonly violations: string[] = [];
  private readonly trace: string[] = [];
  private events = 0;
  private elections = 0;
  private crashes = 0;
  /** The one committed history every member's applied state must be a prefix of. */
  private readonly committed: Applied[] = [];
  private readonly epochLeaders = new Map<string, number>();
  private readonly writes: ClientWrite[] = [];
  private nextPayload = 0;
  private healed = false;
  private quietAfter = Infinity;
  /** Clients pause now and then, so that leaders are sometimes idle when members rejoin (TRUNC, empty DIFF). */
  private clientsActive = true;
  // links: key "a-b" (a<b) -> current link id, or absent when closed
  private readonly links = new Map<string, number>();
  private nextLink = 1;
  private readonly lastDelivery = new Map<string, number>();
  private readonly partitioned = new Set<string>();
  // fault parameters, drawn per seed
  private readonly dropRate: number;
  private readonly dupRate: number;
  private readonly maxDelay: number;
  private readonly linkBreakRate: number;
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
    this.dropRate = this.rng.next() * 0.1;
    this.dupRate = this.rng.next() * 0.05;
    this.maxDelay = this.rng.int(2, 40);
    this.linkBreakRate = this.rng.next() * 0.004;
    this.faultEveryMs = this.rng.int(300, 3000);
    this.writeEveryMs = this.rng.int(10, 80);
    this.diskMaxMs = this.rng.pick([1, 5, 15, 50]);
    this.inFlightCrashRate = this.rng.pick([0, 0.001, 0.003]);
    for (const id of [...this.voterIds, ...this.observerIds]) {
      this.members.push({
        id,
        alive: false,
        incarnation: 0,
        peer: null,
        acceptedEpoch: 0n,
        currentEpoch: 0n,
        durableLog: [],
        snapshot: { zxid: 0n, entries: [] },
        logView: [],
        applied: [],
        diskQueue: [],
        diskBusyUntil: 0,
        serving: false,
        pendingWrites: new Map(),
        tickToken: 0,
        scheduledTickAt: Infinity,
        lastState: '',
      });
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
    member.alive = true;
    member.incarnation++;
    member.applied = member.snapshot.entries.slice();
    member.logView = member.durableLog.slice();
    member.diskQueue = [];
    member.diskBusyUntil = this.now;
    member.serving = false;
    member.pendingWrites = new Map();
    member.peer = new QuorumPeer({
      myId: member.id,
      voters: this.voterIds,
      observers: this.observerIds,
      tickTime,
      initLimit: 10,
      syncLimit: 5,
      committedLogSize: this.options.committedLogSize ?? this.rng.pick([3, 20, 500]),
      connectRetryMs: 100,
      log: (message) => this.note(`  ${message}`),
    });
    const durable: DurableState = {
      acceptedEpoch: member.acceptedEpoch,
      currentEpoch: member.currentEpoch,
      appliedZxid: member.snapshot.zxid,
      logTail: member.durableLog.filter((t) => t.zxid > member.snapshot.zxid),
    };
    this.note(`start ${member.id} (incarnation ${member.incarnation}) accepted=${durable.acceptedEpoch} current=${durable.currentEpoch} applied=${zxidHex(durable.appliedZxid)} log=${durable.logTail.length}`);
    this.perform(member, member.peer.start(this.now, durable));
  }

  private crash(member: Member): void {
    this.crashes++;
    member.alive = false;
    member.peer = null;
    member.serving = false;
    this.failPending(member);
    // The first unfinished write may have reached the disk in part: a prefix of its entries survives.
    const first = member.diskQueue[0];
    if (first !== undefined && first.action.kind === 'logTxns' && this.rng.chance(0.5)) {
      const keep = this.rng.int(0, first.action.txns.length);
      member.durableLog.push(...first.action.txns.slice(0, keep));
      this.note(`crash ${member.id}: torn write kept ${keep}/${first.action.txns.length}`);
    } else {
      this.note(`crash ${member.id}`);
    }
    member.diskQueue = [];
    // Links of a dead member break; its peers may hear at once or only through their timeouts.
    const loud = this.rng.chance(0.5);
    for (const other of this.members) {
      if (other === member) continue;
      const key = this.linkKey(member.id, other.id);
      if (this.links.has(key)) {
        this.links.delete(key);
        if (loud) this.notifyClosed(other.id, member.id);
      }
    }
  }

  private failPending(member: Member): void {
    member.pendingWrites.clear(); // outcome unknown: the write keeps ret undefined
  }

  // ---- actions ----

  private perform(member: Member, actions: PeerAction[]): void {
    for (const action of actions) {
      if (!member.alive) return;
      this.performOne(member, action);
    }
    this.scheduleTick(member);
  }

  private performOne(member: Member, action: PeerAction): void {
    switch (action.kind) {
      case 'sendNotification':
        this.sendNotification(member.id, action.to, action.notification);
        return;
      case 'sendPacket':
        this.sendPacket(member.id, action.to, action.packet);
        return;
      case 'sendSnapshot': {
        const appliedZxid = member.applied.length > 0 ? member.applied[member.applied.length - 1]!.zxid : 0n;
        if (appliedZxid !== action.zxid) {
          this.violation(`member ${member.id} asked to snapshot at ${zxidHex(action.zxid)} but applied ${zxidHex(appliedZxid)}`);
          return;
        }
        this.sendPacket(member.id, action.to, {
          type: QuorumPacketType.SNAP,
          zxid: action.zxid,
          data: encodeSnapshot(member.applied),
          authinfo: [],
        });
        return;
      }
      case 'connectToLeader':
        this.connect(member.id, action.leader);
        return;
      case 'closeLink':
        this.closeLink(member.id, action.peer);
        return;
      case 'persistAcceptedEpoch':
      case 'persistCurrentEpoch':
      case 'logTxns':
      case 'truncateLog':
      case 'installSnapshot':
        this.enqueueDisk(member, action);
        return;
      case 'commit':
        this.applyUpTo(member, action.zxid);
        return;
      case 'serving':
        member.serving = true;
        if (member.peer?.state === 'leading') {
          const key = action.epoch.toString();
          const existing = this.epochLeaders.get(key);
          if (existing !== undefined && existing !== member.id) {
            this.violation(`two leaders established epoch ${key}: ${existing} and ${member.id}`);
          }
          this.epochLeaders.set(key, member.id);
        }
        this.note(`serving ${member.id} epoch ${action.epoch} as ${member.peer?.state}`);
        return;
      case 'state':
        if (action.state === 'looking') this.elections++;
        member.serving = false;
        this.failPending(member);
        this.note(`state ${member.id} -> ${action.state}${action.leader !== null ? ` (leader ${action.leader})` : ''}${action.reason ? `: ${action.reason}` : ''}`);
        return;
      case 'leaderReceivedRequest': {
        const result = member.peer!.propose(action.data, undefined, this.now);
        this.perform(member, result.actions);
        return;
      }
      case 'learnerPing':
      case 'syncDone':
        return;
    }
  }

  private enqueueDisk(member: Member, action: DiskOp['action']): void {
    // The volatile view changes now; the durable one when the (FIFO) write completes.
    switch (action.kind) {
      case 'logTxns':
        member.logView.push(...action.txns);
        break;
      case 'truncateLog':
        member.logView = member.logView.filter((t) => t.zxid <= action.zxid);
        if (member.applied.length > 0 && member.applied[member.applied.length - 1]!.zxid > action.zxid) {
          this.violation(`member ${member.id} truncates to ${zxidHex(action.zxid)} below its applied state`);
        }
        break;
      case 'installSnapshot': {
        const entries = decodeSnapshot(action.snapshot);
        member.applied = [];
        for (const entry of entries) this.recordApplied(member, entry);
        member.logView = action.txns.slice();
        break;
      }
      default:
        break;
    }
    // Group commit: a write completes with the fsync that follows it, never before an earlier write.
    const doneAt = Math.max(member.diskBusyUntil, this.now + this.rng.int(0, this.diskMaxMs));
    member.diskBusyUntil = doneAt;
    member.diskQueue.push({ ticket: action.ticket, action, doneAt });
    // Crashes are most revealing while a write is still in flight: the member may already have told others.
    const risky = action.kind === 'logTxns' ? this.inFlightCrashRate : this.inFlightCrashRate * 20;
    if (!this.healed && this.rng.chance(risky)) {
      this.queue.push(this.rng.int(this.now, doneAt), { kind: 'crash', member: member.id, incarnation: member.incarnation });
    }
    this.queue.push(doneAt, { kind: 'disk', member: member.id, incarnation: member.incarnation });
  }

  private completeDisk(member: Member): void {
    let ticket = -1;
    while (member.diskQueue.length > 0 && member.diskQueue[0]!.doneAt <= this.now) {
      const op = member.diskQueue.shift()!;
      const action = op.action;
      switch (action.kind) {
        case 'persistAcceptedEpoch':
          member.acceptedEpoch = action.epoch;
          break;
        case 'persistCurrentEpoch':
          member.currentEpoch = action.epoch;
          break;
        case 'logTxns':
          member.durableLog.push(...action.txns);
          break;
        case 'truncateLog':
          member.durableLog = member.durableLog.filter((t) => t.zxid <= action.zxid);
          break;
        case 'installSnapshot':
          member.snapshot = { zxid: action.zxid, entries: decodeSnapshot(action.snapshot) };
          member.durableLog = action.txns.slice();
          break;
      }
      ticket = op.ticket;
    }
    if (ticket >= 0 && member.peer !== null) this.perform(member, member.peer.diskDone(ticket, this.now));
  }

  private applyUpTo(member: Member, zxid: bigint): void {
    const lastApplied = member.applied.length > 0 ? member.applied[member.applied.length - 1]!.zxid : 0n;
    const logLast = member.logView.length > 0 ? member.logView[member.logView.length - 1]!.zxid : member.snapshot.zxid;
    if (zxid > logLast && zxid > lastApplied) {
      this.violation(`member ${member.id} told to commit ${zxidHex(zxid)} beyond its log end ${zxidHex(logLast)}`);
      return;
    }
    for (const txn of member.logView) {
      if (txn.zxid <= lastApplied || txn.zxid > zxid) continue;
      const entry = { zxid: txn.zxid, data: txn.data.toString('utf8') };
      this.recordApplied(member, entry);
      const pending = member.pendingWrites.get(entry.data);
      if (pending !== undefined) {
        member.pendingWrites.delete(entry.data);
        pending.ret = this.now;
        pending.index = member.applied.length - 1;
      }
    }
    // Occasionally persist a snapshot of the applied state and drop the log it covers (like a purge).
    if (this.rng.chance(0.05) && member.applied.length > 0) {
      const last = member.applied[member.applied.length - 1]!;
      member.snapshot = { zxid: last.zxid, entries: member.applied.slice() };
      if (this.rng.chance(0.5)) member.durableLog = member.durableLog.filter((t) => t.zxid > last.zxid);
    }
  }

  /** Invariants: applied zxids strictly increase, and every member's applied state is a prefix of one history. */
  private recordApplied(member: Member, entry: Applied): void {
    const index = member.applied.length;
    const previous = member.applied[index - 1];
    if (previous !== undefined && entry.zxid <= previous.zxid) {
      this.violation(`member ${member.id} applied ${zxidHex(entry.zxid)} after ${zxidHex(previous.zxid)}`);
    }
    member.applied.push(entry);
    if (index < this.committed.length) {
      const expected = this.committed[index]!;
      if (expected.zxid !== entry.zxid || expected.data !== entry.data) {
        this.violation(
          `member ${member.id} applied #${index} ${zxidHex(entry.zxid)} "${entry.data}" but the committed history has ` +
            `${zxidHex(expected.zxid)} "${expected.data}"`,
        );
      }
    } else {
      this.committed.push(entry);
    }
  }

  // ---- network ----

  private linkKey(a: number, b: number): string {
    return a < b ? `${a}-${b}` : `${b}-${a}`;
  }

  private reachable(a: number, b: number): boolean {
    return this.member(a).alive && this.member(b).alive && !this.partitioned.has(this.linkKey(a, b));
  }

  private delay(): number {
    return this.rng.int(0, this.maxDelay);
  }

  private sendNotification(from: number, to: number, notification: Notification): void {
    if (!this.reachable(from, to) || this.rng.chance(this.healed ? 0 : this.dropRate)) return;
    this.queue.push(this.now + this.delay(), { kind: 'notification', from, to, notification });
    if (!this.healed && this.rng.chance(this.dupRate)) {
      this.queue.push(this.now + this.delay(), { kind: 'notification', from, to, notification });
    }
  }

  private connect(from: number, to: number): void {
    const key = this.linkKey(from, to);
    if (this.links.has(key)) {
      // The shell contract: a new link first closes the old one, reported to the other side before anything new.
      this.links.delete(key);
      this.queue.push(this.now, { kind: 'linkClosed', at: to, peer: from, incarnation: this.member(to).incarnation });
    }
    if (!this.reachable(from, to)) {
      this.notifyClosed(from, to);
      return;
    }
    this.links.set(key, this.nextLink++);
  }

  private closeLink(from: number, to: number): void {
    const key = this.linkKey(from, to);
    if (!this.links.has(key)) return;
    this.links.delete(key);
    this.notifyClosed(to, from);
  }

  private notifyClosed(at: number, peer: number): void {
    this.queue.push(this.now + this.delay() + 1, { kind: 'linkClosed', at, peer, incarnation: this.member(at).incarnation });
  }

  private breakLink(a: number, b: number): void {
    const key = this.linkKey(a, b);
    if (!this.links.has(key)) return;
    this.links.delete(key);
    this.notifyClosed(a, b);
    this.notifyClosed(b, a);
  }

  private sendPacket(from: number, to: number, packet: QuorumPacket): void {
    const key = this.linkKey(from, to);
    const link = this.links.get(key);
    if (link === undefined) return; // closed; the sender hears of it separately
    if (!this.healed && this.rng.chance(this.linkBreakRate)) {
      this.breakLink(from, to);
      return;
    }
    // TCP: FIFO per direction, whatever the random delay.
    const direction = `${from}>${to}`;
    const at = Math.max(this.now + this.delay(), this.lastDelivery.get(direction) ?? 0);
    this.lastDelivery.set(direction, at);
    this.queue.push(at, { kind: 'packet', from, to, link, packet });
  }

  // ---- events ----

  private member(id: number): Member {
    return this.members[id - 1]!;
  }

  private handle(event: Event): void {
    switch (event.kind) {
      case 'notification': {
        const member = this.member(event.to);
        if (!member.alive || member.peer === null || !this.reachable(event.from, event.to)) return;
        this.perform(member, member.peer.receiveNotification(event.from, event.notification, this.now));
        return;
      }
      case 'packet': {
        const member = this.member(event.to);
        if (this.links.get(this.linkKey(event.from, event.to)) !== event.link) return;
        if (!member.alive || member.peer === null) return;
        this.note(`${event.from}->${event.to} ${QuorumPacketTypeNames[event.packet.type] ?? event.packet.type} ${zxidHex(event.packet.zxid)}`);
        this.perform(member, member.peer.receivePacket(event.from, event.packet, this.now));
        return;
      }
      case 'linkClosed': {
        const member = this.member(event.at);
        if (!member.alive || member.peer === null || member.incarnation !== event.incarnation) return;
        this.perform(member, member.peer.linkClosed(event.peer, this.now));
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
        if (!member.alive || member.peer === null || event.token !== member.tickToken) return;
        member.scheduledTickAt = Infinity;
        this.perform(member, member.peer.tick(this.now));
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

  private scheduleTick(member: Member): void {
    if (!member.alive || member.peer === null) return;
    const deadline = member.peer.nextDeadline();
    if (deadline === null) return;
    const at = Math.max(deadline, this.now);
    if (at === member.scheduledTickAt) return;
    member.tickToken++;
    member.scheduledTickAt = at;
    this.queue.push(at, { kind: 'tick', member: member.id, token: member.tickToken });
  }

  private clientWrite(): void {
    const member = this.rng.pick(this.members);
    if (!member.alive || member.peer === null || !member.serving) return;
    const client = this.rng.int(1, 5);
    const payload = `c${client}-w${this.nextPayload++}`;
    const write: ClientWrite = { client, payload, call: this.now, ret: undefined, index: undefined };
    const data = Buffer.from(payload, 'utf8');
    if (member.peer.state === 'leading') {
      const result = member.peer.propose(data, undefined, this.now);
      if (result.zxid === null) {
        this.perform(member, result.actions);
        return;
      }
      this.writes.push(write);
      member.pendingWrites.set(payload, write);
      this.perform(member, result.actions);
    } else {
      const result = member.peer.forwardRequest(data);
      if (!result.accepted) return;
      this.writes.push(write);
      member.pendingWrites.set(payload, write);
      this.perform(member, result.actions);
    }
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
          this.partitioned.add(this.linkKey(isolated, other.id));
          this.breakLink(isolated, other.id);
        }
      }
      this.note(`partition ${isolated} from some`);
    } else if (roll < 0.75) {
      this.partitioned.clear();
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
      if (a !== b) this.breakLink(a, b);
    }
  }

  private heal(): void {
    this.healed = true;
    this.partitioned.clear();
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
      if (member.applied.length <= lastAcked) {
        this.violation(`member ${member.id} has applied ${member.applied.length} txns, missing acknowledged #${lastAcked}`);
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

const QuorumPacketTypeNames: Record<number, string> = Object.fromEntries(
  Object.entries(QuorumPacketType).map(([name, value]) => [value, name]),
);

export function runSimulation(options: SimOptions): SimResult {
  return new Simulation(options).run();
}

export function replayCommand(seed: number): string {
  return `npm run sim -- --seed ${seed}`;
}

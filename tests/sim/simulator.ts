// A deterministic simulator of a Paddock ensemble: N QuorumPeer state machines, a fake clock, an election network
// that drops, delays, reorders and duplicates, quorum links with TCP semantics (FIFO until they break), partitions,
// crash/restart with only durable state surviving (and a possibly torn last write), reconfigs that change members'
// roles (SimReconfig), and clients with sessions sending
// real requests to random members. The leader prepares them with the production RequestPreparer and every member
// applies the committed txns to its own DataTree with applyTxn. Safety invariants are checked after every event; a
// run is a pure function of its seed (and the fault regime drawn from it).
import { type DiskAction, type PeerEnvironment, zxidHex } from '../../node-core/consensus/index.js';
import { QuorumPacketType, quorumPacket, quorumPacketTypeName } from '../../node-core/protocol/quorumPackets.js';
import { configChangeOfEntry } from '../../node-core/txn/reconfigTxn.js';
import { CommittedHistory, type Applied } from './fakeStore.js';
import { convergenceProblem, convergenceStage } from './convergence.js';
import { EventQueue } from './eventQueue.js';
import { drawFaultOptions, reconfigRunSalt, type FaultOptions } from './faultOptions.js';
import type { Operation } from './linearizability.js';
import type { ZnodeInput, ZnodeOutput } from './linearizabilityModels.js';
import { Prng } from './prng.js';
import { SimNetwork, type NetworkEvent } from './simNetwork.js';
import { SimReconfig } from './simReconfig.js';
import { TraceRing } from './traceRing.js';
import { ServingMember as Member, SimRequestPath } from './simRequestPath.js';

export interface SimOptions {
  seed: number;
  /** Pins parts of the fault regime; the rest is drawn from the seed. */
  faults?: Partial<FaultOptions>;
  /** Virtual milliseconds with faults (default 20 s). */
  faultyMs?: number;
  /**
   * The most the healed ensemble may take to converge (default 20 s): every member serving, a request acknowledged
   * after the heal, every acknowledged write applied everywhere. The run ends as soon as that holds.
   */
  healedMs?: number;
  /** Record a line per event (slow); failures always report the tail of the trace. */
  verbose?: boolean;
  /** A run that needs more events than this is reported as a runaway (default 2,000,000). */
  maxEvents?: number;
}

export interface SimResult {
  seed: number;
  faults: FaultOptions;
  ok: boolean;
  violations: string[];
  events: number;
  committed: number;
  acked: number;
  elections: number;
  crashes: number;
  /** Learners synchronised by each kind of sync the leader chose. */
  syncs: { diff: number; trunc: number; snap: number };
  /** Virtual milliseconds from the heal until the ensemble had converged (or the bound, when it did not). */
  convergedAfterMs: number;
  /** Client operations on persistent znodes, for the linearizability check against the znode register model. */
  history: Operation<ZnodeInput, ZnodeOutput>[];
  trace: string[];
}

type Event =
  | NetworkEvent
  | { kind: 'disk'; member: number; incarnation: number }
  | { kind: 'tick'; member: number; token: number }
  | { kind: 'client' }
  | { kind: 'fault' }
  | { kind: 'reconfig' }
  | { kind: 'restart'; member: number }
  | { kind: 'crash'; member: number; incarnation: number };

type PacketEvent = Extract<NetworkEvent, { kind: 'packet' }>;

const tickTime = 100;
/** How often, in virtual time, a healed run checks whether it has converged. */
const settleCheckMs = 100;

function describeDelivery(event: PacketEvent): string {
  return `${event.from}->${event.to} ${quorumPacketTypeName(event.packet.type)} ${zxidHex(event.packet.zxid)}`;
}

export class Simulation {
  private readonly rng: Prng;
  private readonly queue = new EventQueue<Event>();
  private readonly network: SimNetwork;
  private readonly members: Member[] = [];
  private readonly reconfig: SimReconfig;
  private now = 0;
  private readonly violations: string[] = [];
  private readonly trace = new TraceRing<PacketEvent>(200, describeDelivery);
  private events = 0;
  private elections = 0;
  private crashes = 0;
  private readonly syncs = { diff: 0, trunc: 0, snap: 0 };
  private readonly history = new CommittedHistory();
  /** The one committed history every member's applied state must be a prefix of. */
  private readonly committed: Applied[] = this.history.entries;
  private readonly epochLeaders = new Map<string, number>();
  private readonly requests: SimRequestPath;
  private healed = false;
  /** Once the healed ensemble serves and has acknowledged a request, clients stop so that every member can catch up. */
  private quiet = false;
  /** Clients pause now and then, so that leaders are sometimes idle when members rejoin (TRUNC, empty DIFF). */
  private clientsActive = true;
  readonly faults: FaultOptions;

  constructor(private readonly options: SimOptions) {
    this.rng = new Prng(options.seed);
    const faults = drawFaultOptions(this.rng, options.faults);
    this.faults = faults;
    const voterIds = Array.from({ length: faults.voters }, (_, i) => i + 1);
    const observerIds = Array.from({ length: faults.observers }, (_, i) => faults.voters + i + 1);
    const ids = [...voterIds, ...observerIds];
    this.reconfig = new SimReconfig(this.rng.derive(reconfigRunSalt), ids, voterIds, observerIds);
    this.network = new SimNetwork(
      {
        rng: this.rng,
        now: () => this.now,
        healed: () => this.healed,
        schedule: (at, event) => this.queue.push(at, event),
        isAlive: (id) => this.member(id).alive,
        incarnationOf: (id) => this.member(id).incarnation,
      },
      { dropRate: faults.dropRate, dupRate: faults.duplicateRate, maxDelay: faults.maxDelayMs, linkBreakRate: faults.linkBreakRate },
    );
    for (const id of ids) {
      this.members.push(
        new Member(id, {
          applied: (entry, index) => this.checkApplied(id, entry, index),
          violation: (message) => this.violation(message),
        }),
      );
    }
    this.requests = new SimRequestPath(
      {
        rng: this.rng,
        faults,
        tickTime,
        now: () => this.now,
        note: (line) => this.note(line),
        violation: (message) => this.violation(message),
      },
      this.members,
      this.reconfig.initialConfig,
    );
  }

  run(): SimResult {
    const faultyMs = this.options.faultyMs ?? 20_000;
    const healedMs = this.options.healedMs ?? 20_000;
    for (const member of this.members) this.startMember(member);
    this.queue.push(this.rng.int(0, this.faults.clientEveryMs), { kind: 'client' });
    this.queue.push(this.faults.faultEveryMs, { kind: 'fault' });
    if (this.faults.reconfigEveryMs > 0) this.queue.push(this.reconfig.nextGap(this.faults.reconfigEveryMs), { kind: 'reconfig' });
    const end = faultyMs + healedMs;
    let nextSettleCheck = faultyMs;
    let convergedAt = end;
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
      if (this.healed && this.now >= nextSettleCheck) {
        nextSettleCheck = this.now + settleCheckMs;
        const stage = convergenceStage(this.members, this.requests, faultyMs);
        if (stage === 'quiet') this.quiet = true;
        if (stage === 'converged') {
          convergedAt = this.now;
          break;
        }
      }
    }
    if (this.violations.length === 0) {
      const problem = convergenceProblem(this.members, this.requests, faultyMs, healedMs);
      if (problem !== null) this.violation(problem);
    }
    return {
      seed: this.options.seed,
      faults: this.faults,
      ok: this.violations.length === 0,
      violations: this.violations,
      events: this.events,
      committed: this.committed.length,
      acked: this.requests.acknowledgedCount,
      elections: this.elections,
      crashes: this.crashes,
      syncs: this.syncs,
      convergedAfterMs: convergedAt - faultyMs,
      history: this.requests.history(),
      trace: this.trace.lines(),
    };
  }

  // ---- members ----

  private startMember(member: Member): void {
    // A member restarts with the membership it last put in force, as ZooKeeper does from its dynamic config file.
    const membership = this.reconfig.membershipOf(member.id);
    const config = {
      myId: member.id,
      voters: membership.voters,
      observers: membership.observers,
      configData: membership.configData,
      configChangeOf: configChangeOfEntry,
      tickTime,
      initLimit: 10,
      syncLimit: 5,
      committedLogSize: this.faults.committedLogSize,
      connectRetryMs: 100,
      log: (message: string) => this.note(`  ${message}`),
    };
    const durable = member.boot(this.now, config, this.environment(member));
    this.requests.started(member);
    this.note(`start ${member.id} (incarnation ${member.incarnation}) accepted=${durable.acceptedEpoch} current=${durable.currentEpoch} applied=${zxidHex(durable.appliedZxid)} log=${durable.logTail.length}`);
    member.executor!.start(durable);
  }

  private crash(member: Member): void {
    this.crashes++;
    member.serving = false;
    this.requests.connectionsLost(member);
    // The first unfinished write may have reached the disk in part: a prefix of its entries survives.
    const torn = member.store.tearableWrite;
    let kept = 0;
    if (torn !== null && this.rng.chance(this.faults.tornTailRate)) {
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
        this.requests.connectionsLost(member);
        this.note(`state ${member.id} -> ${state}${leader !== null ? ` (leader ${leader})` : ''}${reason ? `: ${reason}` : ''}`);
      },
      configActivated: (change) => {
        this.reconfig.activate(member.id, change);
        this.note(`config ${member.id}: voters=${change.voters.join(',')} observers=${change.observers.join(',') || '-'} version=${zxidHex(change.version)}`);
      },
      // Session revalidation and syncs are not simulated.
      leaderReceivedRequest: (from, data, authInfo) => this.requests.forwarded(member, from, data, authInfo),
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
    this.requests.serving(member, epoch, member.peer?.state === 'leading');
    this.note(`serving ${member.id} epoch ${epoch} as ${member.peer?.state}`);
  }

  private enqueueDisk(member: Member, action: DiskAction): void {
    // Group commit: a write completes with the fsync that follows it, never before an earlier write.
    member.store.write(action, this.now + this.rng.int(0, this.faults.diskMaxMs));
    // A SNAP replaces the applied state at once.
    if (action.kind === 'installSnapshot') this.requests.followStore(member);
    const doneAt = member.store.busyUntil;
    // Crashes are most revealing while a write is still in flight: the member may already have told others.
    const risky = action.kind === 'logTxns' ? this.faults.inFlightCrashRate : this.faults.inFlightCrashRate * 20;
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
    this.requests.committed(member);
    // Occasionally persist a snapshot of the applied state and drop the log it covers (like a purge).
    if (this.rng.chance(this.faults.snapshotRate) && member.store.applied.length > 0) member.store.takeSnapshot(this.rng.chance(0.5));
  }

  private checkApplied(id: number, entry: Applied, index: number): void {
    const before = this.committed.length;
    const problem = this.history.check(id, entry, index);
    if (problem !== null) this.violation(problem);
    if (this.committed.length > before) this.requests.newlyCommitted(entry);
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
        this.note(event);
        this.countSync(event.packet.type);
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
        if (this.quiet) return;
        if (this.clientsActive) this.requests.clientStep();
        this.queue.push(this.now + this.rng.int(1, this.faults.clientEveryMs), { kind: 'client' });
        return;
      case 'fault':
        this.injectFault();
        this.queue.push(this.now + this.rng.int(Math.floor(this.faults.faultEveryMs / 2), this.faults.faultEveryMs * 2), { kind: 'fault' });
        return;
      case 'reconfig':
        if (this.healed) return;
        this.requests.requestReconfig(this.reconfig.nextMembers());
        this.queue.push(this.now + this.reconfig.nextGap(this.faults.reconfigEveryMs), { kind: 'reconfig' });
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
        this.scheduleRestart(member);
        return;
      }
    }
  }

  private countSync(type: number): void {
    if (type === QuorumPacketType.DIFF) this.syncs.diff++;
    else if (type === QuorumPacketType.TRUNC) this.syncs.trunc++;
    else if (type === QuorumPacketType.SNAP) this.syncs.snap++;
  }

  private scheduleTick(member: Member, deadline: number | null): void {
    if (!member.alive || member.peer === null || deadline === null) return;
    const at = Math.max(deadline, this.now);
    if (at === member.scheduledTickAt) return;
    member.tickToken++;
    member.scheduledTickAt = at;
    this.queue.push(at, { kind: 'tick', member: member.id, token: member.tickToken });
  }

  private injectFault(): void {
    if (this.healed) return;
    if (this.rng.chance(0.3)) this.clientsActive = !this.clientsActive;
    const f = this.faults;
    const weights = [f.crashWeight, f.partitionWeight, f.healWeight, f.leaderCrashWeight, f.linkBreakWeight];
    let roll = this.rng.next() * weights.reduce((a, b) => a + b, 0);
    let kind = 0;
    while (kind < weights.length - 1 && roll >= weights[kind]!) roll -= weights[kind++]!;
    const alive = this.members.filter((m) => m.alive);
    if (kind === 0) {
      const victim = this.rng.pick(this.members);
      if (victim.alive) {
        this.crash(victim);
        this.scheduleRestart(victim);
      }
    } else if (kind === 1) {
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
    } else if (kind === 2) {
      this.network.healPartitions();
      this.note('partitions healed');
    } else if (kind === 3) {
      // Kill the leader specifically: the interesting case.
      const leader = alive.find((m) => m.peer?.state === 'leading');
      if (leader !== undefined) {
        this.crash(leader);
        this.scheduleRestart(leader);
      }
    } else {
      const a = this.rng.pick(this.members).id;
      const b = this.rng.pick(this.members).id;
      if (a !== b) this.network.breakLink(a, b);
    }
  }

  private scheduleRestart(member: Member): void {
    this.queue.push(this.now + this.rng.int(this.faults.restartMinMs, this.faults.restartMaxMs), { kind: 'restart', member: member.id });
  }

  private heal(): void {
    this.healed = true;
    this.clientsActive = true;
    this.network.healPartitions();
    this.note('--- healed ---');
    for (const member of this.members) {
      if (!member.alive) this.queue.push(this.now, { kind: 'restart', member: member.id });
    }
  }

  private violation(message: string): void {
    this.violations.push(`t=${this.now}: ${message}`);
  }

  private note(line: string | PacketEvent): void {
    this.trace.add(this.now, line);
    if (this.options.verbose) console.log(`${this.now} ${typeof line === 'string' ? line : describeDelivery(line)}`);
  }
}

export function runSimulation(options: SimOptions): SimResult {
  return new Simulation(options).run();
}

export function replayCommand(seed: number): string {
  return `npm run sim -- --seed ${seed}`;
}

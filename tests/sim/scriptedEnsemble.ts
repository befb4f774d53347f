// An ensemble driven step by step, as etcd's rafttest InteractionEnv drives raft: the members' actions are carried
// out by the real ActionExecutor, messages wait in flight until a step delivers or drops them, disks are FakeStores
// that complete in order when delivered, and the clock only moves on `tick`. Unit tests and the golden traces use it;
// every effect is also rendered as a line of text.
import {
  epochOf,
  makeZxid,
  zxidHex,
  type Notification,
  type PeerEnvironment,
  type QuorumPeer,
} from '../../node-core/consensus/index.js';
import { configChangeOf, parseQuorumConfig, renderQuorumConfig, type ConfigChange } from '../../node-core/consensus/quorumConfig.js';
import { QuorumPacketType, quorumPacket, quorumPacketTypeName, type QuorumPacket } from '../../node-core/protocol/quorumPackets.js';
import { CommittedHistory, entryBytes, type Applied } from './fakeStore.js';
import { membership } from './simMembership.js';
import { SimMember } from './simMember.js';
import { describeData, describeDisk, describeNotification, describePacket } from './traceFormat.js';

export interface ScriptedOptions {
  voters: number[];
  observers?: number[];
  committedLogSize?: number;
  /** Transactions made by `reconfig` change the membership (the static one is version 0). */
  reconfig?: boolean;
  /** Packet type names left out of the trace (PING, say); they are still delivered. */
  hiddenPackets?: readonly string[];
}

export type InFlight =
  | { kind: 'notification'; from: number; to: number; notification: Notification }
  | { kind: 'packet'; from: number; to: number; packet: QuorumPacket }
  /** `to` learns that its quorum link to `from` is gone. */
  | { kind: 'closed'; from: number; to: number }
  | { kind: 'disk'; from: number; to: number; incarnation: number; ticket: number };

export class ScriptedMember extends SimMember {
  /** Every commit action this member carried out, across restarts. */
  readonly commits: bigint[] = [];
}

const tickStepMs = 10;
/** Far more messages than any scripted step causes: beyond it, members are answering each other endlessly. */
const stormLimit = 10_000;
const reconfigPrefix = 'reconfig ';

/** The scripted transactions that change the membership: `reconfig ` and the configuration text, comma separated. */
function scriptedConfigChange(data: Buffer): ConfigChange | null {
  const text = data.toString('utf8');
  return text.startsWith(reconfigPrefix) ? configChangeOf(parseQuorumConfig(text.slice(reconfigPrefix.length))) : null;
}

export class ScriptedEnsemble {
  now = 0;
  readonly members = new Map<number, ScriptedMember>();
  /** Members whose messages are lost in both directions, without anyone being told. */
  readonly cut = new Set<number>();
  readonly violations: string[] = [];
  private inFlight: InFlight[] = [];
  private lines: string[] = [];
  private lastPrintedAt = -1;
  private readonly history = new CommittedHistory();
  private readonly hidden: Set<string>;

  constructor(private readonly options: ScriptedOptions) {
    this.hidden = new Set(options.hiddenPackets ?? []);
    for (const id of [...options.voters, ...(options.observers ?? [])].sort((a, b) => a - b)) {
      const member = new ScriptedMember(id, {
        applied: (entry, index) => this.checkApplied(id, entry, index),
        violation: (message) => this.violations.push(message),
      });
      this.members.set(id, member);
    }
  }

  // ---- steps ----

  start(ids: readonly number[] = [...this.members.keys()]): void {
    for (const id of ids) {
      const member = this.member(id);
      const config = {
        myId: id,
        voters: this.options.voters,
        observers: this.options.observers ?? [],
        tickTime: 100,
        initLimit: 10,
        syncLimit: 5,
        connectRetryMs: 100,
        committedLogSize: this.options.committedLogSize,
        configData: this.options.reconfig ? Buffer.from(renderQuorumConfig(membership(this.options.voters, this.options.observers ?? [], 0n))) : undefined,
        configChangeOf: this.options.reconfig ? scriptedConfigChange : undefined,
      };
      const durable = member.boot(this.now, config, this.environment(member));
      this.print(`${id}: start accepted=${durable.acceptedEpoch} current=${durable.currentEpoch} applied=${zxidHex(durable.appliedZxid)} log=${durable.logTail.length}`);
      member.executor!.start(durable);
    }
  }

  /** A crashed member starts again from what its disk made durable. */
  restart(id: number): void {
    if (this.member(id).incarnation === 0) throw new Error(`member ${id} never ran: start it`);
    this.start([id]);
  }

  /** The member dies: unfinished disk writes and its messages in flight are lost; its links close on the others. */
  crash(id: number): void {
    this.member(id).crash(0);
    this.inFlight = this.inFlight.filter((m) => m.from !== id && m.to !== id);
    this.print(`${id}: crash`);
    for (const other of this.members.values()) {
      if (other.alive) this.inFlight.push({ kind: 'closed', from: id, to: other.id });
    }
  }

  /** Delivers the messages in flight now that `select` picks (all by default); those they cause wait. */
  deliver(select: (message: InFlight) => boolean = () => true): number {
    const chosen = this.inFlight.filter(select);
    this.inFlight = this.inFlight.filter((m) => !chosen.includes(m));
    for (const message of chosen) this.deliverOne(message);
    return chosen.length;
  }

  /** Loses the messages in flight that `select` picks. */
  drop(select: (message: InFlight) => boolean): number {
    const dropped = this.inFlight.filter(select);
    this.inFlight = this.inFlight.filter((m) => !dropped.includes(m));
    for (const message of dropped) this.print(`dropped ${describeInFlight(message)}`);
    return dropped.length;
  }

  /** Delivers until nothing is in flight; an exchange that never ends is reported and cut off, not waited out. */
  stabilize(): void {
    let delivered = 0;
    while (this.inFlight.length > 0) {
      if (++delivered > stormLimit) {
        this.violations.push(`message storm: still ${this.inFlight.length} in flight after ${stormLimit} deliveries, the last ${describeInFlight(this.inFlight[0]!)}`);
        this.inFlight = [];
        return;
      }
      this.deliverOne(this.inFlight.shift()!);
    }
  }

  /** Moves the clock `ms` in 10 ms steps, ticking every running member and stabilizing after each step. */
  tick(ms: number): void {
    const end = this.now + ms;
    this.stabilize();
    while (this.now < end) {
      this.now += tickStepMs;
      for (const member of this.members.values()) member.executor?.tick();
      this.stabilize();
    }
  }

  /** A client write at member `id`: proposed there when it leads, forwarded otherwise. False when refused. */
  write(id: number, text: string): boolean {
    const member = this.member(id);
    if (member.executor === null || member.peer === null) return false;
    const data = Buffer.from(text, 'utf8');
    this.print(`${id}: write "${text}"`);
    const taken = member.peer.state === 'leading' ? member.executor.propose(data) !== null : member.executor.forwardRequest(data);
    if (!taken) this.print(`${id}: write refused`);
    return taken;
  }

  /** The leader `id` proposes a new membership; its version is the zxid the proposal will get. */
  reconfig(id: number, voters: readonly number[], observers: readonly number[]): boolean {
    const peer = this.member(id).peer;
    if (peer === null) return false;
    const last = peer.lastLoggedZxid;
    const version = epochOf(last) === peer.epoch ? last + 1n : makeZxid(peer.epoch, 1n);
    const text = renderQuorumConfig(membership(voters, observers, version)).replaceAll('\n', ',');
    this.print(`${id}: reconfig voters=${voters.join(',')} observers=${observers.join(',') || '-'} version=${zxidHex(version)}`);
    return this.member(id).executor!.propose(Buffer.from(reconfigPrefix + text, 'utf8')) !== null;
  }

  // ---- observation ----

  member(id: number): ScriptedMember {
    const member = this.members.get(id);
    if (member === undefined) throw new Error(`no member ${id} in this ensemble`);
    return member;
  }

  peer(id: number): QuorumPeer {
    const peer = this.member(id).peer;
    if (peer === null) throw new Error(`member ${id} is not running`);
    return peer;
  }

  /** The serving leader that is not cut off, if any. */
  leader(): QuorumPeer | undefined {
    return [...this.members.values()].find((m) => m.peer?.state === 'leading' && m.peer.isServing && !this.cut.has(m.id))?.peer ?? undefined;
  }

  get pending(): readonly InFlight[] {
    return this.inFlight;
  }

  /** One line per member: role, epochs, logged and applied zxids. */
  status(): string[] {
    return [...this.members.values()].map((m) => {
      if (m.peer === null) return `${m.id}: down`;
      const p = m.peer;
      return (
        `${m.id}: ${p.state}${p.isServing ? ' serving' : ''} leader=${p.leaderId ?? '-'} accepted=${p.acceptedEpoch} ` +
        `current=${p.currentEpoch} logged=${zxidHex(p.lastLoggedZxid)} applied=${m.store.applied.map((e) => describeData(entryBytes(e.data))).join(',') || '-'}`
      );
    });
  }

  /** The trace lines since the last call. */
  takeLines(): string[] {
    const out = this.lines;
    this.lines = [];
    return out;
  }

  // ---- the members' environment ----

  private environment(member: ScriptedMember): PeerEnvironment {
    const id = member.id;
    const send = (message: InFlight, shown: boolean) => {
      if (shown) this.print(describeInFlight(message));
      this.inFlight.push(message);
    };
    return {
      now: () => this.now,
      sendNotification: (to, notification) => send({ kind: 'notification', from: id, to, notification }, true),
      sendPacket: (to, packet) => send({ kind: 'packet', from: id, to, packet }, !this.hidden.has(quorumPacketTypeName(packet.type))),
      // Links are implicit: packets reach any member; only closing one is news for the other side.
      connectToLeader: (leader) => this.print(`${id}: connect to ${leader}`),
      closeLink: (peer) => send({ kind: 'closed', from: id, to: peer }, true),
      sendSnapshot: (to, zxid) => {
        const data = member.store.snapshotAt(zxid);
        if (data !== null) send({ kind: 'packet', from: id, to, packet: quorumPacket(QuorumPacketType.SNAP, zxid, data) }, true);
        member.executor?.snapshotSent(to);
      },
      persist: (action) => {
        member.store.write(action, this.now);
        this.print(`${id}: disk ${describeDisk(action)} (#${action.ticket})`);
        this.inFlight.push({ kind: 'disk', from: id, to: id, incarnation: member.incarnation, ticket: action.ticket });
      },
      commit: (zxid) => {
        member.commits.push(zxid);
        const fresh = member.store.applyThrough(zxid) ?? [];
        this.print(`${id}: commit ${zxidHex(zxid)}${fresh.length > 0 ? ` applies ${fresh.map((e) => describeData(entryBytes(e.data))).join(',')}` : ''}`);
      },
      serving: (epoch) => this.print(`${id}: serving epoch ${epoch}`),
      stateChanged: (state, leader, reason) =>
        this.print(`${id}: ${state}${leader !== null ? ` leader=${leader}` : ''}${reason !== undefined ? ` (${reason})` : ''}`),
      configActivated: (change) =>
        this.print(`${id}: config ${zxidHex(change.version)} voters=${change.voters.join(',')} observers=${change.observers.join(',') || '-'}`),
      leaderReceivedRequest: (from, data) => {
        this.print(`${id}: request from ${from} ${describeData(data)}`);
        member.executor?.propose(data);
      },
      learnerPing: () => undefined,
      revalidateSession: () => undefined,
      sessionRevalidated: () => undefined,
      syncDone: () => this.print(`${id}: sync done`),
      // Ticks come from tick(), every 10 ms for every member.
      scheduleTick: () => undefined,
    };
  }

  private deliverOne(message: InFlight): void {
    const member = this.members.get(message.to);
    if (member === undefined || member.executor === null) return;
    if (message.kind === 'disk') {
      if (member.incarnation !== message.incarnation) return;
      member.store.completeThrough(message.ticket);
      member.executor.diskDone(message.ticket);
      return;
    }
    if (this.cut.has(message.from) || this.cut.has(message.to)) return;
    if (message.kind === 'notification') member.executor.receiveNotification(message.from, message.notification);
    else if (message.kind === 'packet') member.executor.receivePacket(message.from, message.packet);
    else member.executor.linkClosed(message.from);
  }

  private checkApplied(id: number, entry: Applied, index: number): void {
    const problem = this.history.check(id, entry, index);
    if (problem !== null) this.violations.push(problem);
  }

  private print(line: string): void {
    if (this.now !== this.lastPrintedAt) {
      this.lines.push(`@${this.now}`);
      this.lastPrintedAt = this.now;
    }
    this.lines.push(`  ${line}`);
  }
}

export function describeInFlight(message: InFlight): string {
  switch (message.kind) {
    case 'notification':
      return `${message.from} > ${message.to} ${describeNotification(message.notification)}`;
    case 'packet':
      return `${message.from} > ${message.to} ${describePacket(message.packet)}`;
    case 'closed':
      return `${message.from} > ${message.to} link closed`;
    case 'disk':
      return `${message.from}: disk #${message.ticket} done`;
  }
}

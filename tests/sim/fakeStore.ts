// One simulated member's disk and applied state, shared by the randomised simulator and the scripted ensemble: what
// a crash keeps (epochs, the durable log, the last snapshot) apart from what it loses (the log view, the applied
// state, writes still queued). Timing and faults are the caller's to choose, so both drivers keep their own clock.
import type { DiskAction, DurableState, Txn } from '../../node-core/consensus/index.js';
import { zxidHex } from '../../node-core/consensus/index.js';

export interface Applied {
  zxid: bigint;
  /** The txn's bytes as a latin1 string: one character per byte, so any payload is held exactly and compared cheaply. */
  data: string;
}

/** The text an applied entry holds for a txn's bytes. */
export function entryText(data: Buffer): string {
  return data.toString('latin1');
}

/** The bytes behind an applied entry's text. */
export function entryBytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

interface QueuedWrite {
  action: DiskAction;
  doneAt: number;
}

export interface StoreObserver {
  /** Called for every entry the member applies, in order (also those a snapshot install brings). */
  applied(entry: Applied, index: number): void;
  violation(message: string): void;
}

export function encodeSnapshot(entries: readonly Applied[]): Buffer {
  return Buffer.from(JSON.stringify(entries.map((e) => [e.zxid.toString(), e.data])), 'utf8');
}

export function decodeSnapshot(bytes: Buffer | null): Applied[] {
  // The simulated leader carries its snapshot in the SNAP packet itself; only a real link streams it after.
  if (bytes === null) throw new Error('a simulated SNAP must carry its snapshot');
  const raw = JSON.parse(bytes.toString('utf8')) as [string, string][];
  return raw.map(([zxid, data]) => ({ zxid: BigInt(zxid), data }));
}

/** The one committed history every member's applied state must be a prefix of; the first to apply an index sets it. */
export class CommittedHistory {
  readonly entries: Applied[] = [];

  /** A violation message when `entry`, applied by `member` at `index`, disagrees with the history. */
  check(member: number, entry: Applied, index: number): string | null {
    const expected = this.entries[index];
    if (expected === undefined) {
      this.entries.push(entry);
      return null;
    }
    if (expected.zxid === entry.zxid && expected.data === entry.data) return null;
    return (
      `member ${member} applied #${index} ${zxidHex(entry.zxid)} "${entry.data}" but the committed history has ` +
      `${zxidHex(expected.zxid)} "${expected.data}"`
    );
  }
}

export class FakeStore {
  // durable: survives a crash
  acceptedEpoch = 0n;
  currentEpoch = 0n;
  durableLog: Txn[] = [];
  snapshot: { zxid: bigint; entries: Applied[] } = { zxid: 0n, entries: [] };
  // volatile
  logView: Txn[] = [];
  applied: Applied[] = [];
  private queue: QueuedWrite[] = [];
  /** Writes complete in order: none before the one queued ahead of it. */
  busyUntil = 0;

  constructor(
    readonly id: number,
    private readonly observer: StoreObserver,
  ) {}

  /** A (re)start: the volatile state is rebuilt from the durable one, which the peer starts from. */
  boot(now: number): DurableState {
    this.applied = this.snapshot.entries.slice();
    this.logView = this.durableLog.slice();
    this.queue = [];
    this.busyUntil = now;
    return {
      acceptedEpoch: this.acceptedEpoch,
      currentEpoch: this.currentEpoch,
      appliedZxid: this.snapshot.zxid,
      logTail: this.durableLog.filter((t) => t.zxid > this.snapshot.zxid),
    };
  }

  get lastAppliedZxid(): bigint {
    return this.applied.length > 0 ? this.applied[this.applied.length - 1]!.zxid : 0n;
  }

  /** The volatile view changes now; the durable one when the write completes at `doneAt` (not before earlier ones). */
  write(action: DiskAction, doneAt: number): void {
    switch (action.kind) {
      case 'logTxns':
        for (const txn of action.txns) {
          const last = this.logView[this.logView.length - 1];
          if (last !== undefined && txn.zxid <= last.zxid) {
            this.observer.violation(`member ${this.id} logs ${zxidHex(txn.zxid)} after ${zxidHex(last.zxid)}`);
          }
          this.logView.push(txn);
        }
        break;
      case 'truncateLog':
        this.logView = this.logView.filter((t) => t.zxid <= action.zxid);
        if (this.lastAppliedZxid > action.zxid) {
          this.observer.violation(`member ${this.id} truncates to ${zxidHex(action.zxid)} below its applied state`);
        }
        break;
      case 'installSnapshot':
        this.applied = [];
        for (const entry of decodeSnapshot(action.snapshot)) this.record(entry);
        this.logView = action.txns.slice();
        break;
      default:
        break;
    }
    this.busyUntil = Math.max(this.busyUntil, doneAt);
    this.queue.push({ action, doneAt: this.busyUntil });
  }

  get pendingWrites(): number {
    return this.queue.length;
  }

  /** The oldest unfinished write if it appends to the log: a crash may tear it. */
  get tearableWrite(): Txn[] | null {
    const first = this.queue[0];
    return first !== undefined && first.action.kind === 'logTxns' ? first.action.txns : null;
  }

  /** Makes durable every write due by `now`; the last ticket completed, or -1. */
  completeDue(now: number): number {
    return this.complete((write) => write.doneAt <= now);
  }

  /** Makes durable every write up to disk ticket `ticket`; the last ticket completed, or -1. */
  completeThrough(ticket: number): number {
    return this.complete((write) => write.action.ticket <= ticket);
  }

  private complete(done: (write: QueuedWrite) => boolean): number {
    let ticket = -1;
    while (this.queue.length > 0 && done(this.queue[0]!)) {
      const action = this.queue.shift()!.action;
      switch (action.kind) {
        case 'persistAcceptedEpoch':
          this.acceptedEpoch = action.epoch;
          break;
        case 'persistCurrentEpoch':
          this.currentEpoch = action.epoch;
          break;
        case 'logTxns':
          this.durableLog.push(...action.txns);
          break;
        case 'truncateLog':
          this.durableLog = this.durableLog.filter((t) => t.zxid <= action.zxid);
          break;
        case 'installSnapshot':
          this.snapshot = { zxid: action.zxid, entries: decodeSnapshot(action.snapshot) };
          this.durableLog = action.txns.slice();
          break;
      }
      ticket = action.ticket;
    }
    return ticket;
  }

  /** Unfinished writes are lost, except the first `tornKept` entries of a torn append. */
  crash(tornKept: number): void {
    const torn = this.tearableWrite;
    if (torn !== null && tornKept > 0) this.durableLog.push(...torn.slice(0, tornKept));
    this.queue = [];
  }

  /** The core's commit: every logged entry up to `zxid` not yet applied is applied, in order; returns them (null: refused). */
  applyThrough(zxid: bigint): Applied[] | null {
    const lastApplied = this.lastAppliedZxid;
    const logLast = this.logView.length > 0 ? this.logView[this.logView.length - 1]!.zxid : this.snapshot.zxid;
    if (zxid > logLast && zxid > lastApplied) {
      this.observer.violation(`member ${this.id} told to commit ${zxidHex(zxid)} beyond its log end ${zxidHex(logLast)}`);
      return null;
    }
    const fresh: Applied[] = [];
    const log = this.logView;
    // The log is in zxid order: start at the first entry not applied yet rather than scanning the whole log.
    for (let i = firstAfter(log, lastApplied); i < log.length && log[i]!.zxid <= zxid; i++) {
      const txn = log[i]!;
      const entry = { zxid: txn.zxid, data: entryText(txn.data) };
      this.record(entry);
      fresh.push(entry);
    }
    return fresh;
  }

  /** The applied state as a SNAP body, or null (and a violation) when it is not exactly the state after `zxid`. */
  snapshotAt(zxid: bigint): Buffer | null {
    if (this.lastAppliedZxid !== zxid) {
      this.observer.violation(`member ${this.id} asked to snapshot at ${zxidHex(zxid)} but applied ${zxidHex(this.lastAppliedZxid)}`);
      return null;
    }
    return encodeSnapshot(this.applied);
  }

  /** Persists a snapshot of the applied state, optionally dropping the log it covers (like a purge). */
  takeSnapshot(purgeLog: boolean): void {
    const last = this.applied[this.applied.length - 1];
    if (last === undefined) return;
    this.snapshot = { zxid: last.zxid, entries: this.applied.slice() };
    if (purgeLog) this.durableLog = this.durableLog.filter((t) => t.zxid > last.zxid);
  }

  /** Applied zxids strictly increase; the observer checks the entry against the one committed history. */
  private record(entry: Applied): void {
    const previous = this.applied[this.applied.length - 1];
    if (previous !== undefined && entry.zxid <= previous.zxid) {
      this.observer.violation(`member ${this.id} applied ${zxidHex(entry.zxid)} after ${zxidHex(previous.zxid)}`);
    }
    this.applied.push(entry);
    this.observer.applied(entry, this.applied.length - 1);
  }
}

/** The index of the first txn of a zxid-ordered log above `zxid` (the log's length when there is none). */
function firstAfter(log: readonly Txn[], zxid: bigint): number {
  let low = 0;
  let high = log.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (log[middle]!.zxid <= zxid) low = middle + 1;
    else high = middle;
  }
  return low;
}

// Turns a raw transcript into one that two correct servers produce identically: zxids become relations to the
// place each value was first seen, times become "the time of that txn" (checked for consistency, order and the
// wall-clock window of the write), session ids become the session's name, and hash-ordered lists are sorted.
import { ErrorCode, EventType, KeeperState } from '../../../node-core/protocol/index.js';
import type { RawTranscript, RawValue, SessionName, Step, StepOutcome } from './scenarioTypes.js';

export type NormValue = string | number | boolean | null | NormValue[] | { [field: string]: NormValue };

export interface NormalisedStep {
  step: number;
  session: SessionName;
  op: string;
  /** The request as the scenario wrote it, so a reader of the fixture needs no second file. */
  args: NormValue;
  note?: string;
  /** Everything compared: code, reply xid and zxid, and the decoded body, all normalised. */
  result: { [field: string]: NormValue };
}

export interface NormalisedTranscript {
  target: string;
  steps: NormalisedStep[];
  /** Per session, in arrival order: "reply #n", "event <type> <path> (<state>)" or "closed by server". */
  sessionLogs: Record<string, string[]>;
}

const reverse = (table: Record<string, number>): Map<number, string> =>
  new Map(Object.entries(table).map(([name, code]) => [code, name]));
const errorNames = reverse(ErrorCode);
const eventNames = reverse(EventType);
const stateNames = reverse(KeeperState);

export function codeName(code: number): string {
  return errorNames.get(code) ?? `unknown(${code})`;
}

const zxidFields = new Set(['zxid', 'czxid', 'mzxid', 'pzxid']);
const timeFields: Record<string, 'czxid' | 'mzxid'> = { ctime: 'czxid', mtime: 'mzxid' };
const sessionFields = new Set(['sessionId', 'ephemeralOwner']);
/** Ops whose stat times must fall inside the request's own wall-clock window (the txn happened during it). */
const writeOps = new Set(['create2', 'createContainer', 'createTTL', 'setData', 'multi']);
/** Server and test share one clock; this only absorbs millisecond rounding. */
const clockSlackMs = 20;

/** Names each zxid by the first place it appeared, so equalities and new-vs-old are compared, not values. */
class ZxidNamer {
  private readonly firstPlace = new Map<bigint, string>();
  private max = 0n;

  token(value: bigint, place: string): string {
    if (value <= 0n) return String(value);
    const seen = this.firstPlace.get(value);
    if (seen !== undefined) return `=${seen}`;
    let token = 'new';
    if (value < this.max) {
      // Older than something already seen: say which value it precedes, a relation both servers share.
      let above: bigint | undefined;
      for (const known of this.firstPlace.keys()) {
        if (known > value && (above === undefined || known < above)) above = known;
      }
      token = `new<${this.firstPlace.get(above!)}`;
    } else {
      this.max = value;
    }
    this.firstPlace.set(value, place);
    return token;
  }
}

interface TimeFacts {
  /** zxid -> every time reported for its txn. */
  times: Map<bigint, Set<bigint>>;
  /** zxid -> the wall-clock window of the write that created it. */
  windows: Map<bigint, [number, number]>;
}

function isStat(value: RawValue): value is { [field: string]: RawValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'czxid' in value && 'mtime' in value;
}

function forEachStat(value: RawValue | undefined, visit: (stat: { [field: string]: RawValue }) => void): void {
  if (value === undefined || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) forEachStat(item, visit);
    return;
  }
  if (isStat(value)) visit(value);
  for (const item of Object.values(value)) forEachStat(item, visit);
}

function gatherTimeFacts(steps: readonly StepOutcome[]): TimeFacts {
  const times = new Map<bigint, Set<bigint>>();
  const windows = new Map<bigint, [number, number]>();
  for (const outcome of steps) {
    const txnZxid = writeOps.has(outcome.op) && outcome.header?.err === 0 ? outcome.header.zxid : undefined;
    forEachStat(outcome.body, (stat) => {
      for (const [timeField, zxidField] of Object.entries(timeFields)) {
        const zxid = stat[zxidField];
        const time = stat[timeField];
        if (typeof zxid !== 'bigint' || typeof time !== 'bigint' || zxid <= 0n) continue;
        const set = times.get(zxid) ?? new Set<bigint>();
        set.add(time);
        times.set(zxid, set);
        if (zxid === txnZxid) windows.set(zxid, [outcome.sentAt, outcome.receivedAt]);
      }
    });
  }
  return { times, windows };
}

function timeToken(
  facts: TimeFacts,
  transcript: RawTranscript,
  zxidField: 'czxid' | 'mzxid',
  zxid: RawValue,
  time: RawValue,
): string {
  if (typeof zxid !== 'bigint' || typeof time !== 'bigint') return `bad(${String(time)})`;
  if (zxid <= 0n) return time === 0n ? '0' : `nonzero for zxid ${zxid}`;
  const problems: string[] = [];
  const all = facts.times.get(zxid);
  if (all !== undefined && all.size > 1) problems.push('differs from another stat of the same txn');
  const t = Number(time);
  if (t < transcript.startedAt - clockSlackMs || t > transcript.finishedAt + clockSlackMs) {
    problems.push('outside the run');
  }
  const window = facts.windows.get(zxid);
  if (window !== undefined && (t < window[0] - clockSlackMs || t > window[1] + clockSlackMs)) {
    problems.push('outside its write request');
  }
  for (const [otherZxid, otherTimes] of facts.times) {
    for (const other of otherTimes) {
      if ((otherZxid < zxid && other > time) || (otherZxid > zxid && other < time)) {
        problems.push('out of zxid order');
        break;
      }
    }
    if (problems.includes('out of zxid order')) break;
  }
  return problems.length === 0 ? `t(${zxidField})` : `t(${zxidField}) BUT ${problems.join(', ')}`;
}

export function normaliseTranscript(raw: RawTranscript, steps: readonly Step[]): NormalisedTranscript {
  const zxids = new ZxidNamer();
  const facts = gatherTimeFacts(raw.steps);
  const sessionOf = new Map<bigint, SessionName>();
  for (const [name, ids] of Object.entries(raw.sessionIds) as [SessionName, bigint[]][]) {
    for (const id of ids) if (!sessionOf.has(id)) sessionOf.set(id, name);
  }
  const sessionToken = (value: RawValue): NormValue => {
    if (typeof value !== 'bigint') return `bad(${String(value)})`;
    if (value === 0n) return '0';
    const name = sessionOf.get(value);
    return name === undefined ? 'not a session of this run' : `session ${name}`;
  };

  const normalise = (value: RawValue, place: string, field: string, parent?: { [f: string]: RawValue }): NormValue => {
    if (zxidFields.has(field) && typeof value === 'bigint') return zxids.token(value, place);
    if (field in timeFields && parent !== undefined) {
      const zxidField = timeFields[field]!;
      return timeToken(facts, raw, zxidField, parent[zxidField]!, value);
    }
    if (sessionFields.has(field)) return sessionToken(value);
    if (typeof value === 'bigint') return value.toString();
    if (Array.isArray(value)) {
      const items = value.map((item, i) => normalise(item, `${place}[${i}]`, field));
      // whoAmI lists identities from a hash set in Apache: their order means nothing
      return field === 'clientInfo' ? items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) : items;
    }
    if (value !== null && typeof value === 'object') {
      const out: { [f: string]: NormValue } = {};
      for (const [key, item] of Object.entries(value)) {
        out[key] = key === 'err' || key === 'headerErr' ? codeOf(item) : normalise(item, `${place}.${key}`, key, value);
      }
      return out;
    }
    return value;
  };

  const normalisedSteps = raw.steps.map((outcome): NormalisedStep => {
    const step = steps[outcome.index]!;
    const result: { [field: string]: NormValue } = {};
    const place = `#${outcome.index}`;
    if (outcome.failure !== undefined) result.failure = outcome.failure;
    if (outcome.header !== undefined) {
      result.code = codeName(outcome.header.err);
      result.xid = outcome.header.xid < 0 ? outcome.header.xid : 'the request xid';
      result.zxid = zxids.token(outcome.header.zxid, `${place}.zxid`);
    } else if (outcome.code !== undefined) {
      result.code = codeName(outcome.code);
    }
    if (outcome.body !== undefined) result.body = normalise(outcome.body, place, 'body');
    return {
      step: outcome.index,
      session: outcome.session,
      op: outcome.op,
      args: toNorm(step.args),
      ...(step.note !== undefined ? { note: step.note } : {}),
      result,
    };
  });

  const sessionLogs: Record<string, string[]> = {};
  for (const [name, log] of Object.entries(raw.sessionLogs)) {
    sessionLogs[name] = log.map((entry) => {
      switch (entry.kind) {
        case 'reply':
          return `reply #${entry.step}`;
        case 'closed':
          return 'closed by server';
        case 'event':
          return `event ${eventNames.get(entry.type) ?? entry.type} ${entry.path} (${stateNames.get(entry.state) ?? entry.state})`;
      }
    });
  }
  return { target: raw.target, steps: normalisedSteps, sessionLogs };
}

function codeOf(value: RawValue): NormValue {
  return typeof value === 'number' ? codeName(value) : toNorm(value);
}

/** Plain data (the scenario's own args) as JSON-safe values. */
function toNorm(value: unknown): NormValue {
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(toNorm);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toNorm(v)]));
  }
  return value as NormValue;
}

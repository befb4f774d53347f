// The vocabulary of the differential scenario: what a step asks a session to do, and the raw transcript a run of
// the steps produces. Steps are plain data so the same list drives Apache ZooKeeper and Paddock.
import type { ErrorCodeName } from '../../../node-core/protocol/index.js';

/** Sessions of the scenario; each is one client connection (re-established by reconnect). */
export type SessionName = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';

export interface AclSpec {
  perms: number;
  scheme: string;
  id: string;
}

interface CreateArgs {
  path: string;
  /** undefined writes a null buffer, '' an empty one. */
  data?: string | null;
  /** Defaults to world:anyone with all permissions. */
  acl?: AclSpec[];
  mode?: number;
}

/** An operation inside multi or multiRead. */
export type MultiStepOp =
  | ({ op: 'create' | 'create2' | 'createContainer' } & CreateArgs)
  | ({ op: 'createTTL'; ttl: number } & CreateArgs)
  | { op: 'delete' | 'check'; path: string; version?: number }
  | { op: 'setData'; path: string; data: string; version?: number }
  | { op: 'getData' | 'getChildren'; path: string };

export interface WatchLists {
  data?: string[];
  exist?: string[];
  child?: string[];
  persistent?: string[];
  recursive?: string[];
}

/** The arguments each operation takes. */
export interface ArgsByOp {
  /** createSession: a new session with this requested timeout. */
  connect: { timeoutMs: number };
  /** Drops the socket if still open, then reattaches the same session id and password. */
  reconnect: Record<string, never>;
  /** Drops the socket and keeps the session on the server (a client losing its connection). */
  destroy: Record<string, never>;
  closeSession: Record<string, never>;
  /** Waits until the server has closed this session's connection. */
  awaitClose: Record<string, never>;
  /** Waits until the session receives this watch event after its latest reply (events that need server time). */
  awaitEvent: { type: number; path: string; timeoutMs: number };
  create: CreateArgs;
  create2: CreateArgs;
  createContainer: CreateArgs;
  createTTL: CreateArgs & { ttl: number };
  delete: { path: string; version?: number };
  deleteContainer: { path: string };
  check: { path: string; version: number };
  exists: { path: string; watch?: boolean };
  getData: { path: string; watch?: boolean };
  getChildren: { path: string; watch?: boolean };
  getChildren2: { path: string; watch?: boolean };
  setData: { path: string; data: string | null; version?: number };
  getACL: { path: string };
  setACL: { path: string; acl: AclSpec[]; version?: number };
  getAllChildrenNumber: { path: string };
  getEphemerals: { prefix: string };
  sync: { path: string };
  multi: { ops: MultiStepOp[] };
  multiRead: { ops: MultiStepOp[] };
  /** relativeZxid is the highest zxid the session has seen, as a reconnecting client sends it. */
  setWatches: WatchLists;
  setWatches2: WatchLists;
  addWatch: { path: string; mode: number };
  removeWatches: { path: string; type: number };
  checkWatches: { path: string; type: number };
  auth: { scheme: string; auth: string };
  whoAmI: Record<string, never>;
  ping: Record<string, never>;
  /** A request with any opcode and an optional raw body, for opcodes no typed step covers. */
  raw: { type: number; bodyHex?: string };
}

export type StepOp = keyof ArgsByOp;

export type Step = {
  [K in StepOp]: {
    session: SessionName;
    op: K;
    args: ArgsByOp[K];
    /**
     * The outcome Apache ZooKeeper gives, checked on the reference run so a broken comparator cannot pass by
     * comparing two empty transcripts. For connect/reconnect: ok or sessionExpired; for awaitClose: ok = closed.
     */
    expect?: ErrorCodeName | 'noReply';
    /** Overrides the runner's reply timeout, for requests Apache never answers. */
    replyTimeoutMs?: number;
    /** Left out on ensembles, where Apache 3.8 handles the request worse still (see the step's note). */
    standaloneOnly?: boolean;
    /**
     * A deliberate difference from Apache 3.8.0 where it misbehaves (a request it never answers): the step is left
     * out of the field comparison and Paddock's outcome must be `paddock` instead.
     */
    deviation?: { paddock: ErrorCodeName; why: string };
    /** Per-op results of multi/multiRead, checked likewise. */
    expectResults?: ErrorCodeName[];
    note?: string;
  };
}[StepOp];

/** A decoded reply field, still holding raw zxids, times and session ids (bigint) for the normaliser. */
export type RawValue = string | number | boolean | bigint | null | RawValue[] | { [field: string]: RawValue };

export interface StepOutcome {
  index: number;
  session: SessionName;
  op: StepOp;
  /** Wall-clock window of the request, to check that server times fall inside it. */
  sentAt: number;
  receivedAt: number;
  /** The reply header, for steps that send a request. */
  header?: { xid: number; zxid: bigint; err: number };
  /** Decoded response fields. */
  body?: { [field: string]: RawValue };
  /** For steps without a reply header (connect, awaitClose, ...) the code compared in place of header.err. */
  code?: number;
  /** The request could not be made or was never answered (connection closed, timeout). */
  failure?: string;
}

export type SessionLogEntry =
  | { kind: 'reply'; step: number }
  | { kind: 'event'; type: number; state: number; path: string }
  | { kind: 'closed' };

export interface RawTranscript {
  target: string;
  startedAt: number;
  finishedAt: number;
  steps: StepOutcome[];
  /** Replies, watch events and connection closes in the order each session saw them. */
  sessionLogs: Record<SessionName, SessionLogEntry[]>;
  /** Every session id each session was given, to map ephemeralOwner back to session names. */
  sessionIds: Record<SessionName, bigint[]>;
}

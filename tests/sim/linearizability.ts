// Decides whether a client history of a ZooKeeper-like store is linearizable against a sequential model, and when it
// is not, says which operations contradict each other in words a human can act on.
//
// The search is Wing & Gong's (repeatedly pick an operation that may take effect next, backtrack on a dead end),
// pruned with Lowe's memoisation (a (set of linearized operations, model state) pair is explored at most once) and
// split by P-compositionality (a history is linearizable iff each per-key sub-history is). An operation without a
// reply (connection loss, crash, timeout) may take effect at any moment after its call, or never; a known deadline
// (see `boundReplyLessByNextReply`) keeps such operations from multiplying the search over a long history.
//
// Callers map "the outcome is unknown" replies (ConnectionLoss, OperationTimeout, SessionExpired mid-request) to
// `ret: undefined`; only definite replies belong in `output`. ZooKeeper reads served by a follower are sequentially
// consistent, not linearizable: record a read only if it went through the leader or followed a `sync`.

/** One client call as the client saw it: when it was sent, when (and whether) the reply came, and what it said. */
export interface Operation<I, O> {
  clientId: number | string;
  /** Time the request was sent. */
  call: number;
  /** Time the reply arrived; undefined when none came, so the operation may or may not have taken effect. */
  ret: number | undefined;
  input: I;
  /** The reply; ignored when `ret` is undefined. */
  output: O | undefined;
  /** For an operation without a reply: if it took effect at all, it did so before this time. */
  deadline?: number;
}

export interface StepResult<S> {
  ok: boolean;
  state: S;
}

/** A sequential specification. `step` gets `output: undefined` for an operation whose reply never came. */
export interface Model<S, I, O> {
  /** Operations with different keys never constrain each other; each key is checked on its own. */
  partition?(op: Operation<I, O>): string;
  /**
   * Optionally returns a stricter model for one partition's history, one that rejects early a step the replies in
   * `ops` already rule out (e.g. an append at a position some read showed holding another value). It must still
   * accept every step that can lead to a full linearization of `ops`, or the checker reports false violations.
   */
  refine?(ops: readonly Operation<I, O>[]): Model<S, I, O>;
  init(): S;
  /** Must not mutate `state`: the search keeps earlier states to backtrack to. */
  step(state: S, input: I, output: O | undefined): StepResult<S>;
  /** Equal states must hash equally; the default is a JSON rendering. */
  hash?(state: S): string;
  /** When given, states whose hashes collide are also compared with this before a branch is pruned. */
  equal?(a: S, b: S): boolean;
  /**
   * True when an operation with this reply (undefined: no reply) surely left the state as it was, such as a read or
   * a rejected write. Only used to leave such operations out of an explanation.
   */
  changesNothing?(input: I, output: O | undefined): boolean;
  describeOperation?(input: I, output: O | undefined): string;
  describeState?(state: S): string;
}

export interface CheckOptions {
  /** Most model steps for the whole check, all partitions together. */
  maxSteps?: number;
  /** Wall-clock limit for the whole check. */
  timeoutMs?: number;
  /** Extra budget spent shrinking a failing partition into an explanation. */
  explainMaxSteps?: number;
  explainTimeoutMs?: number;
  /**
   * An operation without a reply takes effect, if at all, before the same client's next acknowledged operation
   * returns. True of ZooKeeper when `clientId` names one client issuing requests one at a time: a session's requests
   * apply in order, and once it reconnects elsewhere (SessionMoved) or expires, its old requests are refused. Without
   * it such an operation stays possible forever, which makes long histories on a busy key expensive to check.
   */
  boundReplyLessByNextReply?: boolean;
  /** Clock used for the time limits (milliseconds); defaults to performance.now. */
  now?: () => number;
}

export interface LinearizableResult {
  ok: true;
  verdict: 'linearizable';
  partitions: number;
  operations: number;
  steps: number;
}

export interface ViolationResult<I, O> {
  ok: false;
  verdict: 'violation';
  partition: string;
  /** The first reply (in return order) that no order of the earlier operations explains. */
  failingOperation: Operation<I, O>;
  /** Everything called up to that reply; operations that replied later are in it as if they had no reply. */
  minimalFailingPrefix: Operation<I, O>[];
  /**
   * A shrunken part of the prefix that is already contradictory: the failing reply, the writes that shape the state
   * it contradicts, and any other reply needed. Reads and rejected writes that play no part are left out.
   */
  involved: Operation<I, O>[];
  /** The longest order of operations the model accepted before getting stuck. */
  longestLinearization: Operation<I, O>[];
  explanation: string;
  steps: number;
}

export interface UnknownResult {
  /** Never true: running out of budget proves nothing. */
  ok: false;
  verdict: 'unknown';
  partition: string;
  explanation: string;
  steps: number;
}

export type CheckResult<I, O> = LinearizableResult | ViolationResult<I, O> | UnknownResult;

export { znodeRegisterModel, appendLogModel } from './linearizabilityModels.js';
export type { ZnodeInput, ZnodeOutput, ZnodeState, LogInput, LogOutput, LogState } from './linearizabilityModels.js';

const defaultMaxSteps = 20_000_000;
const defaultTimeoutMs = 10_000;
const defaultExplainMaxSteps = 2_000_000;
const defaultExplainTimeoutMs = 3_000;
const maxWeakeningAttempts = 200;

export function checkLinearizability<S, I, O>(
  history: readonly Operation<I, O>[],
  model: Model<S, I, O>,
  options: CheckOptions = {},
): CheckResult<I, O> {
  const now = options.now ?? (() => performance.now());
  const budget = new Budget(
    options.maxSteps ?? defaultMaxSteps,
    now() + (options.timeoutMs ?? defaultTimeoutMs),
    now,
  );
  for (const op of history) validate(op);
  const deadlines = replyLessDeadlines(history, options.boundReplyLessByNextReply === true);

  const partitions = partitionHistory(history, model);
  for (const [key, ops] of partitions) {
    const outcome = search(prepare(ops, deadlines), model, budget, false).outcome;
    if (outcome === 'ok') continue;
    if (outcome === 'budget') {
      return {
        ok: false,
        verdict: 'unknown',
        partition: key,
        explanation:
          `Gave up on partition ${JSON.stringify(key)} (${ops.length} operations) after ${budget.steps} model steps: ` +
          `the step or time budget ran out, so linearizability is neither proven nor refuted.`,
        steps: budget.steps,
      };
    }
    const explainBudget = new Budget(
      options.explainMaxSteps ?? defaultExplainMaxSteps,
      now() + (options.explainTimeoutMs ?? defaultExplainTimeoutMs),
      now,
    );
    return explainViolation(key, ops, deadlines, model, explainBudget, budget.steps);
  }
  return {
    ok: true,
    verdict: 'linearizable',
    partitions: partitions.size,
    operations: history.length,
    steps: budget.steps,
  };
}

function validate(op: Operation<unknown, unknown>): void {
  if (!Number.isFinite(op.call)) throw new Error(`operation of client ${String(op.clientId)} has no call time`);
  if (op.ret !== undefined && !(op.ret >= op.call)) {
    throw new Error(`operation of client ${String(op.clientId)} returns (${op.ret}) before its call (${op.call})`);
  }
  if (op.deadline !== undefined && !(op.deadline >= op.call)) {
    throw new Error(`operation of client ${String(op.clientId)} has a deadline (${op.deadline}) before its call`);
  }
}

/** The latest moment each reply-less operation could have taken effect, where one is known. */
function replyLessDeadlines<I, O>(
  history: readonly Operation<I, O>[],
  boundByNextReply: boolean,
): Map<Operation<I, O>, number> {
  const deadlines = new Map<Operation<I, O>, number>();
  for (const op of history) {
    if (op.ret === undefined && op.deadline !== undefined) deadlines.set(op, op.deadline);
  }
  if (!boundByNextReply) return deadlines;
  const byClient = new Map<number | string, Operation<I, O>[]>();
  for (const op of history) {
    let ops = byClient.get(op.clientId);
    if (!ops) byClient.set(op.clientId, (ops = []));
    ops.push(op);
  }
  for (const ops of byClient.values()) {
    ops.sort((a, b) => a.call - b.call);
    let nextReply = Infinity;
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i]!;
      if (op.ret !== undefined) {
        nextReply = op.ret;
      } else if (nextReply !== Infinity) {
        deadlines.set(op, Math.min(nextReply, deadlines.get(op) ?? Infinity));
      }
    }
  }
  return deadlines;
}

function partitionHistory<S, I, O>(
  history: readonly Operation<I, O>[],
  model: Model<S, I, O>,
): Map<string, Operation<I, O>[]> {
  const partitions = new Map<string, Operation<I, O>[]>();
  for (const op of history) {
    const key = model.partition ? model.partition(op) : '';
    let ops = partitions.get(key);
    if (!ops) partitions.set(key, (ops = []));
    ops.push(op);
  }
  return partitions;
}

class Budget {
  steps = 0;
  constructor(
    readonly maxSteps: number,
    readonly deadline: number,
    private readonly now: () => number,
  ) {}

  /** Counts one model step; false once the budget is spent. The clock is read every 1024 steps to stay cheap. */
  spend(): boolean {
    this.steps++;
    if (this.steps > this.maxSteps) return false;
    return (this.steps & 1023) !== 0 || this.now() <= this.deadline;
  }

  /** Runs `work` with at most `steps` of what is left, then charges what it used. */
  slice<T>(steps: number, work: (budget: Budget) => T): T {
    const part = new Budget(Math.min(steps, this.maxSteps - this.steps), this.deadline, this.now);
    try {
      return work(part);
    } finally {
      this.steps += part.steps;
    }
  }
}

/** An operation as the search sees it; `weakened` marks a result deliberately ignored while shrinking a failure. */
interface SearchOp<I, O> {
  source: Operation<I, O>;
  call: number;
  ret: number | undefined;
  output: O | undefined;
  /** Only for reply-less operations: the latest moment they could have taken effect, if known. */
  deadline: number | undefined;
  weakened: boolean;
}

function prepare<I, O>(ops: readonly Operation<I, O>[], deadlines: Map<Operation<I, O>, number>): SearchOp<I, O>[] {
  return ops.map((source) => ({
    source,
    call: source.call,
    ret: source.ret,
    output: source.ret === undefined ? undefined : source.output,
    deadline: source.ret === undefined ? deadlines.get(source) : undefined,
    weakened: false,
  }));
}

interface SearchOutcome<S> {
  outcome: 'ok' | 'violation' | 'budget';
  /** Filled only when tracking: the order that linearized the most acknowledged operations, and its states. */
  deepest: number[];
  deepestStates: S[];
}

/**
 * Wing & Gong over a doubly linked list of call/return events in time order. Only calls that come before the first
 * remaining return may go next; reaching a return means its operation was not linearized in time, so backtrack.
 * A reply-less operation's deadline is an optional return: reaching it means the operation never took effect.
 */
function search<S, I, O>(
  ops: readonly SearchOp<I, O>[],
  plainModel: Model<S, I, O>,
  budget: Budget,
  track: boolean,
): SearchOutcome<S> {
  const n = ops.length;
  // Refined against the replies as this search sees them: a result ignored while explaining is no longer a fact.
  const model = plainModel.refine
    ? plainModel.refine(ops.map((op) => ({ ...op.source, ret: op.ret, output: op.output })))
    : plainModel;
  const hash = model.hash ? (s: S) => model.hash!(s) : defaultHash;
  const events: { time: number; isReturn: boolean; op: number }[] = [];
  let acknowledged = 0;
  ops.forEach((op, i) => {
    events.push({ time: op.call, isReturn: false, op: i });
    const end = op.ret ?? op.deadline;
    if (end !== undefined) events.push({ time: end, isReturn: true, op: i });
    if (op.ret !== undefined) acknowledged++;
  });
  // At equal times calls sort first: the clock cannot tell which came first, so the operations count as concurrent.
  events.sort((a, b) => a.time - b.time || Number(a.isReturn) - Number(b.isReturn) || a.op - b.op);

  const head = events.length;
  const next = new Int32Array(head + 1);
  const prev = new Int32Array(head + 1);
  const callNode = new Int32Array(n);
  const returnNode = new Int32Array(n).fill(-1);
  for (let node = 0; node <= head; node++) {
    next[node] = node === head ? 0 : node + 1;
    prev[node] = node === 0 ? head : node - 1;
    if (node < head) {
      const e = events[node]!;
      if (e.isReturn) returnNode[e.op] = node;
      else callNode[e.op] = node;
    }
  }
  if (head === 0) next[head] = prev[head] = head;
  const unlink = (node: number) => {
    next[prev[node]!] = next[node]!;
    prev[next[node]!] = prev[node]!;
  };
  const relink = (node: number) => {
    next[prev[node]!] = node;
    prev[next[node]!] = node;
  };

  // `settled` holds operations linearized and reply-less operations given up on; both leave the candidate list.
  const words = (n + 31) >>> 5;
  const settled = new Uint32Array(words);
  // Operations that block later ones until settled: those with a reply or a deadline. Only the others, reply-less
  // and unbounded, are plain options, which lets `remember` compare their part of the set by inclusion.
  const blocking = (op: SearchOp<I, O>) => op.ret !== undefined || op.deadline !== undefined;
  const blockingMask = new Uint32Array(words);
  ops.forEach((op, i) => {
    if (blocking(op)) blockingMask[i >>> 5]! |= 1 << (i & 31);
  });
  // The cache key covers only the blocking part of the set; see `remember` for the rest.
  const zobrist = zobristKeys(n);
  let z0 = 0;
  let z1 = 0;
  const toggle = (i: number) => {
    settled[i >>> 5]! ^= 1 << (i & 31);
    if (blocking(ops[i]!)) {
      z0 ^= zobrist[2 * i]!;
      z1 ^= zobrist[2 * i + 1]!;
    }
  };
  const seen = new Map<string, { bits: Uint32Array; state: S }[]>();
  const settle = (i: number) => {
    unlink(callNode[i]!);
    if (returnNode[i]! >= 0) unlink(returnNode[i]!);
    if (ops[i]!.ret !== undefined) linearizedAcknowledged++;
  };
  const unsettle = (i: number) => {
    if (returnNode[i]! >= 0) relink(returnNode[i]!);
    relink(callNode[i]!);
    if (ops[i]!.ret !== undefined) linearizedAcknowledged--;
    toggle(i);
  };

  const stack: { op: number; state: S; stateHash: string; abandoned: boolean }[] = [];
  let state = model.init();
  let stateHash = hash(state);
  let linearizedAcknowledged = 0;
  let best = -1;
  let deepest: number[] = [];
  let deepestStates: S[] = [];
  const snapshot = () => {
    const applied = stack.map((f, at) => ({ f, after: stack[at + 1]?.state ?? state })).filter((x) => !x.f.abandoned);
    deepest = applied.map((x) => x.f.op);
    deepestStates = applied.map((x) => x.after);
  };
  const result = (outcome: SearchOutcome<S>['outcome']): SearchOutcome<S> => ({ outcome, deepest, deepestStates });

  let node = next[head]!;
  for (;;) {
    if (linearizedAcknowledged === acknowledged) {
      if (track) snapshot();
      return result('ok');
    }
    const event = node === head ? undefined : events[node]!;
    if (event && !event.isReturn) {
      const i = event.op;
      const op = ops[i]!;
      if (!budget.spend()) return result('budget');
      const stepped = model.step(state, op.source.input, op.output);
      if (stepped.ok) {
        const nextHash = hash(stepped.state);
        // A reply-less operation that changes nothing gains nothing by being linearized (a cheap special case of
        // the covering in `remember`).
        const noOp =
          op.ret === undefined && nextHash === stateHash && (!model.equal || model.equal(stepped.state, state));
        toggle(i);
        const key = `${nextHash}\u0000${z0}:${z1}`;
        if (!noOp && remember(seen, key, settled, blockingMask, stepped.state, model.equal)) {
          stack.push({ op: i, state, stateHash, abandoned: false });
          state = stepped.state;
          stateHash = nextHash;
          settle(i);
          if (track && linearizedAcknowledged > best) {
            best = linearizedAcknowledged;
            snapshot();
          }
          node = next[head]!;
          continue;
        }
        toggle(i);
      }
      node = next[node]!;
      continue;
    }
    if (event && ops[event.op]!.ret === undefined) {
      // Past a reply-less operation's deadline: every call before it was tried, so the only way on is that the
      // operation never took effect.
      const i = event.op;
      toggle(i);
      if (remember(seen, `${stateHash}\u0000${z0}:${z1}`, settled, blockingMask, state, model.equal)) {
        stack.push({ op: i, state, stateHash, abandoned: true });
        settle(i);
        node = next[head]!;
        continue;
      }
      toggle(i);
    }
    // A return (or the end of the list, which only a history of reply-less operations can reach) before its
    // operation was linearized: undo the latest choice and try the candidate after it. Giving up on a reply-less
    // operation was the last option at its point, so undoing it means backtracking once more.
    let frame = stack.pop();
    while (frame?.abandoned) {
      unsettle(frame.op);
      frame = stack.pop();
    }
    if (!frame) return result('violation');
    unsettle(frame.op);
    state = frame.state;
    stateHash = frame.stateHash;
    node = next[callNode[frame.op]!]!;
  }
}

/**
 * Records a configuration (settled set, state); false when an explored one already covers it. Lowe's memoisation
 * needs the same set; here a configuration also covers any with the same blocking operations settled and the same
 * state but more unbounded reply-less ones linearized: those are pure options that hold nothing back, so whatever
 * order finishes the second also finishes the first. (A deadline does hold later calls back until its operation is
 * settled, which is why bounded ones must match exactly.)
 */
function remember<S>(
  seen: Map<string, { bits: Uint32Array; state: S }[]>,
  key: string,
  bits: Uint32Array,
  blockingMask: Uint32Array,
  state: S,
  equal: ((a: S, b: S) => boolean) | undefined,
): boolean {
  let bucket = seen.get(key);
  if (!bucket) seen.set(key, (bucket = []));
  for (const entry of bucket) {
    if (covers(entry.bits, bits, blockingMask) && (!equal || equal(entry.state, state))) return false;
  }
  bucket.push({ bits: bits.slice(), state });
  return true;
}

/** The same blocking operations settled, and the explored set's unbounded ones a subset of the candidate's. */
function covers(explored: Uint32Array, candidate: Uint32Array, blockingMask: Uint32Array): boolean {
  for (let w = 0; w < explored.length; w++) {
    const a = explored[w]!;
    const b = candidate[w]!;
    if (((a ^ b) & blockingMask[w]!) !== 0 || (a & ~b) !== 0) return false;
  }
  return true;
}

/** Fixed pseudo-random keys (xorshift32 from a constant seed), so the cache and therefore the run are repeatable. */
function zobristKeys(n: number): Uint32Array {
  const keys = new Uint32Array(2 * n);
  let x = 0x9e3779b9;
  for (let i = 0; i < keys.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    keys[i] = x >>> 0;
  }
  return keys;
}

function defaultHash(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? 'undefined';
}

/**
 * Shrinks a failing partition for a human. First the shortest prefix (by reply order) that already fails. Then two
 * weakenings, each kept only if the contradiction stays: drop an operation whose reply says it changed nothing (a
 * read, a rejected write), and ignore a write's result (it still takes effect inside its time window, with whatever
 * result the model gives). Weakening never creates a contradiction, so what remains is a genuine one. Windows stay
 * as they were: making operations reply-less instead would let each float to any later moment and blow up the search.
 */
function explainViolation<S, I, O>(
  key: string,
  ops: readonly Operation<I, O>[],
  deadlines: Map<Operation<I, O>, number>,
  model: Model<S, I, O>,
  budget: Budget,
  checkSteps: number,
): ViolationResult<I, O> {
  const acknowledged = ops.filter((op) => op.ret !== undefined);
  acknowledged.sort((a, b) => a.ret! - b.ret! || a.call - b.call);
  const prefixOf = (k: number): SearchOp<I, O>[] => {
    const cutoff = acknowledged[k - 1]!.ret!;
    const replied = new Set(acknowledged.slice(0, k));
    // A reply after the cutoff is not known yet, but the operation still took effect, if at all, before it came.
    return prepare(
      ops.filter((op) => op.call <= cutoff),
      deadlines,
    ).map((op) =>
      replied.has(op.source) || op.ret === undefined
        ? op
        : { ...op, ret: undefined, output: undefined, deadline: op.ret },
    );
  };
  // One hard attempt must not starve the rest; an attempt out of budget counts as "not shown to fail".
  const attemptSteps = Math.max(10_000, Math.floor(budget.maxSteps / 50));
  const fails = (candidate: SearchOp<I, O>[]) =>
    budget.slice(attemptSteps, (part) => search(candidate, model, part, false).outcome === 'violation');

  // Failure is monotone in the prefix length: later calls can only be linearized after every earlier reply.
  let lo = 0;
  let hi = acknowledged.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (fails(prefixOf(mid))) hi = mid;
    else lo = mid;
  }
  const failingOperation = acknowledged[hi - 1]!;
  const prefix = prefixOf(hi);

  // Each weakening is tried on all candidates at once first, which usually settles it in one search.
  const droppable = (op: SearchOp<I, O>) =>
    op.source !== failingOperation && model.changesNothing?.(op.source.input, op.output) === true;
  let core = prefix.filter((op) => !droppable(op));
  if (core.length === prefix.length || !fails(core)) {
    core = prefix.slice();
    for (const op of prefix.filter(droppable).slice(0, maxWeakeningAttempts)) {
      const without = core.filter((other) => other !== op);
      if (fails(without)) core = without;
    }
  }
  const ignorable = (op: SearchOp<I, O>) =>
    op.ret !== undefined && op.output !== undefined && op.source !== failingOperation;
  const ignoreResult = (op: SearchOp<I, O>): SearchOp<I, O> => ({ ...op, output: undefined, weakened: true });
  const allIgnored = core.map((op) => (ignorable(op) ? ignoreResult(op) : op));
  if (core.some(ignorable) && fails(allIgnored)) {
    core = allIgnored;
  } else {
    let attempts = 0;
    for (let i = 0; i < core.length && attempts < maxWeakeningAttempts; i++) {
      if (!ignorable(core[i]!)) continue;
      attempts++;
      const weaker = core.slice();
      weaker[i] = ignoreResult(core[i]!);
      if (fails(weaker)) core = weaker;
    }
  }

  const traced = search(core, model, budget, true);
  return {
    ok: false,
    verdict: 'violation',
    partition: key,
    failingOperation,
    minimalFailingPrefix: prefix.map((op) => op.source),
    involved: core.map((op) => op.source),
    longestLinearization: traced.deepest.map((i) => core[i]!.source),
    explanation: describeViolation(key, ops.length, prefix.length, failingOperation, core, traced, model),
    steps: checkSteps + budget.steps,
  };
}

const maxOrderLines = 40;

function describeViolation<S, I, O>(
  key: string,
  partitionSize: number,
  prefixSize: number,
  failing: Operation<I, O>,
  core: readonly SearchOp<I, O>[],
  traced: SearchOutcome<S>,
  model: Model<S, I, O>,
): string {
  // Shows an operation as the shrunken history sees it: a reply that came after the failing one counts as none yet.
  const opText = (op: SearchOp<I, O>) => {
    const when = `[${op.call}..${op.ret ?? (op.source.ret === undefined ? 'no reply' : 'no reply yet')}]`;
    const output = op.weakened ? op.source.output : op.output;
    const what = model.describeOperation
      ? model.describeOperation(op.source.input, output)
      : `${defaultHash(op.source.input)} -> ${output === undefined ? '?' : defaultHash(output)}`;
    return `client ${String(op.source.clientId)} ${when} ${what}${op.weakened ? ' (result not needed)' : ''}`;
  };
  const stateText = (s: S) => (model.describeState ? model.describeState(s) : defaultHash(s));
  const failingOp = core.find((op) => op.source === failing)!;
  const lines = [
    `Partition ${JSON.stringify(key)} is not linearizable (${partitionSize} operations in it).`,
    `First reply that no order of the operations explains: ${opText(failingOp)}`,
    `A smallest contradiction found, ${core.length} of the ${prefixSize} operations called by then` +
      (core.length < prefixSize ? ' (the others changed nothing and play no part):' : ':'),
    ...core.map((op) => `  ${opText(op)}`),
  ];
  if (traced.outcome === 'budget') {
    lines.push(`(The explanation ran out of budget; this list may be longer than necessary.)`);
  }
  let state = model.init();
  lines.push(`Longest order the model accepts (${traced.deepest.length} operations), from ${stateText(state)}:`);
  const skipped = Math.max(0, traced.deepest.length - maxOrderLines);
  if (skipped > 0) lines.push(`  ... ${skipped} earlier operations`);
  traced.deepest.forEach((i, at) => {
    state = traced.deepestStates[at]!;
    if (at >= skipped) lines.push(`  ${at + 1}. ${opText(core[i]!)}  => ${stateText(state)}`);
  });
  const placed = new Set(traced.deepest);
  const waiting = core.filter((op, i) => op.ret !== undefined && !placed.has(i));
  const firstReturn = Math.min(...waiting.map((op) => op.ret!));
  const candidates = waiting.filter((op) => op.call <= firstReturn);
  if (candidates.length > 0) {
    lines.push(`Then none of the acknowledged operations that could go next fits:`);
    for (const op of candidates) {
      const fits = model.step(state, op.source.input, op.output).ok;
      lines.push(
        `  ${opText(op)}: ` +
          (fits ? 'fits here, but every continuation fails later' : 'its reply is impossible in this state'),
      );
    }
  }
  return lines.join('\n');
}

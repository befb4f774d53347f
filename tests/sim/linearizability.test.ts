// The linearizability checker against hand-made histories with known answers, and against histories generated from a
// real sequential execution (must pass) that then get one reply corrupted (must fail).

import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../node-core/protocol/index.js';
import {
  appendLogModel,
  checkLinearizability,
  type CheckResult,
  type LogInput,
  type LogOutput,
  type Operation,
  type ZnodeInput,
  type ZnodeOutput,
  znodeRegisterModel,
} from './linearizability.js';

type ZnodeOp = Operation<ZnodeInput, ZnodeOutput>;
type LogOp = Operation<LogInput, LogOutput>;

const ok = ErrorCode.ok;
const noNode = ErrorCode.noNode;
const nodeExists = ErrorCode.nodeExists;
const badVersion = ErrorCode.badVersion;

function op<I, O>(clientId: number, call: number, ret: number | undefined, input: I, output?: O): Operation<I, O> {
  return { clientId, call, ret, input, output };
}

const create = (path: string, data: string): ZnodeInput => ({ kind: 'create', path, data });
const setData = (path: string, data: string, version = -1): ZnodeInput => ({ kind: 'setData', path, data, version });
const getData = (path: string): ZnodeInput => ({ kind: 'getData', path });
const del = (path: string, version = -1): ZnodeInput => ({ kind: 'delete', path, version });

function checkZnodes(history: ZnodeOp[]): CheckResult<ZnodeInput, ZnodeOutput> {
  return checkLinearizability(history, znodeRegisterModel);
}

describe('znode register histories', () => {
  it('accepts a sequential history with versions', () => {
    const result = checkZnodes([
      op(1, 0, 1, create('/a', 'x'), { err: ok }),
      op(1, 2, 3, setData('/a', 'y', 0), { err: ok, version: 1 }),
      op(2, 4, 5, setData('/a', 'z', 0), { err: badVersion }),
      op(2, 6, 7, getData('/a'), { err: ok, data: 'y', version: 1 }),
      op(1, 8, 9, del('/a', 1), { err: ok }),
      op(2, 10, 11, getData('/a'), { err: noNode }),
      op(2, 12, 13, create('/a', 'w'), { err: ok }),
      op(1, 14, 15, getData('/a'), { err: ok, data: 'w', version: 0 }),
    ]);
    expect(result).toMatchObject({ ok: true, verdict: 'linearizable', partitions: 1, operations: 8 });
  });

  it('rejects a stale read after an acknowledged write', () => {
    const history = [
      op(1, 0, 1, create('/a', 'old'), { err: ok }),
      op(1, 2, 3, setData('/a', 'new'), { err: ok, version: 1 }),
      op(2, 4, 5, getData('/a'), { err: ok, data: 'old', version: 0 }),
    ];
    const result = checkZnodes(history);
    expect(result.ok).toBe(false);
    if (result.verdict !== 'violation') throw new Error(result.verdict);
    expect(result.partition).toBe('/a');
    expect(result.failingOperation).toBe(history[2]);
    expect(result.involved).toEqual(history);
    expect(result.explanation).toContain('getData(/a) -> ok data "old" version 0');
    expect(result.explanation).toContain('its reply is impossible in this state');
  });

  it('leaves reads and rejected writes that play no part out of the explanation', () => {
    const history: ZnodeOp[] = [
      op(1, 0, 1, create('/a', 'x'), { err: ok }),
      op(2, 2, 3, getData('/a'), { err: ok, data: 'x', version: 0 }),
      op(3, 2, 4, setData('/a', 'y', 7), { err: badVersion }),
      op(1, 5, 6, setData('/a', 'y', 0), { err: ok, version: 1 }),
      op(2, 7, 8, getData('/a'), { err: ok, data: 'y', version: 1 }),
      op(3, 7, 9, create('/a', 'z'), { err: nodeExists }),
      op(2, 10, 11, getData('/a'), { err: ok, data: 'x', version: 0 }),
      op(3, 12, 13, getData('/a'), { err: ok, data: 'y', version: 1 }),
    ];
    const result = checkZnodes(history);
    if (result.verdict !== 'violation') throw new Error(result.verdict);
    expect(result.failingOperation).toBe(history[6]);
    expect(result.minimalFailingPrefix).toEqual(history.slice(0, 7));
    expect(result.involved).toEqual([history[0], history[3], history[6]]);
    expect(result.longestLinearization).toEqual([history[0], history[3]]);
    expect(result.explanation).toContain('A smallest contradiction found, 3 of the 7 operations');
  });

  it('rejects a lost acknowledged write', () => {
    const history = [
      op(1, 0, 1, create('/a', 'x'), { err: ok }),
      op(2, 5, 6, getData('/a'), { err: noNode }),
      op(3, 7, 8, create('/b', 'y'), { err: ok }),
    ];
    const result = checkZnodes(history);
    expect(result).toMatchObject({ ok: false, verdict: 'violation', partition: '/a', failingOperation: history[1] });
  });

  it('accepts a reply-less write whose effect was seen, and rejects one that later vanishes', () => {
    const seen: ZnodeOp[] = [
      op(1, 0, 1, create('/a', 'x'), { err: ok }),
      op(1, 2, undefined, setData('/a', 'y')),
      op(2, 10, 11, getData('/a'), { err: ok, data: 'y', version: 1 }),
    ];
    expect(checkZnodes(seen).ok).toBe(true);
    const vanished: ZnodeOp[] = [...seen, op(2, 12, 13, getData('/a'), { err: ok, data: 'x', version: 0 })];
    expect(checkZnodes(vanished)).toMatchObject({ verdict: 'violation', failingOperation: vanished[3] });
  });

  it('accepts a reply-less create that must have happened, and one that never happened', () => {
    const happened: ZnodeOp[] = [
      op(1, 0, undefined, create('/a', 'x')),
      op(2, 5, 6, create('/a', 'y'), { err: nodeExists }),
      op(2, 7, 8, getData('/a'), { err: ok, data: 'x', version: 0 }),
    ];
    expect(checkZnodes(happened).ok).toBe(true);
    const never: ZnodeOp[] = [op(1, 0, undefined, create('/a', 'x')), op(2, 5, 6, getData('/a'), { err: noNode })];
    expect(checkZnodes(never).ok).toBe(true);
  });

  it('rejects a reply-less operation that could only have happened before its call', () => {
    const result = checkZnodes([
      op(2, 0, 1, getData('/a'), { err: ok, data: 'x', version: 0 }),
      op(1, 5, undefined, create('/a', 'x')),
    ]);
    expect(result.verdict).toBe('violation');
  });

  it('accepts concurrent writes in either order but not both orders', () => {
    const writes = [
      op(1, 0, 1, create('/a', 'init'), { err: ok }),
      op(1, 2, 10, setData('/a', 'one'), { err: ok }),
      op(2, 3, 9, setData('/a', 'two'), { err: ok }),
    ];
    for (const last of ['one', 'two']) {
      expect(checkZnodes([...writes, op(3, 11, 12, getData('/a'), { err: ok, data: last })]).ok).toBe(true);
    }
    const flipFlop = [
      ...writes,
      op(3, 11, 12, getData('/a'), { err: ok, data: 'one' }),
      op(3, 13, 14, getData('/a'), { err: ok, data: 'two' }),
    ];
    expect(checkZnodes(flipFlop).verdict).toBe('violation');
    // Versions pin the order: 'one' returned version 1, so a final 'one' must carry version 2.
    const pinned = [
      op(1, 0, 1, create('/a', 'init'), { err: ok }),
      op(1, 2, 10, setData('/a', 'one'), { err: ok, version: 1 }),
      op(2, 3, 9, setData('/a', 'two'), { err: ok }),
      op(3, 11, 12, getData('/a'), { err: ok, data: 'one', version: 2 }),
    ];
    expect(checkZnodes(pinned).verdict).toBe('violation');
  });

  it('lets a deadline end the window of an operation without a reply', () => {
    const history: ZnodeOp[] = [
      op(1, 0, 1, create('/a', 'x'), { err: ok }),
      op(1, 2, undefined, setData('/a', 'y')),
      op(2, 10, 11, getData('/a'), { err: ok, data: 'x', version: 0 }),
      op(2, 12, 13, getData('/a'), { err: ok, data: 'y', version: 1 }),
    ];
    expect(checkZnodes(history).ok).toBe(true);
    history[1]!.deadline = 9;
    expect(checkZnodes(history)).toMatchObject({ verdict: 'violation', failingOperation: history[3] });
    history[1]!.deadline = 12;
    expect(checkZnodes(history).ok).toBe(true);
  });

  it('can bound an operation without a reply by the same client\'s next reply', () => {
    const history: ZnodeOp[] = [
      op(1, 0, 1, create('/a', 'x'), { err: ok }),
      op(1, 2, undefined, setData('/a', 'y')),
      op(1, 5, 6, create('/b', 'z'), { err: ok }),
      op(2, 10, 11, getData('/a'), { err: ok, data: 'x', version: 0 }),
      op(2, 12, 13, getData('/a'), { err: ok, data: 'y', version: 1 }),
    ];
    expect(checkZnodes(history).ok).toBe(true);
    const bounded = checkLinearizability(history, znodeRegisterModel, { boundReplyLessByNextReply: true });
    expect(bounded).toMatchObject({ verdict: 'violation', partition: '/a', failingOperation: history[4] });
    // Seen before the client's next reply: fine either way.
    history[3]!.output = { err: ok, data: 'y', version: 1 };
    history[3]!.call = 3;
    history[3]!.ret = 4;
    expect(checkLinearizability(history, znodeRegisterModel, { boundReplyLessByNextReply: true }).ok).toBe(true);
  });

  it('treats equal timestamps as concurrent', () => {
    const result = checkZnodes([
      op(1, 0, 5, getData('/a'), { err: ok, data: 'x', version: 0 }),
      op(2, 5, 6, create('/a', 'x'), { err: ok }),
    ]);
    expect(result.ok).toBe(true);
  });

  it('checks conditional updates: only one of two racing version-0 writes can win', () => {
    const base = [
      op(1, 0, 1, create('/a', 'init'), { err: ok }),
      op(1, 2, 10, setData('/a', 'one', 0), { err: ok, version: 1 }),
    ];
    expect(checkZnodes([...base, op(2, 3, 9, setData('/a', 'two', 0), { err: badVersion })]).ok).toBe(true);
    expect(checkZnodes([...base, op(2, 3, 9, setData('/a', 'two', 0), { err: ok, version: 1 })]).verdict).toBe(
      'violation',
    );
  });

  it('reports unknown, never ok, when the budget runs out', () => {
    const history: ZnodeOp[] = [op(1, 0, 1, create('/a', 'init'), { err: ok })];
    for (let i = 0; i < 12; i++) history.push(op(i + 2, 2, 100, setData('/a', `w${i}`), { err: ok }));
    history.push(op(1, 101, 102, getData('/a'), { err: ok, data: 'never written' }));
    const result = checkZnodes(history);
    expect(result.verdict).toBe('violation');
    const limited = checkLinearizability(history, znodeRegisterModel, { maxSteps: 10 });
    expect(limited).toMatchObject({ ok: false, verdict: 'unknown', partition: '/a' });
  });

  it('rejects malformed operations', () => {
    expect(() => checkZnodes([op(1, 5, 4, getData('/a'), { err: noNode })])).toThrow(/before its call/);
  });
});

describe('append-only log histories', () => {
  const append = (value: string): LogInput => ({ kind: 'append', value });
  const read: LogInput = { kind: 'read' };

  it('accepts concurrent appends seen in one order by every reader', () => {
    const history: LogOp[] = [
      op(1, 0, 10, append('a'), {}),
      op(2, 1, 9, append('b'), {}),
      op(3, 2, 3, read, { entries: ['b'] }),
      op(4, 11, 12, read, { entries: ['b', 'a'] }),
    ];
    const result = checkLinearizability(history, appendLogModel);
    expect(result.ok).toBe(true);
  });

  it('rejects readers that disagree on the order, and a read that loses an acknowledged append', () => {
    const disagree: LogOp[] = [
      op(1, 0, 10, append('a'), {}),
      op(2, 1, 9, append('b'), {}),
      op(3, 11, 12, read, { entries: ['a', 'b'] }),
      op(4, 13, 14, read, { entries: ['b', 'a'] }),
    ];
    expect(checkLinearizability(disagree, appendLogModel).verdict).toBe('violation');
    const lost: LogOp[] = [op(1, 0, 1, append('a'), { index: 0 }), op(2, 2, 3, read, { entries: [] })];
    const result = checkLinearizability(lost, appendLogModel);
    if (result.verdict !== 'violation') throw new Error(result.verdict);
    expect(result.explanation).toContain('read() -> []');
  });

  it('accepts a reply-less append that a later read shows', () => {
    const history: LogOp[] = [
      op(1, 0, undefined, append('a')),
      op(2, 1, 2, append('b'), { index: 0 }),
      op(3, 5, 6, read, { entries: ['b', 'a'] }),
    ];
    expect(checkLinearizability(history, appendLogModel).ok).toBe(true);
  });
});

/** Deterministic PRNG (mulberry32), so a failing seed reproduces. */
function random(seed: number): (below: number) => number {
  let a = seed >>> 0;
  return (below) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

interface GeneratorShape {
  operations: number;
  keys: number;
  clients: number;
  /** Percent of requests whose reply is lost; half of those never took effect. */
  dropPercent: number;
  /** Longest time a request is in flight on each side of the moment it takes effect. */
  maxLatency: number;
}

/**
 * Runs random clients against an in-memory store one request at a time, each taking effect at a distinct moment
 * inside its [call, ret] window, so the history is linearizable by construction.
 */
function generateHistory<I, O>(
  seed: number,
  shape: GeneratorShape,
  makeInput: (rand: (below: number) => number, key: string, serial: number) => I,
  execute: (input: I) => O,
): Operation<I, O>[] {
  const rand = random(seed);
  const freeAt = new Array<number>(shape.clients).fill(0);
  const history: Operation<I, O>[] = [];
  let now = 0;
  for (let serial = 0; serial < shape.operations; serial++) {
    now += 1 + rand(2);
    const idle = freeAt.flatMap((t, c) => (t < now ? [c] : []));
    if (idle.length === 0) {
      now = Math.min(...freeAt) + 1;
      serial--;
      continue;
    }
    const clientId = idle[rand(idle.length)]!;
    const call = Math.max(freeAt[clientId]! + 1, now - rand(shape.maxLatency));
    const input = makeInput(rand, `/k${rand(shape.keys)}`, serial);
    const dropped = rand(100) < shape.dropPercent;
    const tookEffect = !dropped || rand(2) === 0;
    const output = tookEffect ? execute(input) : undefined;
    const ret = dropped ? undefined : now + rand(shape.maxLatency);
    history.push({ clientId, call, ret, input, output: dropped ? undefined : output });
    freeAt[clientId] = ret ?? now + rand(3 * shape.maxLatency);
  }
  return history;
}

function znodeStore(): (input: ZnodeInput) => ZnodeOutput {
  const nodes = new Map<string, { data: string; version: number }>();
  return (input) => {
    const node = nodes.get(input.path);
    if (input.kind === 'create') {
      if (node) return { err: nodeExists };
      nodes.set(input.path, { data: input.data, version: 0 });
      return { err: ok, version: 0 };
    }
    if (!node) return { err: noNode };
    switch (input.kind) {
      case 'getData':
        return { err: ok, data: node.data, version: node.version };
      case 'exists':
        return { err: ok, version: node.version };
      case 'setData':
        if (input.version !== -1 && input.version !== node.version) return { err: badVersion };
        node.data = input.data;
        node.version++;
        return { err: ok, version: node.version };
      case 'delete':
        if (input.version !== -1 && input.version !== node.version) return { err: badVersion };
        nodes.delete(input.path);
        return { err: ok };
    }
  };
}

function randomZnodeInput(rand: (below: number) => number, path: string, serial: number): ZnodeInput {
  const data = `d${serial}`;
  const roll = rand(100);
  if (roll < 15) return { kind: 'create', path, data };
  if (roll < 45) return { kind: 'setData', path, data, version: rand(3) === 0 ? -1 : rand(4) };
  if (roll < 80) return { kind: 'getData', path };
  if (roll < 90) return { kind: 'exists', path };
  return { kind: 'delete', path, version: rand(2) === 0 ? -1 : rand(4) };
}

function generateZnodeHistory(seed: number, shape: GeneratorShape): ZnodeOp[] {
  return generateHistory(seed, shape, randomZnodeInput, znodeStore());
}

/** Replaces one acknowledged read with a reply no order can produce; returns the corrupted operation. */
function corruptZnodeRead(history: ZnodeOp[], seed: number): ZnodeOp {
  const rand = random(seed ^ 0x5bd1e995);
  const reads = history.filter((o) => o.ret !== undefined && o.input.kind === 'getData' && o.output?.err === ok);
  const victim = reads[rand(reads.length)]!;
  const output = victim.output!;
  victim.output = rand(2) === 0 ? { ...output, data: 'never written' } : { ...output, version: 1_000_000 };
  return victim;
}

describe('randomized histories from a real sequential execution', () => {
  const shape: GeneratorShape = { operations: 300, keys: 4, clients: 6, dropPercent: 10, maxLatency: 12 };

  it('accepts every generated znode history and rejects each after one corrupted read', () => {
    for (let seed = 1; seed <= 60; seed++) {
      // The generator's clients wait for a reply or give up before sending the next request, so the bound holds.
      const options = { boundReplyLessByNextReply: seed % 2 === 0 };
      const history = generateZnodeHistory(seed, shape);
      const before = checkLinearizability(history, znodeRegisterModel, options);
      expect(before.ok, `seed ${seed}: ${before.verdict !== 'linearizable' ? before.explanation : ''}`).toBe(true);
      const victim = corruptZnodeRead(history, seed);
      const after = checkLinearizability(history, znodeRegisterModel, options);
      expect(after.verdict, `seed ${seed}`).toBe('violation');
      if (after.verdict === 'violation') {
        expect(after.partition).toBe(victim.input.path);
        expect(after.involved).toContain(victim);
      }
    }
  });

  it('accepts every generated log history and rejects each after one corrupted read', () => {
    const logShape: GeneratorShape = { operations: 150, keys: 1, clients: 5, dropPercent: 10, maxLatency: 10 };
    for (let seed = 1; seed <= 40; seed++) {
      const options = { boundReplyLessByNextReply: seed % 2 === 0 };
      const log: string[] = [];
      const history = generateHistory<LogInput, LogOutput>(
        seed,
        logShape,
        (rand, _key, serial) => (rand(3) === 0 ? { kind: 'read' } : { kind: 'append', value: `p${serial}` }),
        (input) => {
          if (input.kind === 'read') return { entries: log.slice() };
          log.push(input.value);
          return { index: log.length - 1 };
        },
      );
      const before = checkLinearizability(history, appendLogModel, options);
      expect(before.ok, `seed ${seed}: ${before.verdict !== 'linearizable' ? before.explanation : ''}`).toBe(true);
      const reads = history.filter((o) => o.ret !== undefined && (o.output?.entries?.length ?? 0) > 0);
      const victim = reads[random(seed)(reads.length)]!;
      const entries = victim.output!.entries!.slice();
      entries[random(seed + 1)(entries.length)] = 'never appended';
      victim.output = { entries };
      expect(checkLinearizability(history, appendLogModel, options).verdict, `seed ${seed}`).toBe('violation');
    }
  });
});

/** Every subset of reply-less operations in every order, checked against real time and the model: the reference. */
function bruteForceLinearizable(history: readonly ZnodeOp[]): boolean {
  const end = (o: ZnodeOp) => o.ret ?? o.deadline ?? Infinity;
  const required = history.filter((o) => o.ret !== undefined);
  const optional = history.filter((o) => o.ret === undefined);
  const orders = (ops: ZnodeOp[]): ZnodeOp[][] =>
    ops.length === 0 ? [[]] : ops.flatMap((o, i) => orders(ops.filter((_, j) => j !== i)).map((rest) => [o, ...rest]));
  for (let mask = 0; mask < 1 << optional.length; mask++) {
    const chosen = [...required, ...optional.filter((_, i) => mask & (1 << i))];
    for (const order of orders(chosen)) {
      if (order.some((o, i) => order.slice(0, i).some((earlier) => end(o) < earlier.call))) continue;
      let state = znodeRegisterModel.init();
      const fits = order.every((o) => {
        const stepped = znodeRegisterModel.step(state, o.input, o.ret === undefined ? undefined : o.output);
        state = stepped.state;
        return stepped.ok;
      });
      if (fits) return true;
    }
  }
  return false;
}

describe('agreement with brute force on small histories', () => {
  it('gives the same verdict as trying every order', () => {
    let violations = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const rand = random(seed * 7919);
      const history = generateZnodeHistory(seed, {
        operations: 4 + rand(3),
        keys: 1,
        clients: 3,
        dropPercent: 30,
        maxLatency: 4,
      });
      for (const o of history) {
        if (o.ret === undefined && rand(2) === 0) o.deadline = o.call + rand(8);
        if (o.ret !== undefined && o.output && rand(4) === 0) {
          o.output = { err: [ok, noNode, nodeExists, badVersion][rand(4)]!, data: `d${rand(4)}`, version: rand(3) };
        }
      }
      const expected = bruteForceLinearizable(history);
      const result = checkZnodes(history);
      expect(result.verdict, `seed ${seed}: ${JSON.stringify(history)}`).toBe(expected ? 'linearizable' : 'violation');
      if (!expected) violations++;
    }
    // Both verdicts must be well represented for the agreement to mean something.
    expect(violations).toBeGreaterThan(200);
    expect(violations).toBeLessThan(1300);
  });
});

describe('performance', () => {
  it('checks 2,000 operations over 50 keys well under a second', () => {
    const shape: GeneratorShape = { operations: 2000, keys: 50, clients: 16, dropPercent: 5, maxLatency: 20 };
    for (const boundReplyLessByNextReply of [false, true]) {
      const history = generateZnodeHistory(7, shape);
      const started = performance.now();
      const result = checkLinearizability(history, znodeRegisterModel, { boundReplyLessByNextReply });
      expect(result).toMatchObject({ ok: true, partitions: 50, operations: 2000 });
      expect(performance.now() - started).toBeLessThan(1000);
      // Explaining a violation costs extra searches; it must stay quick too.
      corruptZnodeRead(history, 7);
      const explainStarted = performance.now();
      expect(checkLinearizability(history, znodeRegisterModel, { boundReplyLessByNextReply }).verdict).toBe(
        'violation',
      );
      expect(performance.now() - explainStarted).toBeLessThan(1000);
    }
  });

  it('checks 2,000 operations on one busy key when replies bound the reply-less ones', () => {
    const history = generateZnodeHistory(7, { operations: 2000, keys: 1, clients: 8, dropPercent: 5, maxLatency: 20 });
    const started = performance.now();
    const result = checkLinearizability(history, znodeRegisterModel, { boundReplyLessByNextReply: true });
    expect(result.ok).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

// Sequential models for the linearizability checker: one znode per key with ZooKeeper's create/setData/getData/
// exists/delete semantics, and an append-only log for the simulator's opaque payloads.

import { ErrorCode } from '../../node-core/protocol/index.js';
import type { Model, Operation } from './linearizability.js';

/**
 * A request on one znode. `version` -1 matches any version, as in ZooKeeper. Data is a string; encode bytes
 * (hex, base64) before recording. The register model treats znodes as independent: parents must already exist and
 * the checked znodes must have no children, since create/delete rules across paths are not modelled.
 */
export type ZnodeInput =
  | { kind: 'create'; path: string; data: string }
  | { kind: 'setData'; path: string; data: string; version: number }
  | { kind: 'getData'; path: string }
  | { kind: 'exists'; path: string }
  | { kind: 'delete'; path: string; version: number };

/** The reply: `err` is a ZooKeeper error code (0 = ok); `data` and `version` are checked only when present. */
export interface ZnodeOutput {
  err: number;
  data?: string;
  version?: number;
}

export type ZnodeState = { exists: false } | { exists: true; data: string; version: number };

const absent: ZnodeState = { exists: false };

export const znodeRegisterModel: Model<ZnodeState, ZnodeInput, ZnodeOutput> = {
  partition: (op: Operation<ZnodeInput, ZnodeOutput>) => op.input.path,
  init: () => absent,
  step(state, input, output) {
    const { err, next, data, version } = applyToZnode(state, input);
    if (output === undefined) return { ok: true, state: next };
    const ok =
      output.err === err &&
      (err !== ErrorCode.ok ||
        ((output.data === undefined || data === undefined || output.data === data) &&
          (output.version === undefined || version === undefined || output.version === version)));
    return { ok, state: next };
  },
  hash: (state) => (state.exists ? `v${state.version}:${state.data}` : '-'),
  changesNothing: (input, output) =>
    input.kind === 'getData' || input.kind === 'exists' || (output !== undefined && output.err !== ErrorCode.ok),
  describeOperation(input, output) {
    const args =
      input.kind === 'create'
        ? `${input.path}, ${JSON.stringify(input.data)}`
        : input.kind === 'setData'
          ? `${input.path}, ${JSON.stringify(input.data)}, version ${input.version}`
          : input.kind === 'delete'
            ? `${input.path}, version ${input.version}`
            : input.path;
    return `${input.kind}(${args}) -> ${output === undefined ? '?' : describeZnodeReply(output)}`;
  },
  describeState: (state) =>
    state.exists ? `{data ${JSON.stringify(state.data)}, version ${state.version}}` : '{absent}',
};

/** What ZooKeeper does to one znode, in its order of checks: NoNode before BadVersion. */
function applyToZnode(
  state: ZnodeState,
  input: ZnodeInput,
): { err: number; next: ZnodeState; data?: string; version?: number } {
  switch (input.kind) {
    case 'create':
      if (state.exists) return { err: ErrorCode.nodeExists, next: state };
      return { err: ErrorCode.ok, next: { exists: true, data: input.data, version: 0 }, version: 0 };
    case 'setData': {
      if (!state.exists) return { err: ErrorCode.noNode, next: state };
      if (input.version !== -1 && input.version !== state.version) return { err: ErrorCode.badVersion, next: state };
      const version = state.version + 1;
      return { err: ErrorCode.ok, next: { exists: true, data: input.data, version }, version };
    }
    case 'getData':
    case 'exists':
      if (!state.exists) return { err: ErrorCode.noNode, next: state };
      return {
        err: ErrorCode.ok,
        next: state,
        data: input.kind === 'getData' ? state.data : undefined,
        version: state.version,
      };
    case 'delete':
      if (!state.exists) return { err: ErrorCode.noNode, next: state };
      if (input.version !== -1 && input.version !== state.version) return { err: ErrorCode.badVersion, next: state };
      return { err: ErrorCode.ok, next: absent };
  }
}

function describeZnodeReply(output: ZnodeOutput): string {
  if (output.err !== ErrorCode.ok) {
    const name = Object.entries(ErrorCode).find(([, code]) => code === output.err)?.[0];
    return name ? `${name} (${output.err})` : `error ${output.err}`;
  }
  const parts = ['ok'];
  if (output.data !== undefined) parts.push(`data ${JSON.stringify(output.data)}`);
  if (output.version !== undefined) parts.push(`version ${output.version}`);
  return parts.join(' ');
}

/** `append` adds a value at the end; `read` returns the whole log. `key` names independent logs (default ''). */
export type LogInput = { kind: 'append'; value: string; key?: string } | { kind: 'read'; key?: string };

/** `index` (position of an append) and `entries` (a read's result) are checked when present. */
export interface LogOutput {
  index?: number;
  entries?: readonly string[];
}

/**
 * A persistent list, newest entry first, so an append is O(1) and earlier states stay valid for backtracking; the two
 * running hashes make the cache key O(1) as well.
 */
export type LogState = { length: 0 } | { length: number; value: string; previous: LogState; h0: number; h1: number };

const emptyLog: LogState = { length: 0 };

export const appendLogModel: Model<LogState, LogInput, LogOutput> = {
  partition: (op: Operation<LogInput, LogOutput>) => op.input.key ?? '',
  refine: (ops) => pinPositions(ops),
  init: () => emptyLog,
  step(state, input, output) {
    if (input.kind === 'append') {
      const next = appendEntry(state, input.value);
      return { ok: output?.index === undefined || output.index === state.length, state: next };
    }
    return { ok: output?.entries === undefined || logEquals(state, output.entries), state };
  },
  changesNothing: (input) => input.kind === 'read',
  hash: (state) => ('value' in state ? `${state.length}:${state.h0}:${state.h1}` : '0'),
  equal: (a, b) => a === b || (a.length === b.length && logEquals(a, logEntries(b))),
  describeOperation(input, output) {
    if (input.kind === 'append') {
      const at = output?.index === undefined ? '' : ` at ${output.index}`;
      return `append(${JSON.stringify(input.value)}) -> ${output === undefined ? '?' : `ok${at}`}`;
    }
    return `read() -> ${output?.entries === undefined ? '?' : JSON.stringify(output.entries)}`;
  },
  describeState: (state) => JSON.stringify(logEntries(state)),
};

/**
 * A log only grows, so once any acknowledged read shows value v at position i (or an append reports index i),
 * position i holds v for good. Rejecting any other append there at once, instead of at the next read, is what keeps
 * appends without a reply (which may sit anywhere, or nowhere) from multiplying the search by every order of them.
 * Only positions are pinned, never values, so repeated payloads stay correct.
 */
function pinPositions(ops: readonly Operation<LogInput, LogOutput>[]): Model<LogState, LogInput, LogOutput> {
  const pinned = new Map<number, string>();
  for (const op of ops) {
    if (op.ret === undefined || op.output === undefined) continue;
    if (op.input.kind === 'append' && op.output.index !== undefined) {
      if (!pinned.has(op.output.index)) pinned.set(op.output.index, op.input.value);
    }
    op.output.entries?.forEach((value, position) => {
      if (!pinned.has(position)) pinned.set(position, value);
    });
  }
  if (pinned.size === 0) return appendLogModel;
  const { refine: _refine, ...plain } = appendLogModel;
  return {
    ...plain,
    step(state, input, output) {
      if (input.kind === 'append') {
        const pin = pinned.get(state.length);
        if (pin !== undefined && pin !== input.value) return { ok: false, state };
      }
      return appendLogModel.step(state, input, output);
    },
  };
}

function appendEntry(state: LogState, value: string): LogState {
  let h0 = 'value' in state ? state.h0 : 0x811c9dc5;
  let h1 = 'value' in state ? state.h1 : 0x01000193;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    h0 = Math.imul(h0 ^ c, 0x01000193);
    h1 = Math.imul(h1 + c, 0x5bd1e995) ^ (h1 >>> 15);
  }
  // A separator keeps ["ab"] and ["a", "b"] apart.
  h0 = Math.imul(h0 ^ 0xff, 0x01000193) >>> 0;
  h1 = (Math.imul(h1 + 0x1ff, 0x5bd1e995) ^ (h1 >>> 15)) >>> 0;
  return { length: state.length + 1, value, previous: state, h0, h1 };
}

function logEquals(state: LogState, entries: readonly string[]): boolean {
  if (state.length !== entries.length) return false;
  let node = state;
  for (let i = entries.length - 1; i >= 0; i--) {
    if (!('value' in node) || node.value !== entries[i]) return false;
    node = node.previous;
  }
  return true;
}

function logEntries(state: LogState): string[] {
  const entries: string[] = [];
  for (let node = state; 'value' in node; node = node.previous) entries.push(node.value);
  return entries.reverse();
}

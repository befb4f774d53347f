// Differential compatibility test: one scripted scenario (every opcode, every reachable error path, watches across
// sessions, reconnects and expiry) runs against Apache ZooKeeper 3.8 and against Paddock, and the normalised
// replies must not differ at all. PADDOCK_COMPAT_TARGETS=apache compares Apache with a second fresh Apache run
// (proving the normaliser removes run-to-run noise); =paddock compares Paddock with the saved Apache transcript.
// It runs on standalone servers and on 3-node ensembles; PADDOCK_COMPAT_ENSEMBLE=0 leaves the ensembles out.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OpCode } from '../../node-core/protocol/index.js';
import { compatTargets } from '../helpers/zkTarget.js';
import { compareTranscripts, formatDifferences } from './scenario/compare.js';
import { codeName, type NormalisedTranscript } from './scenario/normalise.js';
import { scenario, scenarioFor } from './scenario/steps.js';
import { assertSame, checkReference, transcriptOf } from './scenario/transcripts.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/compat/apache-standalone-transcript.json', import.meta.url));
const targets = compatTargets();
const ensembleSize = Number(process.env.PADDOCK_COMPAT_ENSEMBLE ?? '3');

const LEGEND = [
  'Apache ZooKeeper 3.8 (standalone) running tests/compat/scenario/steps.ts, normalised by scenario/normalise.ts.',
  'Written when missing or when PADDOCK_UPDATE_FIXTURES is set; tests/compat/differential.test.ts compares against it.',
  'zxid tokens: "new" = larger than every zxid seen before; "=#N.field" = the same zxid first seen at step N;',
  '"new<#N.field" = unseen before but older than that one; 0 and negatives are literal.',
  'ctime/mtime: "t(czxid)"/"t(mzxid)" = the time of that txn, consistent across stats, in zxid order and inside',
  'the wall-clock window of the write that made it; anything else is spelled out after "BUT".',
  'sessionId/ephemeralOwner: the scenario session holding the id; "xid": negatives are the special xids.',
  'sessionLogs: per session, replies, watch events and server-side closes in arrival order.',
];

function saveFixture(reference: NormalisedTranscript): void {
  if (existsSync(FIXTURE) && process.env.PADDOCK_UPDATE_FIXTURES === undefined) return;
  mkdirSync(dirname(FIXTURE), { recursive: true });
  writeFileSync(FIXTURE, `${JSON.stringify({ legend: LEGEND, ...reference }, null, 1)}\n`);
}

describe('differential scenario', () => {
  it('has at least 150 steps and covers every client opcode', () => {
    expect(scenario.length).toBeGreaterThanOrEqual(150);
    const opcodes = new Set<string>();
    for (const step of scenario) {
      opcodes.add(step.op === 'connect' ? 'createSession' : step.op);
      if (step.op === 'multi' || step.op === 'multiRead') step.args.ops.forEach((op) => opcodes.add(`${step.op}:${op.op}`));
      if (step.op === 'raw') opcodes.add(step.args.type === OpCode.reconfig ? 'reconfig' : 'unknown opcode');
    }
    for (const op of [
      'createSession', 'closeSession', 'ping', 'create', 'create2', 'createContainer', 'createTTL', 'delete',
      'deleteContainer', 'exists', 'getData', 'setData', 'getACL', 'setACL', 'getChildren', 'getChildren2',
      'getAllChildrenNumber', 'getEphemerals', 'check', 'multi', 'multiRead', 'sync', 'setWatches', 'setWatches2',
      'addWatch', 'removeWatches', 'checkWatches', 'auth', 'whoAmI', 'reconfig', 'unknown opcode', 'multi:check',
      'multi:createTTL', 'multiRead:getData', 'multiRead:getChildren',
    ]) {
      expect(opcodes, op).toContain(op);
    }
    const expected = new Set(scenario.flatMap((s) => [s.expect ?? 'ok', ...(s.expectResults ?? [])]));
    for (const code of [
      'noNode', 'nodeExists', 'badVersion', 'notEmpty', 'noChildrenForEphemerals', 'invalidACL', 'noAuth',
      'badArguments', 'unimplemented', 'noWatcher', 'sessionExpired', 'authFailed', 'runtimeInconsistency',
      'marshallingError', 'reconfigDisabled', 'noReply',
    ]) {
      expect(expected, code).toContain(code);
    }
  });

  it('tells differences apart: one changed field is one difference', () => {
    const base: NormalisedTranscript = JSON.parse(readFileSync(FIXTURE, 'utf8')) as NormalisedTranscript;
    expect(compareTranscripts(base, base)).toEqual([]);
    const changed = structuredClone(base);
    const step = changed.steps.find((s) => s.op === 'setData' && s.result.code === 'ok')!;
    (step.result.body as { stat: { version: number } }).stat.version += 1;
    changed.sessionLogs.A!.reverse();
    const differences = compareTranscripts(base, changed);
    expect(differences.map((d) => d.field)).toEqual(['body.stat.version', expect.stringMatching(/^entry 0 /)]);
    expect(formatDifferences(differences, 'apache', 'paddock')).toContain(`#${step.step} ${step.session} setData`);
    expect(codeName(-101)).toBe('noNode');
  });

  const sizes = [1, ...(ensembleSize > 1 ? [ensembleSize] : [])];
  describe.each(sizes)('on %i-server targets', (size) => {
    const label = size === 1 ? 'standalone' : `${size}-node ensemble`;

    // Only the mode PADDOCK_COMPAT_TARGETS selects is registered, so a run shows no skipped tests.
    if (targets.includes('apache') && targets.includes('paddock')) it(
      `Paddock ${label} answers exactly like Apache ZooKeeper 3.8`,
      async () => {
        const reference = await transcriptOf('apache', size);
        checkReference(reference, size);
        if (size === 1) saveFixture(reference);
        assertSame(reference, await transcriptOf('paddock', size), scenarioFor(size));
      },
      240_000,
    );

    if (targets.length === 1 && targets[0] === 'apache') it(
      `two fresh Apache ${label} runs normalise to the same transcript`,
      async () => {
        const first = await transcriptOf('apache', size);
        checkReference(first, size);
        if (size === 1) saveFixture(first);
        assertSame(first, await transcriptOf('apache', size));
      },
      240_000,
    );

    if (targets.length === 1 && targets[0] === 'paddock' && size === 1) it(
      'Paddock standalone answers like the saved Apache transcript',
      async () => {
        const reference = JSON.parse(readFileSync(FIXTURE, 'utf8')) as NormalisedTranscript;
        assertSame(reference, await transcriptOf('paddock', size), scenarioFor(size));
      },
      240_000,
    );
  });
});

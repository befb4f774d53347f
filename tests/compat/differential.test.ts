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
import { compatTargets, startTarget, type TargetKind, type ZkTarget } from '../helpers/zkTarget.js';
import { compareTranscripts, formatDifferences } from './scenario/compare.js';
import { codeName, normaliseTranscript, type NormValue, type NormalisedTranscript } from './scenario/normalise.js';
import { runScenario } from './scenario/runner.js';
import type { Step } from './scenario/scenarioTypes.js';
import { scenario, scenarioFor } from './scenario/steps.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/compat/apache-standalone-transcript.json', import.meta.url));
const targets = compatTargets();
const ensembleSize = Number(process.env.PADDOCK_COMPAT_ENSEMBLE ?? '3');

async function transcriptOf(kind: TargetKind, size: number): Promise<NormalisedTranscript> {
  const target: ZkTarget = await startTarget(kind, { size });
  try {
    // Every session talks to the same member, so each read sees the writes before it without a sync.
    const member = target.members[0]!;
    const masks = target.members.flatMap((m) =>
      [m.clientPort, m.quorumPort, m.electionPort].map((port, i) => [`:${port}`, `:<member ${m.id} port ${i}>`] as const),
    );
    const steps = scenarioFor(size);
    const raw = await runScenario(steps, {
      host: '127.0.0.1',
      port: member.clientPort,
      target: `${kind} ${size === 1 ? 'standalone' : `${size}-node ensemble`}`,
      dataMasks: masks,
    });
    return normaliseTranscript(raw, steps);
  } finally {
    await target.stop();
  }
}

/** The outcome a step's expect field speaks of: the reply code, or noReply for an unanswered request. */
function outcomeName(result: { [field: string]: NormValue }): string {
  if (result.failure === 'timeout') return 'noReply';
  return typeof result.code === 'string' ? result.code : `failure: ${String(result.failure)}`;
}

function multiResultCodes(result: { [field: string]: NormValue }): string[] {
  const body = result.body as { results?: { op: string; err?: string }[] } | undefined;
  return (body?.results ?? []).map((r) => (r.op === 'error' ? (r.err ?? '?') : 'ok'));
}

/** Apache's transcript must show what the scenario promises, so two empty transcripts cannot pass as equal. */
function checkReference(reference: NormalisedTranscript, size: number): void {
  const steps = scenarioFor(size);
  expect(reference.steps).toHaveLength(steps.length);
  const mismatches: string[] = [];
  steps.forEach((step: Step, i) => {
    const result = reference.steps[i]!.result;
    if (step.expect !== undefined && outcomeName(result) !== step.expect) {
      mismatches.push(`#${i} ${step.session} ${step.op}: expected ${step.expect}, got ${outcomeName(result)}`);
    }
    if (step.expectResults !== undefined) {
      const got = multiResultCodes(result);
      if (JSON.stringify(got) !== JSON.stringify(step.expectResults)) {
        mismatches.push(`#${i} ${step.op} results: expected ${step.expectResults.join(',')}, got ${got.join(',')}`);
      }
    }
  });
  expect(mismatches).toEqual([]);
  // The normaliser flags times that break their txn's relations and owners that are no session of the run.
  const suspicious = JSON.stringify(reference.steps.map((s) => s.result)).match(/[^"]* BUT [^"]*|not a session[^"]*/g);
  expect(suspicious).toBeNull();
  // Watch events really were recorded, interleaved with replies.
  const events = Object.values(reference.sessionLogs).flat().filter((e) => e.startsWith('event '));
  expect(events.length).toBeGreaterThanOrEqual(25);
}

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

function assertSame(left: NormalisedTranscript, right: NormalisedTranscript, steps: readonly Step[] = []): void {
  // Documented deviations are excused from the comparison only where the right side is Paddock, and there
  // Paddock's own outcome is checked instead.
  const deviating = right.target.startsWith('paddock') ? steps.filter((s) => s.deviation !== undefined) : [];
  const excused = new Set(deviating.map((s) => steps.indexOf(s)));
  const wrongDeviations = deviating
    .map((s) => ({ s, index: steps.indexOf(s) }))
    .filter(({ s, index }) => outcomeName(right.steps[index]!.result) !== s.deviation!.paddock)
    .map(({ s, index }) => `#${index} ${s.op}: expected ${s.deviation!.paddock} (${s.deviation!.why}), got ${outcomeName(right.steps[index]!.result)}`);
  expect(wrongDeviations).toEqual([]);
  const differences = compareTranscripts(left, right, excused);
  expect(
    differences.length,
    `${differences.length} differences:\n${formatDifferences(differences.slice(0, 60), left.target, right.target)}`,
  ).toBe(0);
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

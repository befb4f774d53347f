// Runs the differential scenario against a target and compares normalised transcripts: shared by the differential
// test (Apache vs Paddock, standalone and ensembles) and the mixed-ensemble differential test.
import { expect } from 'vitest';
import { startTarget, type TargetKind, type ZkMember, type ZkTarget } from '../../helpers/zkTarget.js';
import { compareTranscripts, formatDifferences } from './compare.js';
import { normaliseTranscript, type NormValue, type NormalisedTranscript } from './normalise.js';
import { runScenario } from './runner.js';
import type { Step } from './scenarioTypes.js';
import { scenarioFor } from './steps.js';

/** Runs the scenario with every session on `member` of a running target; `label` names the transcript. */
export async function transcriptOn(target: ZkTarget, member: ZkMember, label: string): Promise<NormalisedTranscript> {
  // Every session talks to the same member, so each read sees the writes before it without a sync.
  const masks = target.members.flatMap((m) =>
    [m.clientPort, m.quorumPort, m.electionPort].map((port, i) => [`:${port}`, `:<member ${m.id} port ${i}>`] as const),
  );
  const steps = scenarioFor(target.members.length);
  const raw = await runScenario(steps, { host: '127.0.0.1', port: member.clientPort, target: label, dataMasks: masks });
  return normaliseTranscript(raw, steps);
}

/** The scenario on the first member of a fresh target of `kind` and `size`. */
export async function transcriptOf(kind: TargetKind, size: number): Promise<NormalisedTranscript> {
  const target: ZkTarget = await startTarget(kind, { size });
  try {
    return await transcriptOn(target, target.members[0]!, `${kind} ${size === 1 ? 'standalone' : `${size}-node ensemble`}`);
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
export function checkReference(reference: NormalisedTranscript, size: number): void {
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

export function assertSame(left: NormalisedTranscript, right: NormalisedTranscript, steps: readonly Step[] = []): void {
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


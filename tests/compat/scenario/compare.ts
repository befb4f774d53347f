// Compares two normalised transcripts field by field and lists every difference as step, op, field and the two
// values, readable enough to fix a server from; session logs (replies interleaved with watch events) are compared
// entry by entry.
import type { NormValue, NormalisedTranscript } from './normalise.js';

export interface Difference {
  /** The step number, or undefined for a session-log difference. */
  step?: number;
  session: string;
  op: string;
  field: string;
  left: string;
  right: string;
}

const show = (value: NormValue | undefined): string => (value === undefined ? '(absent)' : JSON.stringify(value));

function diffValues(left: NormValue | undefined, right: NormValue | undefined, field: string, out: [string, string, string][]): void {
  if (left === right) return;
  const bothObjects =
    left !== null && right !== null && typeof left === 'object' && typeof right === 'object' && left !== undefined;
  if (bothObjects && Array.isArray(left) === Array.isArray(right)) {
    if (Array.isArray(left) && Array.isArray(right)) {
      // Lists of names compare whole: one missing child would otherwise shift every later index.
      if (left.every((x) => typeof x === 'string') && right.every((x) => typeof x === 'string')) {
        if (show(left) !== show(right)) out.push([field, show(left), show(right)]);
        return;
      }
      for (let i = 0; i < Math.max(left.length, right.length); i++) diffValues(left[i], right[i], `${field}[${i}]`, out);
      return;
    }
    const l = left as { [k: string]: NormValue };
    const r = right as { [k: string]: NormValue };
    for (const key of new Set([...Object.keys(l), ...Object.keys(r)])) {
      diffValues(l[key], r[key], field === '' ? key : `${field}.${key}`, out);
    }
    return;
  }
  if (show(left) !== show(right)) out.push([field, show(left), show(right)]);
}

/**
 * Every difference between the transcripts, except at `excusedSteps` (documented deviations), whose replies are
 * also dropped from the session logs before those are compared.
 */
export function compareTranscripts(
  left: NormalisedTranscript,
  right: NormalisedTranscript,
  excusedSteps: ReadonlySet<number> = new Set(),
): Difference[] {
  const differences: Difference[] = [];
  const count = Math.max(left.steps.length, right.steps.length);
  for (let i = 0; i < count; i++) {
    const l = left.steps[i];
    const r = right.steps[i];
    const anchor = l ?? r!;
    if (excusedSteps.has(anchor.step)) continue;
    const found: [string, string, string][] = [];
    if (l === undefined || r === undefined) found.push(['(step)', l ? 'present' : '(absent)', r ? 'present' : '(absent)']);
    else diffValues(l.result, r.result, '', found);
    for (const [field, lv, rv] of found) {
      differences.push({ step: anchor.step, session: anchor.session, op: anchor.op, field, left: lv, right: rv });
    }
  }
  for (const session of new Set([...Object.keys(left.sessionLogs), ...Object.keys(right.sessionLogs)])) {
    const excused = (entry: string) => {
      const match = /^reply #(\d+)$/.exec(entry);
      return match !== null && excusedSteps.has(Number(match[1]));
    };
    const l = (left.sessionLogs[session] ?? []).filter((entry) => !excused(entry));
    const r = (right.sessionLogs[session] ?? []).filter((entry) => !excused(entry));
    // Report the first divergence with a little context; everything after it usually differs by shift alone.
    const first = [...Array(Math.max(l.length, r.length)).keys()].find((i) => l[i] !== r[i]);
    if (first === undefined) continue;
    const window = (log: string[]) => log.slice(Math.max(0, first - 2), first + 4).join(' | ');
    differences.push({
      session,
      op: 'session log',
      field: `entry ${first} of ${l.length} vs ${r.length}`,
      left: window(l),
      right: window(r),
    });
  }
  return differences;
}

/** One line per difference: "#47 A setData body.stat.mzxid: apache=... paddock=...". */
export function formatDifferences(differences: readonly Difference[], leftName: string, rightName: string): string {
  if (differences.length === 0) return 'no differences';
  return differences
    .map((d) => {
      const where = d.step === undefined ? `session ${d.session}` : `#${d.step} ${d.session} ${d.op}`;
      return `${where} ${d.field}:\n    ${leftName}: ${d.left}\n    ${rightName}: ${d.right}`;
    })
    .join('\n');
}

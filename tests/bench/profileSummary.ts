// Summarises a V8 .cpuprofile (written by `node --cpu-prof`) as the functions with the most self and total time,
// so `npm run bench -- --profile` can say where Paddock spends its CPU without opening DevTools.
// Also runnable on its own: node dist/tests/bench/profileSummary.js <file.cpuprofile> [topN]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  location: string;
  selfMs: number;
  totalMs: number;
}

export interface ProfileSummary {
  sampledMs: number;
  /** Time in V8's (idle) pseudo-node: the server waiting for I/O. */
  idleMs: number;
  functions: FunctionTime[];
}

function locationOf(frame: CallFrame, root: string | undefined): string {
  if (frame.url === '') return '';
  let url = frame.url.replace(/^file:\/\//, '');
  if (root !== undefined && url.startsWith(root)) url = relative(root, url);
  return `${url}:${frame.lineNumber + 1}`;
}

export function summarizeProfile(profile: CpuProfile, root?: string): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const keyOf = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'}\u0000${locationOf(node.callFrame, root)}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let sampledUs = 0;
  let idleUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // timeDeltas[i] is the gap before sample i; attributing it to sample i is V8's own convention
    const delta = Math.max(0, profile.timeDeltas[i] ?? 0);
    const node = byId.get(profile.samples[i]!);
    if (node === undefined) continue;
    sampledUs += delta;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += delta;
      continue;
    }
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + delta);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const k = keyOf(byId.get(id)!);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + delta);
    }
  }
  const functions = [...total.entries()]
    .filter(([key]) => !key.startsWith('(root)'))
    .map(([key, totalUs]) => {
      const [name, location] = key.split('\u0000') as [string, string];
      return { name, location, selfMs: (self.get(key) ?? 0) / 1000, totalMs: totalUs / 1000 };
    });
  return { sampledMs: sampledUs / 1000, idleMs: idleUs / 1000, functions };
}

function pct(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '–';
}

export function renderProfileSummary(title: string, summary: ProfileSummary, top = 20): string {
  const busy = summary.sampledMs - summary.idleMs;
  const lines = [
    `#### ${title}`,
    '',
    `Sampled ${(summary.sampledMs / 1000).toFixed(1)} s, busy ${(busy / 1000).toFixed(1)} s (${pct(busy, summary.sampledMs)}); ` +
      'percentages are of busy time.',
    '',
    '| Self | Total | Function | Where |',
    '| ---: | ---: | --- | --- |',
  ];
  const bySelf = [...summary.functions].sort((a, b) => b.selfMs - a.selfMs).slice(0, top);
  for (const f of bySelf) {
    lines.push(`| ${pct(f.selfMs, busy)} | ${pct(f.totalMs, busy)} | ${f.name} | ${f.location} |`);
  }
  lines.push('', 'Highest total (inclusive) time among Paddock\'s own functions:', '');
  lines.push('| Total | Self | Function | Where |', '| ---: | ---: | --- | --- |');
  const own = summary.functions
    .filter((f) => f.location.startsWith('dist/node-core/'))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, top);
  for (const f of own) lines.push(`| ${pct(f.totalMs, busy)} | ${pct(f.selfMs, busy)} | ${f.name} | ${f.location} |`);
  return lines.join('\n') + '\n';
}

export function summarizeProfileFile(path: string, root?: string): ProfileSummary {
  return summarizeProfile(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile, root);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, topArg] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write('usage: node dist/tests/bench/profileSummary.js <file.cpuprofile> [topN]\n');
    process.exit(1);
  }
  const root = process.cwd() + '/';
  process.stdout.write(renderProfileSummary(file, summarizeProfileFile(file, root), Number(topArg ?? 20)));
}

// Turns collected figures into the markdown tables (printed, saved as bench/results/latest.md, pasted into the
// README) and the JSON record of the run (bench/results/<stamp>.json).
import { serverKinds, serverLabels, type ServerKind } from './benchServer.js';
import type { FigureDef, FigureStore, Unit } from './figures.js';
import { ratio, type Spread } from './stats.js';

export interface RunMeta {
  stamp: string;
  mode: 'quick' | 'full';
  node: string;
  java: string;
  zookeeper: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  commit: string;
  settings: Record<string, string | number | boolean | number[] | string[]>;
  wallSeconds: number;
}

function decimalsFor(unit: Unit, value: number): number {
  if (unit === 'ops/s' || unit === 'B' || unit === '%' || unit === 'writes' || unit === 'snapshots') return 0;
  if (unit === 'µs' || unit === 'µs/op') return Math.abs(value) >= 100 ? 0 : 1;
  return Math.abs(value) >= 100 ? 0 : 1;
}

export function formatValue(unit: Unit, value: number): string {
  const digits = decimalsFor(unit, value);
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatSpread(unit: Unit, s: Spread): string {
  if (s.runs.length === 1) return formatValue(unit, s.median);
  return `${formatValue(unit, s.median)} (${formatValue(unit, s.min)}–${formatValue(unit, s.max)})`;
}

export function formatRatio(value: number | undefined): string {
  return value === undefined ? '–' : `${value.toFixed(2)}×`;
}

function cell(store: FigureStore, topology: number, def: FigureDef, kind: ServerKind): string {
  const result = store.result(topology, def.id, kind);
  if (result === undefined) return store.unavailableReason(topology, kind) !== undefined ? 'n/a' : '–';
  const errors = result.errors > 0 ? ` ⚠ ${result.errors} errors` : '';
  return formatSpread(def.unit, result.spread) + errors;
}

function topologyName(topology: number): string {
  return topology === 1 ? 'standalone' : `${topology}-node ensemble`;
}

function median(store: FigureStore, topology: number, id: string, kind: ServerKind): number | undefined {
  return store.result(topology, id, kind)?.spread.median;
}

function percentCell(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(0);
}

/**
 * One row per workload and load shape: median CPU of server, load generator and everything else (other tenants
 * of the machine), so a reader sees whether the server, the generator or the box was the limit.
 */
function cpuTable(store: FigureStore, topology: number, workloads: string[], labelOf: (w: string) => string): string {
  const header =
    '| Run | Paddock server / loadgen / other CPU % | Paddock server µs CPU per op | ' +
    'ZooKeeper server / loadgen / other CPU % | ZooKeeper server µs CPU per op |';
  const lines = [header, '| --- | ---: | ---: | ---: | ---: |'];
  for (const w of workloads) {
    for (const [shape, name] of [
      ['latency', '1×1'],
      ['throughput', 'throughput'],
    ] as const) {
      if (!store.hasAny(topology, `${w}.${shape}.serverCpu`)) continue;
      const row = [`${labelOf(w)}: ${name}`];
      for (const kind of serverKinds) {
        const parts = ['serverCpu', 'loadgenCpu', 'otherCpu'].map((f) =>
          percentCell(median(store, topology, `${w}.${shape}.${f}`, kind)),
        );
        row.push(parts.every((p) => p === '–') ? '–' : parts.join(' / '));
        const perOp = median(store, topology, `${w}.throughput.serverCpuPerOp`, kind);
        row.push(shape === 'throughput' && perOp !== undefined ? formatValue('µs/op', perOp) : '');
      }
      lines.push(`| ${row.join(' | ')} |`);
    }
  }
  return lines.length > 2 ? lines.join('\n') : '';
}

function table(store: FigureStore, topologies: number[], which: FigureDef['table']): string {
  const shown = topologies.filter((t) => store.figures().some((d) => d.table === which && store.hasAny(t, d.id)));
  if (shown.length === 0) return '';
  const many = shown.length > 1;
  const suffix = (t: number) => (many ? ` (${topologyName(t)})` : '');
  const header = ['Figure', 'Better'];
  for (const t of shown) header.push(`Paddock${suffix(t)}`, `ZooKeeper${suffix(t)}`, `Paddock/ZooKeeper${suffix(t)}`);
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const def of store.figures()) {
    if (def.table !== which || !shown.some((t) => store.hasAny(t, def.id))) continue;
    const row = [`${def.label} (${def.unit})`, def.better];
    for (const t of shown) {
      const p = store.result(t, def.id, 'paddock');
      const z = store.result(t, def.id, 'apache');
      row.push(cell(store, t, def, 'paddock'), cell(store, t, def, 'apache'), formatRatio(ratio(p?.spread.median, z?.spread.median)));
    }
    lines.push(`| ${row.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function renderMarkdown(
  store: FigureStore,
  meta: RunMeta,
  topologies: number[],
  notes: string[],
  workloads: { names: string[]; labelOf: (w: string) => string },
): string {
  const parts = [
    `### Paddock vs Apache ZooKeeper ${meta.zookeeper} (${meta.mode} run, ${meta.stamp})`,
    '',
    `Same machine, same zoo.cfg (tickTime=2000, forceSync=yes), servers alternated run by run; each cell is the ` +
      `median of ${String(meta.settings.reps)} runs with the (min–max) spread. Ratio = Paddock/ZooKeeper of the ` +
      `medians: below 1.00× is better for "lower" figures, above 1.00× for "higher" ones. ` +
      `Machine: ${meta.cpu}, ${meta.cores} cores, ${meta.memoryGiB} GiB; Node ${meta.node}; ${meta.java}; ` +
      `Paddock ${meta.commit}.`,
    '',
    table(store, topologies, 'main'),
  ];
  for (const t of topologies) {
    const cpu = cpuTable(store, t, workloads.names, workloads.labelOf);
    if (cpu === '') continue;
    parts.push(
      '',
      `CPU during the runs, ${topologyName(t)} (medians, % of one core; the machine has ${meta.cores} cores, so a ` +
        `sum near ${meta.cores * 100}% means the box was the limit; "other" is CPU used by processes outside the ` +
        'benchmark, i.e. noise):',
      '',
      cpu,
    );
  }
  const allNotes = [...notes];
  const noisiest = Math.max(
    0,
    ...topologies.flatMap((t) =>
      store
        .figures()
        .filter((d) => d.id.endsWith('.otherCpu'))
        .flatMap((d) => serverKinds.map((k) => store.result(t, d.id, k)?.spread.max ?? 0)),
    ),
  );
  if (noisiest > 25) {
    allNotes.unshift(
      `⚠ Other processes used up to ${noisiest.toFixed(0)}% CPU during some runs (see "other" above): the machine was ` +
        'not quiet, so treat these figures as noisy and rerun on an idle machine for numbers to publish.',
    );
  }
  for (const t of topologies) {
    for (const kind of serverKinds) {
      const reason = store.unavailableReason(t, kind);
      if (reason !== undefined) allNotes.push(`${serverLabels[kind]} (${topologyName(t)}): n/a — ${reason}`);
    }
  }
  if (allNotes.length > 0) parts.push('', ...allNotes.map((n) => `- ${n}`));
  return parts.join('\n') + '\n';
}

export function renderJson(store: FigureStore, meta: RunMeta, topologies: number[], notes: string[]): string {
  const figures = store.figures().map((def) => ({
    ...def,
    results: Object.fromEntries(
      topologies.map((t) => {
        const p = store.result(t, def.id, 'paddock');
        const z = store.result(t, def.id, 'apache');
        return [
          topologyName(t),
          { paddock: p ?? null, zookeeper: z ?? null, ratio: ratio(p?.spread.median, z?.spread.median) ?? null },
        ];
      }),
    ),
  }));
  const unavailable = Object.fromEntries(store.unavailable);
  return JSON.stringify({ meta, notes, unavailable, figures }, null, 2) + '\n';
}

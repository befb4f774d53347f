// The /metrics page in Prometheus's text exposition format (0.0.4) as ZooKeeper 3.8's PrometheusMetricsProvider
// writes it through simpleclient 0.9: "# HELP name name", "# TYPE name kind", then the samples, values printed as
// Java doubles. The values are those mntr reports (monitorEntries), so both views of a server agree.
import { formatJavaDouble } from '../protocol/javaText.js';
import type { ServerIntrospection } from './introspection.js';
import { monitorEntries } from './monitorEntries.js';
import {
  FOLLOWER_METRICS,
  LEADER_METRICS,
  QUORUM_METRICS,
  SERVER_METRICS,
  SERVING_METRICS,
  type MetricFamily,
} from './prometheusCatalog.js';

/** Prometheus's Go-style doubles: +Inf and -Inf where Java would print Infinity. */
function sampleValue(x: number): string {
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  return formatJavaDouble(x);
}

/** The families a server has registered in its present state, as 3.8 registers and unregisters them. */
export function registeredFamilies(intro: ServerIntrospection): MetricFamily[] {
  const families = [...SERVER_METRICS];
  if (!intro.isServing()) return families;
  families.push(...SERVING_METRICS);
  if (intro.quorum() === null) return families;
  families.push(...QUORUM_METRICS);
  const state = intro.serverState();
  if (state === 'leader') families.push(...LEADER_METRICS);
  else if (state === 'follower') families.push(...FOLLOWER_METRICS);
  return families;
}

function numeric(value: unknown): number {
  const n = Number(typeof value === 'object' && value !== null && 'value' in value ? value.value : value);
  return Number.isFinite(n) ? n : 0;
}

function familyLines(family: MetricFamily, values: ReadonlyMap<string, number>): string[] {
  const { name } = family;
  const lines = [`# HELP ${name} ${name}`, `# TYPE ${name} ${family.kind}`];
  if (family.labelled) return lines;
  if (family.kind !== 'summary') {
    lines.push(`${name} ${sampleValue(values.get(name) ?? 0)}`);
    return lines;
  }
  // mntr flattens a summary into cnt_/sum_/avg_ and, for the advanced ones, p50_/p99_; an empty window has NaN
  // quantiles in Prometheus. Paddock keeps no median for a basic summary, so the mean stands in for it.
  const count = values.get(`cnt_${name}`) ?? 0;
  for (const q of family.quantiles ?? []) {
    const known = values.get(`p${Math.round(q * 100)}_${name}`);
    const value = count === 0 ? NaN : (known ?? values.get(`avg_${name}`) ?? NaN);
    lines.push(`${name}{quantile="${q}",} ${sampleValue(value)}`);
  }
  lines.push(`${name}_count ${sampleValue(count)}`, `${name}_sum ${sampleValue(values.get(`sum_${name}`) ?? 0)}`);
  return lines;
}

/** The process_* families simpleclient's StandardExports adds with exportJvmInfo (the jvm_* ones have no Node equivalent). */
function processLines(): string[] {
  const usage = process.cpuUsage();
  const memory = process.memoryUsage();
  const startSeconds = Math.floor(Date.now() / 1000 - process.uptime());
  const family = (name: string, kind: string, help: string, value: number) => [`# HELP ${name} ${help}`, `# TYPE ${name} ${kind}`, `${name} ${sampleValue(value)}`];
  return [
    ...family('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', (usage.user + usage.system) / 1e6),
    ...family('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', startSeconds),
    ...family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', memory.rss),
  ];
}

/** Before the database is loaded there is nothing to read yet: the families then show zeros, as at a JVM's start. */
function safeEntries(intro: ServerIntrospection): ReturnType<typeof monitorEntries> {
  try {
    return monitorEntries(intro);
  } catch {
    return [];
  }
}

export function prometheusText(intro: ServerIntrospection, exportJvmInfo: boolean): string {
  const values = new Map<string, number>();
  for (const [key, value] of safeEntries(intro)) values.set(key, numeric(value));
  const lines = registeredFamilies(intro).flatMap((family) => familyLines(family, values));
  if (exportJvmInfo) lines.push(...processLines());
  return lines.join('\n') + '\n';
}

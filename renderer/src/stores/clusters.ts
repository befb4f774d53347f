// Local clusters: their members (kept current by cluster events), an election timeline per cluster, each member's
// recent log lines, and server.facts sampled over time for the dashboard's charts.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type {
  ClusterInfo,
  ApiEvents,
  ClusterMemberInfo,
  ClusterRemovalResult,
  CreateClusterParams,
  MemberAction,
  MemberFacts,
  ReportedElection,
} from '../../../node-core/api/contract.js';
import { api } from '../api/apiConnection.js';

export interface ElectionEntry {
  time: number;
  leaderId?: number;
  epoch?: number;
  /** How long the cluster had no leader before this one was elected, when that was seen (polling's estimate). */
  leaderlessMs?: number;
  /** How long the election took as a member measured it, when one reported it (preferred over leaderlessMs). */
  durationMs?: number;
  /** The member whose own record durationMs comes from. */
  reportedBy?: number;
}

/** Takes a member's election record when it is about this entry's leader and epoch. */
function attachReport(entry: ElectionEntry, reported: ReportedElection | undefined): void {
  if (reported?.durationMs === undefined || reported.winner !== entry.leaderId) return;
  if (reported.epoch !== undefined && entry.epoch !== undefined && Number(reported.epoch) !== entry.epoch) return;
  entry.durationMs = reported.durationMs;
  entry.reportedBy = reported.reportedBy;
}

export interface LogLine {
  time: number;
  memberId: number;
  stream: 'stdout' | 'stderr';
  line: string;
}

/** One sample of every member's numeric mntr figures. */
export interface MetricsSample {
  time: number;
  values: Record<string, Record<string, number>>;
}

export const chartedMetrics = ['zk_avg_latency', 'zk_outstanding_requests', 'zk_num_alive_connections', 'zk_znode_count', 'zk_packets_received'] as const;
export type ChartedMetric = (typeof chartedMetrics)[number];

const maxLogLines = 1000;
/** Election timelines outlive a page reload (per browser tab), so a reload does not erase what was seen. */
const timelinesKey = 'paddock.electionTimelines';

function storedTimelines(): Record<string, ElectionEntry[]> {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(timelinesKey) ?? '{}');
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, ElectionEntry[]>) : {};
  } catch {
    return {};
  }
}
const maxSamples = 120;

export const useClustersStore = defineStore('clusters', () => {
  const clusters = ref<ClusterInfo[]>([]);
  const backends = ref<string[]>([]);
  const selectedId = ref<string>();
  const timelines = ref<Record<string, ElectionEntry[]>>(storedTimelines());
  watch(timelines, (value) => sessionStorage.setItem(timelinesKey, JSON.stringify(value)), { deep: true });
  const leaderlessSince = new Map<string, number>();
  const logs = ref<Record<string, LogLine[]>>({});
  const facts = ref<Record<string, MemberFacts[]>>({});
  const samples = ref<Record<string, MetricsSample[]>>({});
  const busy = ref(false);
  /** Removals under way, by cluster: the step and how many members have stopped. */
  const removals = ref<Record<string, ApiEvents['cluster.removing']>>({});
  let listening = false;

  const selected = computed(() => clusters.value.find((c) => c.clusterId === selectedId.value));

  function recordLeader(
    clusterId: string,
    leaderId: number | undefined,
    epoch: number | undefined,
    time: number,
    reported?: ReportedElection,
  ): void {
    const timeline = (timelines.value[clusterId] ??= []);
    const last = timeline.at(-1);
    if (leaderId === undefined) {
      if (!leaderlessSince.has(clusterId)) leaderlessSince.set(clusterId, time);
      return;
    }
    // The member's record may come a poll later than the leader change it describes.
    if (last !== undefined && last.leaderId === leaderId && last.epoch === epoch) {
      attachReport(last, reported);
      return;
    }
    const since = leaderlessSince.get(clusterId);
    leaderlessSince.delete(clusterId);
    const entry: ElectionEntry = { time, leaderId, ...(epoch !== undefined ? { epoch } : {}), ...(since !== undefined ? { leaderlessMs: time - since } : {}) };
    attachReport(entry, reported);
    timeline.push(entry);
  }

  let refreshQueued = false;
  /** Events for a cluster this window has not listed yet (created elsewhere) trigger one re-list. */
  function unknownCluster(): void {
    if (refreshQueued) return;
    refreshQueued = true;
    setTimeout(() => {
      refreshQueued = false;
      void refresh().catch(() => undefined);
    }, 300);
  }

  function upsertMember(clusterId: string, member: ClusterMemberInfo): void {
    const cluster = clusters.value.find((c) => c.clusterId === clusterId);
    if (cluster === undefined) {
      unknownCluster();
      return;
    }
    const i = cluster.members.findIndex((m) => m.memberId === member.memberId);
    if (i >= 0) cluster.members[i] = member;
    else cluster.members.push(member);
  }

  function listen(): void {
    if (listening) return;
    listening = true;
    const client = api();
    client.on('cluster.memberState', ({ clusterId, member }) => upsertMember(clusterId, member));
    client.on('cluster.election', ({ clusterId, leaderId, epoch, members, lastElection }) => {
      const cluster = clusters.value.find((c) => c.clusterId === clusterId);
      if (cluster !== undefined) {
        if (leaderId === undefined) delete cluster.leaderId;
        else cluster.leaderId = leaderId;
        if (epoch !== undefined) cluster.epoch = epoch;
        for (const m of members) {
          const member = cluster.members.find((x) => x.memberId === m.memberId);
          if (member !== undefined) member.servingState = m.servingState;
        }
      }
      recordLeader(clusterId, leaderId, epoch, Date.now(), lastElection);
    });
    client.on('cluster.memberLog', (event) => {
      const lines = (logs.value[event.clusterId] ??= []);
      lines.push({ time: event.time, memberId: event.memberId, stream: event.stream, line: event.line });
      if (lines.length > maxLogLines) lines.splice(0, lines.length - maxLogLines);
    });
    client.on('cluster.removing', (progress) => {
      removals.value = { ...removals.value, [progress.clusterId]: progress };
    });
    client.on('cluster.removed', ({ clusterId }) => {
      clusters.value = clusters.value.filter((c) => c.clusterId !== clusterId);
      delete removals.value[clusterId];
      delete timelines.value[clusterId];
      if (selectedId.value === clusterId) selectedId.value = clusters.value[0]?.clusterId;
    });
  }

  async function refresh(): Promise<void> {
    listen();
    const [list, available] = await Promise.all([api().call('cluster.list', {}), api().call('cluster.backends', {})]);
    clusters.value = list.clusters;
    backends.value = available.backends;
    for (const c of list.clusters) recordLeader(c.clusterId, c.leaderId, c.epoch, Date.now());
    if (selectedId.value === undefined || !clusters.value.some((c) => c.clusterId === selectedId.value)) {
      selectedId.value = clusters.value[0]?.clusterId;
    }
  }

  async function create(params: CreateClusterParams): Promise<ClusterInfo> {
    listen();
    busy.value = true;
    try {
      const info = await api().call('cluster.create', params);
      if (!clusters.value.some((c) => c.clusterId === info.clusterId)) clusters.value.push(info);
      selectedId.value = info.clusterId;
      recordLeader(info.clusterId, info.leaderId, info.epoch, Date.now());
      return info;
    } finally {
      busy.value = false;
    }
  }

  /** Shows progress through removals (events) until the API answers with what else it closed and removed. */
  async function remove(clusterId: string): Promise<ClusterRemovalResult> {
    listen();
    removals.value = { ...removals.value, [clusterId]: { clusterId, stage: 'closingConnections', membersStopped: 0, members: 0 } };
    try {
      const result = await api().call('cluster.remove', { clusterId });
      clusters.value = clusters.value.filter((c) => c.clusterId !== clusterId);
      if (selectedId.value === clusterId) selectedId.value = clusters.value[0]?.clusterId;
      return result;
    } finally {
      const { [clusterId]: _done, ...rest } = removals.value;
      removals.value = rest;
    }
  }

  async function memberAction(clusterId: string, memberId: number, action: MemberAction): Promise<void> {
    const member = await api().call('cluster.member', { clusterId, memberId, action });
    upsertMember(clusterId, member);
  }

  /** Samples srvr and mntr of every member once; the dashboard calls this on a timer. */
  async function sampleFacts(cluster: ClusterInfo): Promise<void> {
    const result = await api().call('server.facts', { connectString: cluster.connectString });
    facts.value[cluster.clusterId] = result.members;
    const values: Record<string, Record<string, number>> = {};
    for (const m of result.members) {
      const numbers: Record<string, number> = {};
      for (const key of chartedMetrics) {
        const raw = m.mntr?.[key];
        const value = typeof raw === 'number' ? raw : Number(raw);
        if (raw !== undefined && Number.isFinite(value)) numbers[key] = value;
      }
      values[m.hostPort] = numbers;
    }
    const list = (samples.value[cluster.clusterId] ??= []);
    list.push({ time: Date.now(), values });
    if (list.length > maxSamples) list.splice(0, list.length - maxSamples);
  }

  return { clusters, backends, selectedId, selected, timelines, logs, facts, samples, busy, removals, refresh, create, remove, memberAction, sampleFacts };
});

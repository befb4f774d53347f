// Plugs the local-cluster supervisor (node-core/cluster LocalCluster) into the admin API as a ClusterBackend: one
// backend per engine, each cluster in its own directory, member states, log lines and leader changes turned into
// the API's cluster events. A persistent backend keeps its clusters on disk across runs and lists them again.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { apiFailure } from './apiError.js';
import type { ClusterBackend, ClusterEvent } from './clusterBackend.js';
import type {
  ClusterInfo,
  ClusterMemberInfo,
  CreateClusterParams,
  MemberAction,
  MemberRunState,
  MemberServingState,
  ReportedElection,
} from './contract.js';
import { LocalCluster } from '../cluster/localCluster.js';
import type { EngineKind, MemberState, NodeRuntime, PaddockEngineOptions } from '../cluster/types.js';

export interface LocalClusterBackendOptions {
  engine: EngineKind;
  /** Each cluster lives in <baseDir>/<clusterId> (with its cluster.json), removed again with the cluster. */
  baseDir: string;
  /**
   * Keep clusters when the backend shuts down (their members stop, their data stays) and list the ones found in
   * baseDir again, stopped, when a new backend starts; only remove() deletes them. Off by default: clusters are
   * deleted at shutdown.
   */
  persistent?: boolean;
  tickTime?: number;
  pollIntervalMs?: number;
  /** How members are run, when not on this process's own Node (the desktop app: Electron's, outside app.asar). */
  node?: NodeRuntime;
  paddock?: PaddockEngineOptions;
}

interface Entry {
  clusterId: string;
  name: string;
  cluster: LocalCluster;
  lastElection: string;
}

function runStateOf(state: MemberState): MemberRunState {
  switch (state.process) {
    case 'running':
      return state.isolated ? 'isolated' : 'running';
    case 'paused':
      return 'paused';
    case 'stopped':
      return 'stopped';
    default:
      return 'crashed';
  }
}

function servingStateOf(state: MemberState): MemberServingState {
  switch (state.mode) {
    case 'leader':
      return 'leading';
    case 'follower':
      return 'following';
    case 'observer':
      return 'observing';
    case 'standalone':
      return 'standalone';
    default:
      return state.process === 'running' ? 'looking' : 'unknown';
  }
}

/**
 * The newest completed election a running member recorded: the leader's own record when it has one (it decided the
 * outcome), otherwise whichever member served most recently.
 */
function lastElectionOf(members: MemberState[], leader: MemberState | undefined): ReportedElection | undefined {
  const servedAt = (m: MemberState) => Date.parse(m.lastElection?.serving ?? '');
  const completed = members.filter((m) => m.process === 'running' && !Number.isNaN(servedAt(m)));
  const chosen = completed.find((m) => m.id === leader?.id) ?? completed.sort((a, b) => servedAt(b) - servedAt(a))[0];
  return chosen?.lastElection === undefined ? undefined : { reportedBy: chosen.id, ...chosen.lastElection };
}

export function memberInfo(state: MemberState): ClusterMemberInfo {
  return {
    memberId: state.id,
    role: state.role,
    runState: runStateOf(state),
    servingState: servingStateOf(state),
    clientPort: state.ports.client,
    adminPort: state.ports.admin,
    ...(state.pid !== undefined ? { pid: state.pid } : {}),
    dataDir: join(state.dir, 'data'),
  };
}

function failure(error: unknown): Error {
  return apiFailure('clusterUnavailable', error instanceof Error ? error.message : String(error));
}

export class LocalClusterBackend implements ClusterBackend {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(event: ClusterEvent) => void>();
  private created = 0;
  private loaded = false;

  constructor(private readonly options: LocalClusterBackendOptions) {}

  async create(spec: Omit<CreateClusterParams, 'backend'>): Promise<ClusterInfo> {
    this.loadStored();
    const clusterId = `${this.options.engine}-${randomUUID().slice(0, 8)}`;
    const name = spec.name ?? `${this.options.engine}-${++this.created}`;
    const dir = join(this.options.baseDir, clusterId);
    let cluster: LocalCluster;
    try {
      cluster = await LocalCluster.create({
        name,
        nodes: spec.nodes,
        observers: spec.observers ?? 0,
        engine: this.options.engine,
        dir,
        fresh: true,
        ...(this.options.tickTime !== undefined ? { tickTime: this.options.tickTime } : {}),
        ...(this.options.pollIntervalMs !== undefined ? { pollIntervalMs: this.options.pollIntervalMs } : {}),
        ...(this.options.node !== undefined ? { node: this.options.node } : {}),
        ...(this.options.paddock !== undefined ? { paddock: this.options.paddock } : {}),
      });
    } catch (error) {
      throw failure(error);
    }
    const entry = this.attach(clusterId, name, cluster);
    try {
      await cluster.start();
    } catch (error) {
      this.entries.delete(clusterId);
      await cluster.stop({ timeoutMs: 3000 }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      throw failure(error);
    }
    return this.info(entry);
  }

  /** Runs a stopped cluster again (every member, on its data); a running cluster is left as it is. */
  async start(clusterId: string): Promise<ClusterInfo> {
    const entry = this.entry(clusterId);
    if (!entry.cluster.running) {
      try {
        await entry.cluster.start();
      } catch (error) {
        await entry.cluster.stop({ timeoutMs: 3000 }).catch(() => undefined);
        throw failure(error);
      }
    }
    return this.info(entry);
  }

  /** Stops every member of the cluster, keeping its files. */
  async stop(clusterId: string): Promise<ClusterInfo> {
    const entry = this.entry(clusterId);
    await entry.cluster.stop({ timeoutMs: 5000 });
    return this.info(entry);
  }

  private attach(clusterId: string, name: string, cluster: LocalCluster): Entry {
    const entry: Entry = { clusterId, name, cluster, lastElection: '' };
    this.entries.set(clusterId, entry);
    cluster.on('member', (state) => {
      this.emit({ event: 'cluster.memberState', data: { clusterId, member: memberInfo(state) } });
      this.reportElection(entry);
    });
    cluster.on('log', ({ id, line }) => {
      this.emit({ event: 'cluster.memberLog', data: { clusterId, memberId: id, stream: 'stdout', line, time: Date.now() } });
    });
    cluster.on('warning', ({ id, message }) => {
      this.emit({ event: 'cluster.memberLog', data: { clusterId, memberId: id ?? 0, stream: 'stderr', line: `warning: ${message}`, time: Date.now() } });
    });
    return entry;
  }

  /** A persistent backend's first look at baseDir: every cluster of this engine left there by an earlier run. */
  private loadStored(): void {
    if (this.loaded || this.options.persistent !== true) return;
    this.loaded = true;
    let names: string[];
    try {
      names = readdirSync(this.options.baseDir);
    } catch {
      return;
    }
    for (const clusterId of names.sort()) {
      const dir = join(this.options.baseDir, clusterId);
      if (this.entries.has(clusterId) || !existsSync(join(dir, 'cluster.json'))) continue;
      let cluster: LocalCluster;
      try {
        cluster = LocalCluster.open(dir, {
          ...(this.options.pollIntervalMs !== undefined ? { pollIntervalMs: this.options.pollIntervalMs } : {}),
          ...(this.options.node !== undefined ? { node: this.options.node } : {}),
          ...(this.options.paddock !== undefined ? { paddock: this.options.paddock } : {}),
        });
      } catch {
        // Not a cluster this supervisor can read (half written, or from another version): leave it alone.
        continue;
      }
      if (cluster.engineKind !== this.options.engine) continue;
      this.attach(clusterId, cluster.name ?? clusterId, cluster);
    }
  }

  async list(): Promise<ClusterInfo[]> {
    this.loadStored();
    return [...this.entries.values()].map((e) => this.info(e));
  }

  async remove(clusterId: string): Promise<void> {
    const entry = this.entry(clusterId);
    this.entries.delete(clusterId);
    entry.cluster.removeAllListeners();
    const ids = entry.cluster.memberIds;
    let stopped = 0;
    const progress = (stage: 'stoppingMembers' | 'deletingData') =>
      this.emit({ event: 'cluster.removing', data: { clusterId, stage, membersStopped: stopped, members: ids.length } });
    progress('stoppingMembers');
    // One member at a time would take members x timeout; in parallel, each stop reports as it finishes.
    await Promise.all(
      ids.map(async (id) => {
        await entry.cluster.stopMember(id, { timeoutMs: 5000 });
        stopped += 1;
        progress('stoppingMembers');
      }),
    );
    await entry.cluster.stop({ timeoutMs: 5000 });
    progress('deletingData');
    rmSync(entry.cluster.dir, { recursive: true, force: true });
    this.emit({ event: 'cluster.removed', data: { clusterId } });
  }

  async memberAction(clusterId: string, memberId: number, action: MemberAction): Promise<ClusterMemberInfo> {
    const { cluster } = this.entry(clusterId);
    // A cluster listed from an earlier run has no proxies running yet: starting one member starts them all.
    if (!cluster.running) {
      if (action !== 'start') throw apiFailure('clusterUnavailable', `The cluster is stopped; start it first.`);
      await this.start(clusterId);
      return memberInfo(cluster.memberState(memberId));
    }
    try {
      const state = await this.runAction(cluster, memberId, action);
      return memberInfo(state);
    } catch (error) {
      throw failure(error);
    }
  }

  subscribe(listener: (event: ClusterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async shutdown(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(
      entries.map(async (e) => {
        e.cluster.removeAllListeners();
        await e.cluster.stop({ timeoutMs: 5000 }).catch(() => e.cluster.killAllNow());
        if (this.options.persistent !== true) rmSync(e.cluster.dir, { recursive: true, force: true });
      }),
    );
  }

  private async runAction(cluster: LocalCluster, id: number, action: MemberAction): Promise<MemberState> {
    switch (action) {
      case 'start':
        return cluster.startMember(id);
      case 'stop':
        return cluster.stopMember(id);
      case 'kill':
        return cluster.killMember(id);
      case 'pause':
        return cluster.pauseMember(id);
      case 'resume':
        return cluster.resumeMember(id);
      case 'isolate':
        return cluster.isolate(id);
      case 'heal':
        return cluster.heal(id);
      case 'wipe':
        cluster.wipeMember(id);
        return cluster.memberState(id);
    }
  }

  private entry(clusterId: string): Entry {
    this.loadStored();
    const entry = this.entries.get(clusterId);
    if (entry === undefined) throw apiFailure('unknownCluster', `There is no local cluster with id "${clusterId}".`);
    return entry;
  }

  private info(entry: Entry): ClusterInfo {
    const snapshot = entry.cluster.snapshot();
    const leader = snapshot.members.find((m) => m.mode === 'leader');
    return {
      clusterId: entry.clusterId,
      name: entry.name,
      backend: this.options.engine,
      connectString: snapshot.connectString,
      members: snapshot.members.map(memberInfo),
      ...(leader !== undefined ? { leaderId: leader.id } : {}),
      ...(leader?.epoch !== undefined ? { epoch: leader.epoch } : {}),
    };
  }

  /**
   * Sends cluster.election whenever the leader, its epoch, any member's serving state or the reported election
   * record changes.
   */
  private reportElection(entry: Entry): void {
    const members = entry.cluster.snapshot().members;
    const leader = members.find((m) => m.mode === 'leader');
    const serving = members.map((m) => ({ memberId: m.id, servingState: servingStateOf(m) }));
    const lastElection = lastElectionOf(members, leader);
    const key = JSON.stringify([leader?.id, leader?.epoch, serving, lastElection]);
    if (key === entry.lastElection) return;
    entry.lastElection = key;
    this.emit({
      event: 'cluster.election',
      data: {
        clusterId: entry.clusterId,
        ...(leader !== undefined ? { leaderId: leader.id } : {}),
        ...(leader?.epoch !== undefined ? { epoch: leader.epoch } : {}),
        members: serving,
        ...(lastElection !== undefined ? { lastElection } : {}),
      },
    });
  }

  private emit(event: ClusterEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not stop the others or the supervisor's event loop.
      }
    }
  }
}

// The local-cluster supervisor: lays out an ensemble of Paddock or Apache ZooKeeper members on 127.0.0.1 (configs,
// data dirs, ports), runs each member through a watchdog so none outlives it, routes every quorum and election link
// through its own proxies for fault injection, and polls each member's state once a second (a Paddock member's own
// election record too). Paddock members take membership changes through reconfig; cluster.json keeps enough to run
// the cluster again later (open()).
// Its parts: the layout on disk (clusterLayout.ts), the link fabric (clusterLinks.ts), polling (memberPolling.ts),
// process control (memberControl.ts) and reconfig (clusterReconfig.ts); this class ties them together.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST, memberChangeKey, newMemberRecord, memberStateOf, readManifest, writeClusterFiles, writeMyid, type MemberRecord } from './clusterLayout.js';
import { ClusterLinks } from './clusterLinks.js';
import { commitMembership } from './clusterReconfig.js';
import { apacheEngine, defaultNodeRuntime, paddockEngine, type ClusterEngine } from './engines.js';
import type { ConfigSettings, MemberLayout } from './memberConfig.js';
import { startMemberProcess, stopMemberProcess } from './memberControl.js';
import { configText, pollMembers } from './memberPolling.js';
import { LOOPBACK, PortAllocator } from './portAllocator.js';
import { localizeStoredMembership } from './sharedMembership.js';
import { NOT_SERVING } from './srvrStatus.js';
import {
  ClusterError,
  type AddMemberOptions,
  type ClusterEvents,
  type ClusterSnapshot,
  type EngineKind,
  type LocalClusterOptions,
  type MemberState,
  type NodeRuntime,
  type ReopenOptions,
  type StopOptions,
} from './types.js';
import { writeWatchdog } from './watchdogScript.js';

/**
 * Both engines exit within a second of SIGTERM whatever their clients do (Paddock in ~0.1 s, ZooKeeper in ~0.4 s);
 * a member still running after this is stuck, and SIGKILL loses nothing acknowledged (every ack follows an fsync).
 */
const DEFAULT_STOP_TIMEOUT_MS = 2_000;
const SERVE_TIMEOUT_MS = 60_000;
const NO_LEADER_WARNING_MS = 30_000;

// Members already die with the supervisor through their watchdogs; killing them on a normal exit as well saves the
// watchdogs' reaction time and covers a watchdog that was itself killed.
const liveClusters = new Set<LocalCluster>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const cluster of liveClusters) cluster.killAllNow();
  });
}

export class LocalCluster extends EventEmitter<ClusterEvents> {
  readonly engineKind: EngineKind;
  readonly dir: string;
  readonly name: string | undefined;
  private readonly engine: ClusterEngine;
  private readonly node: NodeRuntime;
  private readonly settings: ConfigSettings;
  private readonly pollIntervalMs: number;
  private readonly ports: PortAllocator;
  private readonly members = new Map<number, MemberRecord>();
  private readonly links = new ClusterLinks((id) => this.members.get(id)?.isolated === true);
  /** Set when members run with reconfigEnabled and this super password (Paddock engine). */
  private readonly superPassword: string | undefined;
  private watchdogPath: string | undefined;
  private started = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private noLeaderTimer: NodeJS.Timeout | undefined;

  private constructor(options: LocalClusterOptions, ports: PortAllocator, superPassword?: string) {
    super();
    this.engineKind = options.engine;
    this.dir = options.dir;
    this.name = options.name;
    this.superPassword =
      options.engine === 'paddock' && options.reconfig !== false ? (superPassword ?? randomBytes(18).toString('base64url')) : undefined;
    this.node = options.node ?? defaultNodeRuntime();
    this.engine = options.engine === 'apache' ? apacheEngine(options.apache) : paddockEngine(this.node, options.paddock);
    this.settings = {
      tickTime: options.tickTime ?? 2000,
      initLimit: options.initLimit ?? 5,
      syncLimit: options.syncLimit ?? 2,
      extraConfig: options.extraConfig ?? {},
    };
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.ports = ports;
  }

  /** Lays the cluster out on disk (configs, myid, cluster.json) and picks its ports; start() runs it. */
  static async create(options: LocalClusterOptions): Promise<LocalCluster> {
    const { nodes } = options;
    const observers = options.observers ?? 0;
    if (!Number.isInteger(nodes) || nodes < 1) throw new ClusterError(`nodes must be a positive integer, got ${nodes}`);
    if (!Number.isInteger(observers) || observers < 0) {
      throw new ClusterError(`observers must be a non-negative integer, got ${observers}`);
    }
    if (options.engine !== 'paddock' && options.engine !== 'apache') {
      throw new ClusterError(`unknown engine '${String(options.engine)}' (paddock or apache)`);
    }
    if (options.fresh === true) rmSync(options.dir, { recursive: true, force: true });
    mkdirSync(options.dir, { recursive: true });
    const cluster = new LocalCluster(options, new PortAllocator(options.basePort));
    for (let i = 1; i <= nodes + observers; i++) await cluster.addLayout(i, i <= nodes ? 'participant' : 'observer');
    cluster.writeFiles();
    return cluster;
  }

  /** Reads a cluster laid out earlier (dir/cluster.json) with its ports and data; start() runs it again. */
  static open(dir: string, options: ReopenOptions = {}): LocalCluster {
    const manifest = readManifest(dir);
    const voters = manifest.members.filter((m) => m.role === 'participant').length;
    const settings = manifest.settings;
    const ports = new PortAllocator();
    const cluster = new LocalCluster(
      {
        engine: manifest.engine,
        dir,
        nodes: voters,
        observers: manifest.members.length - voters,
        ...(manifest.name !== undefined ? { name: manifest.name } : {}),
        ...(settings !== undefined
          ? { tickTime: settings.tickTime, initLimit: settings.initLimit, syncLimit: settings.syncLimit, extraConfig: settings.extraConfig }
          : {}),
        reconfig: manifest.superPassword !== undefined,
        ...options,
      },
      ports,
      manifest.superPassword,
    );
    for (const layout of manifest.members) {
      ports.reserve([...Object.values(layout.ports), ...Object.values(layout.ingress ?? {})]);
      cluster.members.set(layout.id, newMemberRecord(dir, layout));
      if (layout.ingress !== undefined) cluster.links.addIngress(layout.id, layout.ingress);
    }
    for (const link of manifest.links) {
      const reverse = manifest.links.find((l) => l.from === link.to && l.to === link.from);
      const target = manifest.members.find((m) => m.id === link.to);
      if (reverse === undefined || target === undefined) throw new ClusterError(`${join(dir, MANIFEST)}: link ${link.from}->${link.to} is incomplete`);
      ports.reserve([link.quorumProxyPort, link.electionProxyPort]);
      cluster.links.addLink(link, target.ports, reverse.electionProxyPort);
    }
    return cluster;
  }

  /** True while start() has run and stop() has not. */
  get running(): boolean {
    return this.started;
  }

  get connectString(): string {
    return [...this.members.values()].map((m) => `${LOOPBACK}:${m.layout.ports.client}`).join(',');
  }

  get memberIds(): number[] {
    return [...this.members.keys()].sort((a, b) => a - b);
  }

  /** Starts the proxies and every member, and begins polling; resolves once every member process is running. */
  async start(): Promise<void> {
    this.engine.preflight();
    this.engine.prepare(this.dir);
    this.watchdogPath = writeWatchdog(this.dir);
    liveClusters.add(this);
    installExitHook();
    await this.links.startProxies();
    this.started = true;
    this.links.applyCuts();
    await Promise.all(this.memberIds.map((id) => this.startMember(id)));
    this.schedulePoll(0);
    if (this.members.size > 1) {
      this.noLeaderTimer = setTimeout(() => {
        if (!this.snapshotMembers().some((m) => m.mode === 'leader')) {
          this.emit('warning', {
            message: `no leader elected ${NO_LEADER_WARNING_MS / 1000} s after start; see the member logs in ${this.dir}`,
          });
        }
      }, NO_LEADER_WARNING_MS);
      this.noLeaderTimer.unref();
    }
  }

  /** Stops every member gracefully (SIGTERM, SIGKILL after the timeout), closes the proxies and stops polling. */
  async stop(options: StopOptions = {}): Promise<void> {
    this.stopPolling();
    await Promise.all(this.memberIds.map((id) => this.stopMember(id, options)));
    await this.links.closeAll();
    this.started = false;
    liveClusters.delete(this);
  }

  async startMember(id: number): Promise<MemberState> {
    const m = this.record(id);
    if (m.proc !== undefined) throw new ClusterError(`member ${id} is already running`);
    if (this.watchdogPath === undefined) throw new ClusterError('the cluster is not started; call start() first');
    if (this.superPassword !== undefined) localizeStoredMembership(m.dataDir, id, m.layout.role, m.layout.ports);
    await startMemberProcess(m, {
      watchdogPath: this.watchdogPath,
      node: this.node,
      launch: this.engine.command(m.configPath, m.dir, this.dir),
      log: (line) => this.emit('log', { id, line }),
      warn: (warning) => this.emit('warning', warning),
      changed: () => this.emitIfChanged(m),
    });
    return memberStateOf(m);
  }

  /** SIGTERM (the member shuts down cleanly), then SIGKILL if it is still running after the timeout. */
  async stopMember(id: number, options: StopOptions = {}): Promise<MemberState> {
    const m = this.record(id);
    const proc = m.proc;
    if (proc === undefined) return memberStateOf(m);
    await stopMemberProcess(m, proc, options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS, (warning) => this.emit('warning', warning));
    return memberStateOf(m);
  }

  /** SIGKILL, like a crash or power loss of that machine. */
  async killMember(id: number): Promise<MemberState> {
    const m = this.record(id);
    const proc = m.proc;
    if (proc === undefined) return memberStateOf(m);
    m.requested = 'kill';
    proc.signal('SIGKILL');
    await proc.exited;
    return memberStateOf(m);
  }

  /** SIGSTOP: the member keeps its sockets but answers nothing, like a long GC pause. */
  pauseMember(id: number): MemberState {
    const m = this.record(id);
    if (m.proc === undefined || m.processState !== 'running') throw new ClusterError(`member ${id} is not running`);
    m.proc.signal('SIGSTOP');
    m.processState = 'paused';
    m.status = NOT_SERVING;
    this.emitIfChanged(m);
    return memberStateOf(m);
  }

  resumeMember(id: number): MemberState {
    const m = this.record(id);
    if (m.proc === undefined || m.processState !== 'paused') throw new ClusterError(`member ${id} is not paused`);
    m.proc.signal('SIGCONT');
    m.processState = 'running';
    this.emitIfChanged(m);
    return memberStateOf(m);
  }

  /** Cuts every quorum and election link of the member, both directions; established connections are reset. */
  isolate(id: number): MemberState {
    const m = this.record(id);
    m.isolated = true;
    this.links.applyCuts();
    this.emitIfChanged(m);
    return memberStateOf(m);
  }

  /** Undoes isolate(id) and every cutLink() that involves the member. */
  heal(id: number): MemberState {
    const m = this.record(id);
    m.isolated = false;
    this.links.forgetCutsOf(id, this.memberIds);
    this.links.applyCuts();
    this.emitIfChanged(m);
    return memberStateOf(m);
  }

  /** Cuts the link between a and b (both directions, or only the connections a opens to b with oneWay). */
  cutLink(a: number, b: number, options: { oneWay?: boolean } = {}): void {
    this.links.cut(a, b, options.oneWay === true);
  }

  healLink(a: number, b: number, options: { oneWay?: boolean } = {}): void {
    this.links.heal(a, b, options.oneWay === true);
  }

  /** Heals every isolation and cut link. */
  healAll(): void {
    this.links.forgetAllCuts();
    for (const m of this.members.values()) {
      m.isolated = false;
      this.emitIfChanged(m);
    }
    this.links.applyCuts();
  }

  /** Deletes a stopped member's data (transaction log, snapshots, epochs), keeping its myid. */
  wipeMember(id: number): void {
    const m = this.record(id);
    if (m.proc !== undefined) throw new ClusterError(`member ${id} is running; stop or kill it before wiping its data`);
    rmSync(m.dataDir, { recursive: true, force: true });
    writeMyid(m);
  }

  /**
   * Adds a member. A Paddock ensemble (reconfigEnabled) starts the newcomer with the joined membership, waits for it
   * to sync as a non-voting learner, then commits the new membership through `reconfig`; nobody restarts. Otherwise
   * (Apache, or a standalone server) every zoo.cfg is rewritten and the running members restart one at a time.
   */
  async addMember(options: AddMemberOptions = {}): Promise<MemberState> {
    const id = Math.max(0, ...this.memberIds) + 1;
    const throughReconfig = this.usesReconfig();
    const m = await this.addLayout(id, options.role ?? 'participant');
    this.writeFiles();
    if (!this.started) return memberStateOf(m);
    await this.links.startProxies();
    this.links.applyCuts();
    const others = this.memberIds.filter((other) => other !== id && this.record(other).proc !== undefined);
    await this.startMember(id);
    // The newcomer must follow the current leader before anyone restarts: a restarted member counts it as a
    // voter, and Apache ZooKeeper's election only lets a member join a running leader when a quorum of its own
    // view already follows that leader. For reconfig, the leader only commits once the newcomer is synced.
    await this.waitServing(id, 'the new member to serve');
    if (throughReconfig) await commitMembership((id) => this.record(id), this.superPassword, this.memberIds, others);
    else await this.rollingRestart(others);
    return memberStateOf(m);
  }

  /**
   * Removes a member: a Paddock ensemble first commits the smaller membership through `reconfig` (sent through
   * another member), then the member stops; otherwise it stops, leaves every zoo.cfg, and the others restart one at a
   * time. Its files stay on disk.
   */
  async removeMember(id: number): Promise<void> {
    const m = this.record(id);
    const voters = [...this.members.values()].filter((x) => x.layout.role === 'participant');
    if (m.layout.role === 'participant' && voters.length === 1) throw new ClusterError('cannot remove the last voter');
    const throughReconfig = this.usesReconfig() && this.members.size > 2;
    const others = this.memberIds.filter((other) => other !== id && this.record(other).proc !== undefined);
    if (throughReconfig && this.started) {
      await commitMembership((id) => this.record(id), this.superPassword, 
        this.memberIds.filter((other) => other !== id),
        others,
      );
    }
    await this.stopMember(id);
    await this.links.removeMember(id);
    this.members.delete(id);
    this.emit('removed', { id });
    this.writeFiles();
    if (!this.started) return;
    if (!throughReconfig) await this.rollingRestart(others);
    else {
      // Removing the leader makes it step down; wait for the rest to elect one again.
      await this.waitFor((members) => members.some((s) => s.mode === 'leader'), SERVE_TIMEOUT_MS, 'a leader after the removal');
    }
  }

  /** Reconfig needs a running ensemble of Paddock members (a standalone server answers it with Unimplemented). */
  private usesReconfig(): boolean {
    return this.superPassword !== undefined && this.members.size > 1;
  }

  /** The current membership text of a member (/zookeeper/config after a sync). */
  async configOf(id: number): Promise<string> {
    return configText(`${LOOPBACK}:${this.record(id).layout.ports.client}`);
  }

  private record(id: number): MemberRecord {
    const m = this.members.get(id);
    if (m === undefined) throw new ClusterError(`no member ${id} (members: ${this.memberIds.join(', ')})`);
    return m;
  }

  memberState(id: number): MemberState {
    return memberStateOf(this.record(id));
  }

  snapshot(): ClusterSnapshot {
    const links = this.links.states();
    return { engine: this.engineKind, dir: this.dir, connectString: this.connectString, members: this.snapshotMembers(), links };
  }

  /** Resolves with the snapshot once predicate holds (checked on every member event and every 200 ms). */
  waitFor(predicate: (members: MemberState[]) => boolean, timeoutMs: number, what = 'condition'): Promise<MemberState[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const members = this.snapshotMembers();
        if (!predicate(members)) return;
        cleanup();
        resolve(members);
      };
      const interval = setInterval(check, 200);
      const timer = setTimeout(() => {
        cleanup();
        const summary = this.snapshotMembers()
          .map((s) => `${s.id}: ${s.process}/${s.mode}${s.zxid !== undefined ? ` ${s.zxid}` : ''}`)
          .join(', ');
        reject(new ClusterError(`timed out after ${timeoutMs} ms waiting for ${what} (${summary})`));
      }, timeoutMs);
      const cleanup = () => {
        clearInterval(interval);
        clearTimeout(timer);
        this.off('member', check);
      };
      this.on('member', check);
      check();
    });
  }

  /** Polls now instead of waiting for the next tick; resolves when every member's state is fresh. */
  async refresh(): Promise<MemberState[]> {
    await this.pollOnce();
    return this.snapshotMembers();
  }

  /** Synchronous last resort on process exit: SIGKILLs every member group and watchdog. */
  killAllNow(): void {
    for (const m of this.members.values()) m.proc?.killNow();
  }

  private snapshotMembers(): MemberState[] {
    return this.memberIds.map((id) => memberStateOf(this.record(id)));
  }

  private emitIfChanged(m: MemberRecord): void {
    const state = memberStateOf(m);
    const key = memberChangeKey(state);
    if (key === m.lastEmitted) return;
    m.lastEmitted = key;
    this.emit('member', state);
  }

  private async addLayout(id: number, role: MemberLayout['role']): Promise<MemberRecord> {
    const [client, admin, quorum, election] = (await this.ports.take(4)) as [number, number, number, number];
    const layout: MemberLayout = { id, role, ports: { client, admin, quorum, election } };
    if (this.superPassword !== undefined) {
      const [ingressQuorum, ingressElection] = (await this.ports.take(2)) as [number, number];
      layout.ingress = { quorum: ingressQuorum, election: ingressElection };
      this.links.addIngress(id, layout.ingress);
    }
    const record = newMemberRecord(this.dir, layout);
    // Both directions to each existing member: the pair's proxies are allocated together, then patched so each
    // election proxy tells the far end to dial back through the reverse proxy.
    for (const other of this.members.values()) {
      const [q1, e1, q2, e2] = (await this.ports.take(4)) as [number, number, number, number];
      this.links.addLink({ from: id, to: other.layout.id, quorumProxyPort: q1, electionProxyPort: e1 }, other.layout.ports, e2);
      this.links.addLink({ from: other.layout.id, to: id, quorumProxyPort: q2, electionProxyPort: e2 }, record.layout.ports, e1);
    }
    this.members.set(id, record);
    return record;
  }

  private async rollingRestart(ids: number[]): Promise<void> {
    const leaderLast = [...ids].sort(
      (a, b) => Number(this.record(a).status.mode === 'leader') - Number(this.record(b).status.mode === 'leader'),
    );
    for (const id of leaderLast) {
      await this.stopMember(id);
      await this.startMember(id);
      await this.waitServing(id, `member ${id} to serve again after its restart`);
    }
  }

  private async waitServing(id: number, what: string): Promise<void> {
    await this.waitFor((members) => members.some((s) => s.id === id && s.mode !== 'not serving'), SERVE_TIMEOUT_MS, what);
  }

  private schedulePoll(delayMs: number): void {
    this.pollTimer = setTimeout(() => {
      void this.pollOnce().finally(() => {
        if (this.pollTimer !== undefined) this.schedulePoll(this.pollIntervalMs);
      });
    }, delayMs);
    this.pollTimer.unref();
  }

  private writeFiles(): void {
    writeClusterFiles({
      dir: this.dir,
      engineKind: this.engineKind,
      name: this.name,
      connectString: this.connectString,
      members: [...this.members.values()],
      links: this.links.layouts(),
      settings: this.settings,
      superPassword: this.superPassword,
    });
  }

  private pollOnce(): Promise<void> {
    return pollMembers({
      pollIntervalMs: this.pollIntervalMs,
      members: this.members,
      reportsElections: this.engine.reportsElections,
      warn: (warning) => this.emit('warning', warning),
      changed: (m) => this.emitIfChanged(m),
    });
  }

  private stopPolling(): void {
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    clearTimeout(this.noLeaderTimer);
    this.noLeaderTimer = undefined;
  }}

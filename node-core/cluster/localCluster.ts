// The local-cluster supervisor: lays out an ensemble of Paddock or Apache ZooKeeper members on 127.0.0.1 (configs,
// data dirs, ports), runs each member through a watchdog so none outlives it, routes every quorum and election link
// through its own proxies for fault injection, and polls each member's state once a second (a Paddock member's own
// election record too). Paddock members take membership changes through reconfig; cluster.json keeps enough to run
// the cluster again later (open()).
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZkClient } from '../client/zkClient.js';
import { queryElection } from './electionStatus.js';
import { apacheEngine, defaultNodeRuntime, paddockEngine, type ClusterEngine } from './engines.js';
import { IngressRouter } from './ingressRouter.js';
import { LinkProxy } from './linkProxy.js';
import { renderZooCfg, type ConfigSettings, type LinkLayout, type MemberLayout } from './memberConfig.js';
import { describeExit, MemberProcess } from './memberProcess.js';
import { LOOPBACK, PortAllocator } from './portAllocator.js';
import { localizeStoredMembership, sharedMembershipText } from './sharedMembership.js';
import { NOT_SERVING, querySrvr, type SrvrStatus } from './srvrStatus.js';
import {
  ClusterError,
  type AddMemberOptions,
  type ClusterEvents,
  type ClusterSnapshot,
  type EngineKind,
  type LinkState,
  type LocalClusterOptions,
  type MemberElection,
  type MemberState,
  type NodeRuntime,
  type ProcessState,
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
const LOG_TAIL_LINES = 20;

interface MemberRecord {
  layout: MemberLayout;
  dir: string;
  dataDir: string;
  configPath: string;
  logPath: string;
  proc: MemberProcess | undefined;
  processState: ProcessState;
  /** What the supervisor asked of the current run, so its end can be told apart from a crash. */
  requested: 'stop' | 'kill' | undefined;
  lastExit: string | undefined;
  status: SrvrStatus;
  /** The newest election the running process reported; a failed poll keeps the previous one. */
  election: MemberElection | undefined;
  isolated: boolean;
  lastEmitted: string;
  warnedStandalone: boolean;
}

interface LinkRecord {
  layout: LinkLayout;
  quorum: LinkProxy;
  election: LinkProxy;
}

interface IngressRecord {
  quorum: IngressRouter;
  election: IngressRouter;
}

/** What cluster.json holds: enough to run the cluster again after the supervisor's process has ended. */
interface ClusterManifest {
  engine: EngineKind;
  name?: string;
  connectString: string;
  members: MemberLayout[];
  links: LinkLayout[];
  settings?: ConfigSettings;
  /** The super user's password when members take reconfig (Paddock engine). */
  superPassword?: string;
}

const MANIFEST = 'cluster.json';
const RECONFIG_TIMEOUT_MS = 30_000;

const linkKey = (from: number, to: number) => `${from}->${to}`;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

/** ZooKeeper's digest of `super:<password>`, as DigestAuthenticationProvider.superDigest wants it. */
function superDigest(password: string): string {
  return `super:${createHash('sha1').update(`super:${password}`).digest('base64')}`;
}

async function configText(hostPort: string): Promise<string> {
  const client = await ZkClient.connect(hostPort, { connectTimeoutMs: 5000 });
  try {
    await client.sync('/zookeeper/config');
    return (await client.getData('/zookeeper/config')).data?.toString('utf8') ?? '';
  } finally {
    await client.close().catch(() => undefined);
  }
}

function tail(path: string, lines: number): string {
  try {
    const all = readFileSync(path, 'utf8').split('\n');
    if (all[all.length - 1] === '') all.pop();
    return all.slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
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
  private readonly links = new Map<string, LinkRecord>();
  private readonly ingress = new Map<number, IngressRecord>();
  /** Set when members run with reconfigEnabled and this super password (Paddock engine). */
  private readonly superPassword: string | undefined;
  /** Links cut by cutLink(), on top of those cut because an end is isolated. */
  private readonly manualCuts = new Set<string>();
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
    let manifest: ClusterManifest;
    try {
      manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as ClusterManifest;
    } catch (error) {
      throw new ClusterError(`${join(dir, MANIFEST)} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (manifest.engine !== 'paddock' && manifest.engine !== 'apache') {
      throw new ClusterError(`${join(dir, MANIFEST)} names no known engine`);
    }
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
      cluster.members.set(layout.id, cluster.newRecord(layout));
      if (layout.ingress !== undefined) cluster.addIngress(layout.id, layout.ingress);
    }
    for (const link of manifest.links) {
      const reverse = manifest.links.find((l) => l.from === link.to && l.to === link.from);
      const target = manifest.members.find((m) => m.id === link.to);
      if (reverse === undefined || target === undefined) throw new ClusterError(`${join(dir, MANIFEST)}: link ${link.from}->${link.to} is incomplete`);
      ports.reserve([link.quorumProxyPort, link.electionProxyPort]);
      cluster.addLink(link, target.ports, reverse.electionProxyPort);
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
    await this.startProxies();
    this.started = true;
    this.applyCuts();
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
    for (const link of this.links.values()) {
      await link.quorum.close();
      await link.election.close();
    }
    for (const router of this.ingress.values()) {
      await router.quorum.close();
      await router.election.close();
    }
    this.started = false;
    liveClusters.delete(this);
  }

  async startMember(id: number): Promise<MemberState> {
    const m = this.record(id);
    if (m.proc !== undefined) throw new ClusterError(`member ${id} is already running`);
    if (this.watchdogPath === undefined) throw new ClusterError('the cluster is not started; call start() first');
    if (this.superPassword !== undefined) localizeStoredMembership(m.dataDir, id, m.layout.role, m.layout.ports);
    const proc = new MemberProcess({
      watchdogPath: this.watchdogPath,
      node: this.node,
      launch: this.engine.command(m.configPath, m.dir, this.dir),
      logPath: m.logPath,
      onLine: (line) => this.emit('log', { id, line }),
    });
    m.proc = proc;
    m.requested = undefined;
    m.warnedStandalone = false;
    void proc.exited.then((exit) => {
      if (m.proc !== proc) return;
      m.proc = undefined;
      m.processState = m.requested === 'kill' ? 'killed' : m.requested === 'stop' ? 'stopped' : 'exited';
      m.lastExit = describeExit(exit);
      m.status = NOT_SERVING;
      // the election history lived in the process; a restarted member starts a new one
      m.election = undefined;
      if (m.processState === 'exited') {
        this.emit('warning', { id, message: `member ${id} exited on its own (${m.lastExit}); see ${m.logPath}` });
      }
      this.emitIfChanged(m);
    });
    try {
      await proc.started;
    } catch (error) {
      throw new ClusterError(
        `member ${id} could not start: ${error instanceof Error ? error.message : String(error)}\n` +
          `--- ${m.logPath} ---\n${tail(m.logPath, LOG_TAIL_LINES)}`,
      );
    }
    if (m.proc === proc) {
      m.processState = 'running';
      this.emitIfChanged(m);
    }
    return this.stateOf(m);
  }

  /** SIGTERM (the member shuts down cleanly), then SIGKILL if it is still running after the timeout. */
  async stopMember(id: number, options: StopOptions = {}): Promise<MemberState> {
    const m = this.record(id);
    const proc = m.proc;
    if (proc === undefined) return this.stateOf(m);
    if (m.requested !== 'kill') m.requested = 'stop';
    proc.signal('SIGTERM');
    // a paused process only acts on SIGTERM once it runs again
    proc.signal('SIGCONT');
    const timeoutMs = options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      proc.exited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.emit('warning', { id, message: `member ${id} ignored SIGTERM for ${timeoutMs} ms; sending SIGKILL` });
      proc.signal('SIGKILL');
      await proc.exited;
    }
    return this.stateOf(m);
  }

  /** SIGKILL, like a crash or power loss of that machine. */
  async killMember(id: number): Promise<MemberState> {
    const m = this.record(id);
    const proc = m.proc;
    if (proc === undefined) return this.stateOf(m);
    m.requested = 'kill';
    proc.signal('SIGKILL');
    await proc.exited;
    return this.stateOf(m);
  }

  /** SIGSTOP: the member keeps its sockets but answers nothing, like a long GC pause. */
  pauseMember(id: number): MemberState {
    const m = this.record(id);
    if (m.proc === undefined || m.processState !== 'running') throw new ClusterError(`member ${id} is not running`);
    m.proc.signal('SIGSTOP');
    m.processState = 'paused';
    m.status = NOT_SERVING;
    this.emitIfChanged(m);
    return this.stateOf(m);
  }

  resumeMember(id: number): MemberState {
    const m = this.record(id);
    if (m.proc === undefined || m.processState !== 'paused') throw new ClusterError(`member ${id} is not paused`);
    m.proc.signal('SIGCONT');
    m.processState = 'running';
    this.emitIfChanged(m);
    return this.stateOf(m);
  }

  /** Cuts every quorum and election link of the member, both directions; established connections are reset. */
  isolate(id: number): MemberState {
    const m = this.record(id);
    m.isolated = true;
    this.applyCuts();
    this.emitIfChanged(m);
    return this.stateOf(m);
  }

  /** Undoes isolate(id) and every cutLink() that involves the member. */
  heal(id: number): MemberState {
    const m = this.record(id);
    m.isolated = false;
    for (const other of this.memberIds) {
      this.manualCuts.delete(linkKey(id, other));
      this.manualCuts.delete(linkKey(other, id));
    }
    this.applyCuts();
    this.emitIfChanged(m);
    return this.stateOf(m);
  }

  /** Cuts the link between a and b (both directions, or only the connections a opens to b with oneWay). */
  cutLink(a: number, b: number, options: { oneWay?: boolean } = {}): void {
    this.link(a, b);
    this.manualCuts.add(linkKey(a, b));
    if (options.oneWay !== true) this.manualCuts.add(linkKey(b, a));
    this.applyCuts();
  }

  healLink(a: number, b: number, options: { oneWay?: boolean } = {}): void {
    this.link(a, b);
    this.manualCuts.delete(linkKey(a, b));
    if (options.oneWay !== true) this.manualCuts.delete(linkKey(b, a));
    this.applyCuts();
  }

  /** Heals every isolation and cut link. */
  healAll(): void {
    this.manualCuts.clear();
    for (const m of this.members.values()) {
      m.isolated = false;
      this.emitIfChanged(m);
    }
    this.applyCuts();
  }

  /** Deletes a stopped member's data (transaction log, snapshots, epochs), keeping its myid. */
  wipeMember(id: number): void {
    const m = this.record(id);
    if (m.proc !== undefined) throw new ClusterError(`member ${id} is running; stop or kill it before wiping its data`);
    rmSync(m.dataDir, { recursive: true, force: true });
    this.writeMyid(m);
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
    if (!this.started) return this.stateOf(m);
    await this.startProxies();
    this.applyCuts();
    const others = this.memberIds.filter((other) => other !== id && this.record(other).proc !== undefined);
    await this.startMember(id);
    // The newcomer must follow the current leader before anyone restarts: a restarted member counts it as a
    // voter, and Apache ZooKeeper's election only lets a member join a running leader when a quorum of its own
    // view already follows that leader. For reconfig, the leader only commits once the newcomer is synced.
    await this.waitServing(id, 'the new member to serve');
    if (throughReconfig) await this.reconfigure(this.memberIds, others);
    else await this.rollingRestart(others);
    return this.stateOf(m);
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
      await this.reconfigure(
        this.memberIds.filter((other) => other !== id),
        others,
      );
    }
    await this.stopMember(id);
    for (const [key, link] of this.links) {
      if (link.layout.from !== id && link.layout.to !== id) continue;
      await link.quorum.close();
      await link.election.close();
      this.links.delete(key);
      this.manualCuts.delete(key);
    }
    const router = this.ingress.get(id);
    this.ingress.delete(id);
    await router?.quorum.close();
    await router?.election.close();
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

  /**
   * Commits `memberIds` (every one at its ingress routers) as the new membership through one of `via`, and waits
   * until each of them shows that version in /zookeeper/config.
   */
  private async reconfigure(memberIds: number[], via: number[]): Promise<void> {
    const members = memberIds.map((id) => {
      const layout = this.record(id).layout;
      if (layout.ingress === undefined) throw new ClusterError(`member ${id} has no ingress ports; it cannot take part in a reconfig`);
      return { id, role: layout.role, client: layout.ports.client, ingress: layout.ingress };
    });
    const hosts = via.map((id) => `${LOOPBACK}:${this.record(id).layout.ports.client}`).join(',');
    if (hosts === '') throw new ClusterError('no running member to send the reconfig through');
    let version: bigint;
    const client = await ZkClient.connect(hosts, { connectTimeoutMs: RECONFIG_TIMEOUT_MS });
    try {
      await client.addAuth('digest', `super:${this.superPassword ?? ''}`);
      const reply = await client.reconfig({ newMembers: sharedMembershipText(members) });
      version = reply.stat.mzxid;
    } catch (error) {
      throw new ClusterError(`reconfig failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await client.close().catch(() => undefined);
    }
    const wanted = `version=${version.toString(16)}`;
    const deadline = Date.now() + RECONFIG_TIMEOUT_MS;
    for (const id of memberIds.filter((x) => this.record(x).proc !== undefined)) {
      const hostPort = `${LOOPBACK}:${this.record(id).layout.ports.client}`;
      for (;;) {
        const text = await configText(hostPort).catch(() => '');
        if (text.endsWith(wanted)) break;
        if (Date.now() > deadline) throw new ClusterError(`member ${id} did not take configuration ${version.toString(16)} in time`);
        await sleep(200);
      }
    }
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
    return this.stateOf(this.record(id));
  }

  snapshot(): ClusterSnapshot {
    const links: LinkState[] = [...this.links.values()].map((l) => ({
      from: l.layout.from,
      to: l.layout.to,
      cut: l.quorum.cut,
      quorumProxyPort: l.layout.quorumProxyPort,
      electionProxyPort: l.layout.electionProxyPort,
    }));
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
    return this.memberIds.map((id) => this.stateOf(this.record(id)));
  }

  private stateOf(m: MemberRecord): MemberState {
    return {
      id: m.layout.id,
      role: m.layout.role,
      process: m.processState,
      pid: m.proc?.pid,
      ...m.status,
      lastElection: m.election,
      isolated: m.isolated,
      lastExit: m.lastExit,
      ports: { ...m.layout.ports },
      hostPort: `${LOOPBACK}:${m.layout.ports.client}`,
      dir: m.dir,
      configPath: m.configPath,
      logPath: m.logPath,
    };
  }

  private emitIfChanged(m: MemberRecord): void {
    const state = this.stateOf(m);
    const key = JSON.stringify([
      state.process,
      state.pid,
      state.mode,
      state.zxid,
      state.connections,
      state.outstanding,
      state.nodeCount,
      state.lastElection,
      state.isolated,
    ]);
    if (key === m.lastEmitted) return;
    m.lastEmitted = key;
    this.emit('member', state);
  }

  private link(from: number, to: number): LinkRecord {
    const link = this.links.get(linkKey(from, to));
    if (link === undefined) throw new ClusterError(`no link between members ${from} and ${to}`);
    return link;
  }

  private applyCuts(): void {
    for (const [key, link] of this.links) {
      const cut =
        this.manualCuts.has(key) ||
        this.members.get(link.layout.from)?.isolated === true ||
        this.members.get(link.layout.to)?.isolated === true;
      if (link.quorum.cut !== cut) link.quorum.setCut(cut);
      if (link.election.cut !== cut) link.election.setCut(cut);
    }
  }

  private async addLayout(id: number, role: MemberLayout['role']): Promise<MemberRecord> {
    const [client, admin, quorum, election] = (await this.ports.take(4)) as [number, number, number, number];
    const layout: MemberLayout = { id, role, ports: { client, admin, quorum, election } };
    if (this.superPassword !== undefined) {
      const [ingressQuorum, ingressElection] = (await this.ports.take(2)) as [number, number];
      layout.ingress = { quorum: ingressQuorum, election: ingressElection };
      this.addIngress(id, layout.ingress);
    }
    const record = this.newRecord(layout);
    // Both directions to each existing member: the pair's proxies are allocated together, then patched so each
    // election proxy tells the far end to dial back through the reverse proxy.
    for (const other of this.members.values()) {
      const [q1, e1, q2, e2] = (await this.ports.take(4)) as [number, number, number, number];
      this.addLink({ from: id, to: other.layout.id, quorumProxyPort: q1, electionProxyPort: e1 }, other.layout.ports, e2);
      this.addLink({ from: other.layout.id, to: id, quorumProxyPort: q2, electionProxyPort: e2 }, record.layout.ports, e1);
    }
    this.members.set(id, record);
    return record;
  }

  private newRecord(layout: MemberLayout): MemberRecord {
    const dir = join(this.dir, String(layout.id));
    return {
      layout,
      dir,
      dataDir: join(dir, 'data'),
      configPath: join(dir, 'zoo.cfg'),
      logPath: join(dir, 'member.log'),
      proc: undefined,
      processState: 'stopped',
      requested: undefined,
      lastExit: undefined,
      status: NOT_SERVING,
      election: undefined,
      isolated: false,
      lastEmitted: '',
      warnedStandalone: false,
    };
  }

  /** Routers for the member's shared address: each connection goes to the link proxy of the sid that opened it. */
  private addIngress(id: number, ports: { quorum: number; election: number }): void {
    const route = (kind: 'quorumProxyPort' | 'electionProxyPort') => (sid: number) => this.links.get(linkKey(sid, id))?.layout[kind];
    this.ingress.set(id, {
      quorum: new IngressRouter({ listenPort: ports.quorum, kind: 'quorum', route: route('quorumProxyPort') }),
      election: new IngressRouter({ listenPort: ports.election, kind: 'election', route: route('electionProxyPort') }),
    });
  }

  private async startProxies(): Promise<void> {
    for (const link of this.links.values()) {
      await link.quorum.start();
      await link.election.start();
    }
    for (const router of this.ingress.values()) {
      await router.quorum.start();
      await router.election.start();
    }
  }

  private addLink(layout: LinkLayout, target: MemberLayout['ports'], reverseElectionPort: number): void {
    this.links.set(linkKey(layout.from, layout.to), {
      layout,
      quorum: new LinkProxy({ listenPort: layout.quorumProxyPort, targetPort: target.quorum }),
      election: new LinkProxy({
        listenPort: layout.electionProxyPort,
        targetPort: target.election,
        electionCallbackAddress: `${LOOPBACK}:${reverseElectionPort}`,
      }),
    });
  }

  private writeMyid(m: MemberRecord): void {
    mkdirSync(m.dataDir, { recursive: true });
    writeFileSync(join(m.dataDir, 'myid'), `${m.layout.id}\n`);
  }

  private writeFiles(): void {
    const layouts = [...this.members.values()].map((m) => m.layout);
    const links = [...this.links.values()].map((l) => l.layout);
    const voters = layouts.filter((l) => l.role === 'participant').length;
    const reconfigKeys: ConfigSettings['extraConfig'] =
      this.superPassword === undefined
        ? {}
        : { reconfigEnabled: true, 'DigestAuthenticationProvider.superDigest': superDigest(this.superPassword) };
    // With one voter Apache ZooKeeper would run standalone and leave observers nothing to follow.
    const standalone: ConfigSettings['extraConfig'] = layouts.length > 1 && voters === 1 ? { standaloneEnabled: false } : {};
    const settings: ConfigSettings = { ...this.settings, extraConfig: { ...standalone, ...reconfigKeys, ...this.settings.extraConfig } };
    for (const m of this.members.values()) {
      this.writeMyid(m);
      writeFileSync(m.configPath, renderZooCfg(m.layout, m.dataDir, layouts, links, settings));
    }
    const manifest: ClusterManifest = {
      engine: this.engineKind,
      ...(this.name !== undefined ? { name: this.name } : {}),
      connectString: this.connectString,
      members: layouts,
      links,
      settings: this.settings,
      ...(this.superPassword !== undefined ? { superPassword: this.superPassword } : {}),
    };
    writeFileSync(join(this.dir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
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

  private stopPolling(): void {
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    clearTimeout(this.noLeaderTimer);
    this.noLeaderTimer = undefined;
  }

  private async pollOnce(): Promise<void> {
    const timeoutMs = Math.max(200, Math.min(this.pollIntervalMs, 1000));
    await Promise.all(
      [...this.members.values()].map(async (m) => {
        const proc = m.proc;
        if (proc === undefined || m.processState !== 'running') return;
        const [status, election] = await Promise.all([
          querySrvr(m.layout.ports.client, timeoutMs),
          this.engine.reportsElections ? queryElection(m.layout.ports.admin, timeoutMs) : undefined,
        ]);
        // the member may have been paused, stopped or restarted while the question was out
        if (m.proc !== proc || m.processState !== 'running') return;
        m.status = status;
        if (election !== undefined) m.election = election;
        if (status.mode === 'standalone' && this.members.size > 1 && !m.warnedStandalone) {
          m.warnedStandalone = true;
          this.emit('warning', {
            id: m.layout.id,
            message:
              `member ${m.layout.id} runs standalone although the cluster has ${this.members.size} members, ` +
              `so it does not replicate: check its zoo.cfg`,
          });
        }
        this.emitIfChanged(m);
      }),
    );
  }
}

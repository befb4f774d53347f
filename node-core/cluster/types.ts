// The public shapes of the local-cluster supervisor: what a cluster is made of, the state of each member and the
// events it emits. The admin API and the GUI build on these, so everything here is plain JSON (no bigint).
import type { ElectionRecord } from '../protocol/electionRecord.js';
import type { MemberRole } from '../protocol/memberRole.js';

export type { MemberRole };

export type EngineKind = 'paddock' | 'apache';


/**
 * What the supervisor knows about a member's process. `killed` = ended by kill() (SIGKILL); `stopped` = ended by
 * stop() or never started; `exited` = ended without the supervisor asking (crash, bad config, ...).
 */
export type ProcessState = 'running' | 'paused' | 'stopped' | 'killed' | 'exited';

/** The Mode line of `srvr`; `not serving` when the member does not answer it with a Mode (down, electing, paused). */
export type MemberMode = 'leader' | 'follower' | 'observer' | 'standalone' | 'not serving';

export interface MemberPorts {
  client: number;
  admin: number;
  /** The member's own quorum (learner) port; peers reach it through proxies. */
  quorum: number;
  /** The member's own leader-election port; peers reach it through proxies. */
  election: number;
}

/** One election as a Paddock member recorded it (its admin command `election`). */
export type MemberElection = ElectionRecord;

/** What a member's `srvr` reply tells the supervisor. */
export interface SrvrStatus {
  mode: MemberMode;
  /** `0x…` as printed by srvr; undefined when not serving. */
  zxid: string | undefined;
  /** zxid >> 32. */
  epoch: number | undefined;
  connections: number | undefined;
  outstanding: number | undefined;
  nodeCount: number | undefined;
}

export interface MemberState extends SrvrStatus {
  id: number;
  role: MemberRole;
  process: ProcessState;
  /** The member's own pid (its process group id too); undefined when not running. */
  pid: number | undefined;
  /** The newest election the member's own record holds (Paddock engine only; polled from its admin port). */
  lastElection: MemberElection | undefined;
  /** True while isolate() has cut every link of this member. */
  isolated: boolean;
  /** How the last run ended (exit code or signal name), when it has ended. */
  lastExit: string | undefined;
  ports: MemberPorts;
  /** `127.0.0.1:<client port>` */
  hostPort: string;
  dir: string;
  configPath: string;
  logPath: string;
}

/** One directed quorum/election link: connections that member `from` opens to member `to`. */
export interface LinkState {
  from: number;
  to: number;
  cut: boolean;
  /** Proxy ports that `from`'s zoo.cfg lists for `to`. */
  quorumProxyPort: number;
  electionProxyPort: number;
}

export interface ClusterSnapshot {
  engine: EngineKind;
  dir: string;
  connectString: string;
  members: MemberState[];
  links: LinkState[];
}

export interface LogEvent {
  id: number;
  line: string;
}

export interface WarningEvent {
  /** The member the warning is about, if any. */
  id?: number;
  message: string;
}

export interface ClusterEvents {
  member: [state: MemberState];
  log: [event: LogEvent];
  warning: [event: WarningEvent];
  /** A member was dropped by removeMember(); no more events come for it. */
  removed: [event: { id: number }];
}

export interface NodeRuntime {
  /** The executable that runs Node scripts (the Electron binary in a packaged app). */
  path: string;
  /** Extra environment for it, e.g. { ELECTRON_RUN_AS_NODE: '1' }. */
  env?: Record<string, string>;
}

export interface PaddockEngineOptions {
  /** bin/paddock.mjs (or a packaged equivalent taking `server <zoo.cfg>`); found next to node-core by default. */
  script?: string;
}

export interface ApacheEngineOptions {
  java?: string;
  /** Where zookeeper.jar and its dependencies are; /usr/share/java (Debian) by default. */
  jarDir?: string;
  /** Replaces the default JVM flags (heap, GC, fast-start and election-interval settings). */
  jvmFlags?: string[];
}

export interface LocalClusterOptions {
  /** Voting members; 1 runs a standalone server (no server.N lines). */
  nodes: number;
  observers?: number;
  /** Holds dir/<id>/zoo.cfg, dir/<id>/data (with myid), dir/<id>/member.log and dir/cluster.json. */
  dir: string;
  /** Ports are taken consecutively from here (skipping busy ones); free ephemeral ports otherwise. */
  basePort?: number;
  engine: EngineKind;
  tickTime?: number;
  initLimit?: number;
  syncLimit?: number;
  /** Written after the defaults into every member's zoo.cfg, so they override them. */
  extraConfig?: Record<string, string | number | boolean>;
  /** How often each member's srvr (and a Paddock member's election record) is polled; 1000 ms by default. */
  pollIntervalMs?: number;
  /** Runs the watchdogs and Paddock members; this process's executable by default. */
  node?: NodeRuntime;
  paddock?: PaddockEngineOptions;
  apache?: ApacheEngineOptions;
  /** Removes dir first (data included); otherwise existing data dirs are reused. */
  fresh?: boolean;
  /** A label kept in cluster.json, so a cluster reopened later can be recognised. */
  name?: string;
  /**
   * Paddock engine: run members with reconfigEnabled and a super digest only the supervisor knows, so addMember and
   * removeMember go through `reconfig` instead of restarting everyone. True by default; ignored for Apache.
   */
  reconfig?: boolean;
}

/** How to run an existing cluster directory again (LocalCluster.open): the layout itself comes from cluster.json. */
export interface ReopenOptions {
  pollIntervalMs?: number;
  node?: NodeRuntime;
  paddock?: PaddockEngineOptions;
  apache?: ApacheEngineOptions;
}

export interface StopOptions {
  /** How long a graceful stop waits before SIGKILL; 2 s by default. */
  timeoutMs?: number;
}

export interface AddMemberOptions {
  role?: MemberRole;
}

export class ClusterError extends Error {
  override name = 'ClusterError';
}

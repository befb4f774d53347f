// The contract's server facts (srvr and mntr of each member) and local clusters: members, their run and serving
// states, the actions on them, and the elections they report.
import type { ElectionRecord } from '../protocol/electionRecord.js';
import type { SrvrReply } from '../client/srvrReply.js';
import type { MemberRole } from '../protocol/memberRole.js';

// ---------------------------------------------------------------------------------------------------------------
// Server facts
// ---------------------------------------------------------------------------------------------------------------

/** What `srvr` said (client/srvrReply.ts reads it; the AdminServer's server_stats is mapped to the same shape). */
export type SrvrFacts = SrvrReply;

export interface MemberFacts {
  hostPort: string;
  reachable: boolean;
  /** Where the facts came from: four-letter words on the client port or the AdminServer's HTTP /commands. */
  source?: '4lw' | 'adminServer';
  srvr?: SrvrFacts;
  /** mntr's zk_* keys (or AdminServer monitor's keys), values as reported. */
  mntr?: Record<string, string | number>;
  /** The raw srvr text when it came from 4lw. */
  raw?: string;
  error?: string;
}

export interface ServerFactsResult {
  members: MemberFacts[];
}

// ---------------------------------------------------------------------------------------------------------------
// Local clusters (implemented by a ClusterBackend the lead plugs in)
// ---------------------------------------------------------------------------------------------------------------

export type MemberRunState = 'stopped' | 'starting' | 'running' | 'paused' | 'isolated' | 'crashed';
export type MemberServingState = 'looking' | 'leading' | 'following' | 'observing' | 'standalone' | 'unknown';
export type MemberAction = 'start' | 'stop' | 'kill' | 'pause' | 'resume' | 'isolate' | 'heal' | 'wipe';

export const memberActions: readonly MemberAction[] = ['start', 'stop', 'kill', 'pause', 'resume', 'isolate', 'heal', 'wipe'];

export interface ClusterMemberInfo {
  memberId: number;
  role: MemberRole;
  runState: MemberRunState;
  servingState: MemberServingState;
  clientPort: number;
  adminPort?: number;
  pid?: number;
  dataDir: string;
}

/** One election as member `reportedBy` measured it: ISO-8601 times, durationMs from started to serving. */
export interface ReportedElection extends ElectionRecord {
  reportedBy: number;
}

export interface ClusterInfo {
  clusterId: string;
  name: string;
  backend: string;
  connectString: string;
  members: ClusterMemberInfo[];
  /** The current leader's member id, when there is one. */
  leaderId?: number;
  epoch?: number;
}

export interface CreateClusterParams {
  name?: string;
  /** Voting members (participants), 1-9. */
  nodes: number;
  observers?: number;
  /** Which registered backend runs it (e.g. "paddock" or "apache"); the first registered one by default. */
  backend?: string;
}

// The contract of removing a local cluster: the progress events a removal sends while members stop, and what it
// did besides (connection tabs closed, profiles removed), so the GUI can say so instead of leaving dead tabs.

export type ClusterRemovalStage = 'closingConnections' | 'stoppingMembers' | 'deletingData';

export interface ClusterRemovalEvents {
  /** A cluster.remove in progress: the step it is on, and members stopped so far out of all of them. */
  'cluster.removing': { clusterId: string; stage: ClusterRemovalStage; membersStopped: number; members: number };
}

export interface ClusterRemovalResult {
  /** Profile names of the open connections to the cluster that were closed. */
  closedConnections: string[];
  /** Names of the saved profiles that pointed at the cluster's members, now removed (their ports are dead). */
  removedProfiles: string[];
}

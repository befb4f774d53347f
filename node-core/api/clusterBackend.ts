// What the API needs from a local-cluster supervisor (node-core/cluster), and the registry the supervisors are
// plugged into: the API only forwards cluster requests and events; it never runs server processes itself.
import { apiFailure } from './apiError.js';
import type { ApiEventName, ApiEvents, ClusterInfo, ClusterMemberInfo, CreateClusterParams, MemberAction } from './contract.js';

/** The cluster events a backend reports; the API pushes them to every peer unchanged. */
export type ClusterEvent = {
  [E in ApiEventName]: E extends `cluster.${string}` ? { event: E; data: ApiEvents[E] } : never;
}[ApiEventName];

export interface ClusterBackend {
  /** Creates the members' configs and data dirs and starts them; resolves once the cluster is described. */
  create(spec: Omit<CreateClusterParams, 'backend'>): Promise<ClusterInfo>;
  list(): Promise<ClusterInfo[]>;
  /** Stops every member and deletes the cluster's files. */
  remove(clusterId: string): Promise<void>;
  /** Runs a stopped cluster (one listed again after a restart of the app) with every member on its data. */
  start?(clusterId: string): Promise<ClusterInfo>;
  /**
   * start/stop (graceful), kill (SIGKILL), pause/resume (SIGSTOP/SIGCONT), isolate/heal (cut/restore its quorum and
   * client links), wipe (stopped member: delete its data dir). Resolves with the member's state after the action.
   */
  memberAction(clusterId: string, memberId: number, action: MemberAction): Promise<ClusterMemberInfo>;
  /** Member state changes, log lines and election results; returns an unsubscribe function. */
  subscribe(listener: (event: ClusterEvent) => void): () => void;
  /** Stops everything it runs (the API server is closing). */
  shutdown?(): Promise<void>;
}

/** Backends by name ("paddock", "apache"), plus which backend owns each cluster id. */
export class ClusterBackendRegistry {
  private readonly backends = new Map<string, ClusterBackend>();
  private readonly unsubscribers = new Map<string, () => void>();
  private readonly listeners = new Set<(event: ClusterEvent) => void>();

  register(name: string, backend: ClusterBackend): void {
    if (this.backends.has(name)) throw new Error(`a cluster backend named "${name}" is already registered`);
    this.backends.set(name, backend);
    this.unsubscribers.set(
      name,
      backend.subscribe((event) => {
        for (const listener of this.listeners) listener(event);
      }),
    );
  }

  unregister(name: string): void {
    this.unsubscribers.get(name)?.();
    this.unsubscribers.delete(name);
    this.backends.delete(name);
  }

  names(): string[] {
    return [...this.backends.keys()];
  }

  /** Every event of every backend, registered now or later. */
  onEvent(listener: (event: ClusterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  backend(name: string | undefined): { name: string; backend: ClusterBackend } {
    const chosen = name ?? this.names()[0];
    const backend = chosen === undefined ? undefined : this.backends.get(chosen);
    if (chosen === undefined || backend === undefined) {
      const known = this.names();
      throw apiFailure(
        'clusterUnavailable',
        known.length === 0
          ? 'Local clusters are not available in this build (no cluster backend is installed).'
          : `There is no cluster backend called "${name ?? ''}" (available: ${known.join(', ')}).`,
      );
    }
    return { name: chosen, backend };
  }

  async listAll(): Promise<ClusterInfo[]> {
    const lists = await Promise.all([...this.backends.values()].map((b) => b.list()));
    return lists.flat();
  }

  /** The backend running clusterId (asked of each backend, since clusters may outlive a restart of the API). */
  async owner(clusterId: string): Promise<ClusterBackend> {
    for (const backend of this.backends.values()) {
      if ((await backend.list()).some((c) => c.clusterId === clusterId)) return backend;
    }
    throw apiFailure('unknownCluster', `There is no local cluster with id "${clusterId}".`);
  }

  async shutdown(): Promise<void> {
    for (const unsubscribe of this.unsubscribers.values()) unsubscribe();
    await Promise.all([...this.backends.values()].map((b) => b.shutdown?.().catch(() => undefined)));
  }
}

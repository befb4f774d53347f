// Which local-cluster backends the desktop API offers, each told how to run `paddock server` inside the app
// (electron/serverLaunch.ts).
import type { ClusterBackendRegistry } from '../node-core/api/clusterBackend.js';
import type { ServerLaunch } from './serverLaunch.js';

export function registerClusterBackends(registry: ClusterBackendRegistry, launch: ServerLaunch): void {
  void registry;
  void launch;
}

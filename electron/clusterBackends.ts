// Which local-cluster backends the desktop API offers: Paddock (the default, run on Electron's own Node as
// electron/serverLaunch.ts decides) and Apache ZooKeeper 3.8 where Java and its jars are installed.
import type { ClusterBackendRegistry } from '../node-core/api/clusterBackend.js';
import { LocalClusterBackend } from '../node-core/api/localClusterBackend.js';
import type { ServerLaunch } from './serverLaunch.js';

/**
 * baseDir holds one directory per cluster; clusters stay there when the app quits, are listed again (stopped) at
 * the next start, and are deleted only when removed.
 */
export function registerClusterBackends(registry: ClusterBackendRegistry, launch: ServerLaunch, baseDir: string): void {
  // Registered first, so cluster.create without a backend name (the startup cluster too) runs Paddock.
  registry.register(
    'paddock',
    new LocalClusterBackend({ engine: 'paddock', baseDir, persistent: true, node: launch.node, paddock: launch.paddock }),
  );
  // The Apache engine runs java; only its watchdog needs Node.
  registry.register('apache', new LocalClusterBackend({ engine: 'apache', baseDir, persistent: true, node: launch.node }));
}

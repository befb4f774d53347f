// The API host: the entry of the utility process that runs node-core's ApiService for the desktop app, apart from
// the main process so that a slow or hung ZooKeeper call can never freeze the window. Each renderer reaches it
// through its own MessagePort; at startup it starts the default local cluster (the one kept from the last run, or a
// new one); on 'shutdown' it stops everything, leaving the clusters on disk.
import type { MessagePortMain } from 'electron';
import { join } from 'node:path';
import { ApiService } from '../node-core/api/apiService.js';
import { ClusterBackendRegistry } from '../node-core/api/clusterBackend.js';
import { shellConsole } from '../node-core/api/shellConsole.js';
import { userDataDir } from '../node-core/cluster/userDataDir.js';
import { createLogger } from '../node-core/log/logger.js';
import { decodeHostConfig, type HostToMain, type MainToHost } from './hostMessages.js';
import { registerClusterBackends } from './clusterBackends.js';

const log = createLogger('desktop-api');
const parentPort = process.parentPort;
const config = decodeHostConfig(process.env.PADDOCK_HOST_CONFIG);
// Cluster members inherit this process's environment; the configuration is the host's alone.
delete process.env.PADDOCK_HOST_CONFIG;

/** Shown in the GUI's connection list; updated with the new cluster's ports at every start. */
const localProfileName = 'Local cluster (desktop)';
const clusterDir = join(userDataDir(), 'clusters');
const clusterBackends = new ClusterBackendRegistry();
registerClusterBackends(clusterBackends, config.serverLaunch, clusterDir);
const service = new ApiService({ consoleBackend: shellConsole, clusterBackends, logger: log });
const ports = new Set<MessagePortMain>();
let stopping: Promise<void> | undefined;

function tell(message: HostToMain): void {
  parentPort.postMessage(message);
}

function attachPeer(port: MessagePortMain, label: string): void {
  const post = (message: unknown) => {
    try {
      port.postMessage(message);
    } catch (err) {
      log.debug(`${label}: could not post to the renderer: ${(err as Error).message}`);
    }
  };
  const peer = service.connectPeer(post);
  ports.add(port);
  port.on('message', ({ data }) => void peer.handle(data).then(post));
  // The renderer reloaded or closed: its subscriptions end with it.
  port.on('close', () => {
    ports.delete(port);
    peer.close();
  });
  port.start();
  log.debug(`${label} connected`);
}

/** Starts the local cluster and opens a connection to it, so the GUI shows it ready to browse (as web mode does). */
async function createDefaultCluster(): Promise<void> {
  if (config.defaultClusterNodes < 1) return;
  const peer = service.connectPeer(() => undefined);
  try {
    const connectString = await startDefaultCluster(peer);
    if (connectString === undefined) return;
    tell({ type: 'defaultCluster', ok: true, connectString });
    const existing = (await service.profiles.list()).find((p) => p.name === localProfileName);
    const profile = await service.profiles.save({
      ...(existing !== undefined ? { id: existing.id } : {}),
      name: localProfileName,
      connectString,
      colour: '#18a058',
    });
    const opened = await peer.call('connection.open', { profileId: profile.id });
    if ('error' in opened) log.warn(`could not open a connection to the local cluster: ${opened.error.message}`);
  } finally {
    peer.close();
  }
}

/** The default cluster kept from an earlier run, started again on its data; a new one the first time. */
async function startDefaultCluster(peer: ReturnType<typeof service.connectPeer>): Promise<string | undefined> {
  const { backend } = clusterBackends.backend(undefined);
  const kept = (await backend.list()).find((c) => c.name === config.defaultClusterName);
  if (kept !== undefined && backend.start !== undefined) return (await backend.start(kept.clusterId)).connectString;
  const created = await peer.call('cluster.create', { name: config.defaultClusterName, nodes: config.defaultClusterNodes });
  if ('error' in created) {
    tell({ type: 'defaultCluster', ok: false, message: created.error.message });
    return undefined;
  }
  return created.result.connectString;
}

function shutdown(): Promise<void> {
  stopping ??= (async () => {
    for (const port of ports) port.close();
    // Closes every ZooKeeper session and stops every member of every local cluster this host started.
    await service.close().catch((err: unknown) => log.error(`stopping the API failed: ${(err as Error).message}`));
    tell({ type: 'stopped' });
    process.exit(0);
  })();
  return stopping;
}

parentPort.on('message', (event) => {
  const message = event.data as MainToHost;
  if (message.type === 'connectPeer') {
    const [port] = event.ports;
    if (port !== undefined) attachPeer(port, message.label);
  } else if (message.type === 'shutdown') {
    void shutdown();
  }
});

tell({ type: 'ready' });
void createDefaultCluster().catch((err: unknown) => tell({ type: 'defaultCluster', ok: false, message: (err as Error).message }));

// Web mode for the e2e tests, in-process: the admin API with the built renderer, the zkCli console and local-cluster
// backends, on 127.0.0.1 with its own profiles file; the same wiring `paddock ui` does.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClusterBackendRegistry } from '../../../node-core/api/clusterBackend.js';
import { startApiServer, type ApiServerHandle } from '../../../node-core/api/wsServer.js';
import { LocalClusterBackend } from '../../../node-core/api/localClusterBackend.js';
import { shellConsole } from '../../../node-core/api/shellConsole.js';
import type { EngineKind } from '../../../node-core/cluster/types.js';
import { createLogger } from '../../../node-core/log/logger.js';

export const rendererDir = resolve('dist', 'renderer');

export interface WebMode {
  server: ApiServerHandle;
  /** The page URL with its token. */
  url: string;
  dir: string;
  /** Closes every open connection: a fresh page would otherwise open on one, as the first screen does. */
  closeConnections(): Promise<void>;
  close(): Promise<void>;
}

/** profilesPath: a profiles file that outlives this web mode (an app restart); by default one in its own dir. */
export async function startWebMode(options: { clusterEngines?: EngineKind[]; tickTime?: number; profilesPath?: string } = {}): Promise<WebMode> {
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error(`${rendererDir} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'paddock-e2e-web-'));
  const registry = new ClusterBackendRegistry();
  for (const engine of options.clusterEngines ?? []) {
    registry.register(
      engine,
      new LocalClusterBackend({ engine, baseDir: join(dir, 'clusters'), pollIntervalMs: 500, ...(options.tickTime !== undefined ? { tickTime: options.tickTime } : {}) }),
    );
  }
  const server = await startApiServer({
    port: 0,
    staticDir: rendererDir,
    profilesPath: options.profilesPath ?? join(dir, 'profiles.json'),
    clusterBackends: registry,
    consoleBackend: shellConsole,
    connectTimeoutMs: 20_000,
    logger: createLogger('e2e-api', { level: 'warn' }),
  });
  return {
    server,
    url: server.webUrl,
    dir,
    async closeConnections() {
      const peer = server.service.connectPeer(() => undefined);
      const listed = await peer.call('connection.list', {});
      if ('result' in listed) for (const c of listed.result.connections) await peer.call('connection.close', { connectionId: c.connectionId });
      peer.close();
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

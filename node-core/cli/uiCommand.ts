// `paddock ui`: web mode of the admin GUI. Serves the built renderer and the admin API on 127.0.0.1 with a random
// token, starts the local 3-node cluster (unless --no-cluster; the same one, with its data, on every run) and opens a
// connection profile for it, then runs until Ctrl-C, when it stops the clusters (kept on disk) and closes every
// connection.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ClusterBackendRegistry, type ClusterBackend } from '../api/clusterBackend.js';
import { startApiServer, type ApiServerHandle } from '../api/wsServer.js';
import type { EngineKind } from '../cluster/types.js';
import { userDataDir } from '../cluster/userDataDir.js';
import { createLogger } from '../log/logger.js';
import { LocalClusterBackend } from '../api/localClusterBackend.js';
import { shellConsole } from '../api/shellConsole.js';

const usage = `Usage: paddock ui [options]

Serves the Paddock admin GUI in the browser on 127.0.0.1 and prints its URL (with the access token).

Options:
  --port N           listen on port N (default: a free port)
  --no-cluster       do not start a local cluster
  --engine E         engine of the local cluster: paddock (default) or apache
  --nodes N          voting members of the local cluster (default 3)
  --profiles FILE    where connection profiles are kept (default: ~/.config/paddock/profiles.json)
  --clusters DIR     where local clusters are kept between runs (default: <user data dir>/clusters)
`;

export const localProfileName = 'Local cluster (paddock ui)';

/** The renderer build: dist/renderer next to the compiled CLI, or under dist/ when run from the sources. */
export function findRendererDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidates = basename(dir) === 'dist' ? [join(dir, 'renderer')] : [join(dir, 'dist', 'renderer')];
    for (const candidate of candidates) if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

interface UiOptions {
  port: number;
  cluster: boolean;
  engine: EngineKind;
  nodes: number;
  profilesPath: string | undefined;
  clustersDir: string;
}

/** The cluster `paddock ui` starts; found again by this name on the next run. */
const localClusterName = 'local';

function parseUiArgs(args: string[]): UiOptions {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      'no-cluster': { type: 'boolean' },
      engine: { type: 'string' },
      nodes: { type: 'string' },
      profiles: { type: 'string' },
      clusters: { type: 'string' },
    },
    strict: true,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got '${values.port}'`);
  const engine = values.engine ?? 'paddock';
  if (engine !== 'paddock' && engine !== 'apache') throw new Error(`--engine must be paddock or apache, got '${engine}'`);
  const nodes = values.nodes === undefined ? 3 : Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) throw new Error(`--nodes must be 1 to 9, got '${values.nodes}'`);
  const clustersDir = values.clusters ?? join(userDataDir(), 'clusters');
  return { port, cluster: values['no-cluster'] !== true, engine, nodes, profilesPath: values.profiles, clustersDir };
}

const leaderWaitMs = 60_000;

/** Polls the backend until the cluster has a leader (its members serve clients), timeoutMs passes, or the app stops. */
async function waitForLeader(backend: ClusterBackend, clusterId: string, timeoutMs: number, stopped: AbortSignal): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopped.aborted) {
    const leaderId = (await backend.list()).find((c) => c.clusterId === clusterId)?.leaderId;
    if (leaderId !== undefined) return leaderId;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

/** Starts the local cluster and opens a connection for it on the API's side, so the GUI shows it as a tab. */
async function startLocalCluster(
  server: ApiServerHandle,
  options: UiOptions,
  out: (line: string) => void,
  stopped: AbortSignal,
): Promise<void> {
  const service = server.service;
  const { backend } = service.clusters.backend(options.engine);
  // Reused across runs with its data; --nodes only shapes a cluster created the first time.
  const existing = (await backend.list()).find((c) => c.name === localClusterName);
  const cluster =
    existing !== undefined && backend.start !== undefined
      ? await backend.start(existing.clusterId)
      : await backend.create({ name: localClusterName, nodes: options.nodes });
  out(`local cluster (${options.engine}, ${cluster.members.length} members${existing !== undefined ? ', from an earlier run' : ''}): ${cluster.connectString}`);
  // The members are spawned, not yet serving: connecting now would be refused (and the API says so at once).
  const leaderId = await waitForLeader(backend, cluster.clusterId, leaderWaitMs, stopped);
  // Ctrl-C while the members were still electing: the app is stopping, and a poll or a connection must not keep it up.
  if (stopped.aborted) return;
  out(leaderId === undefined ? `no leader after ${leaderWaitMs / 1000} s; connecting anyway` : `local cluster serving, leader: member ${leaderId}`);
  const saved = (await service.profiles.list()).find((p) => p.name === localProfileName);
  const profile = await service.profiles.save({
    ...(saved !== undefined ? { id: saved.id } : {}),
    name: localProfileName,
    connectString: cluster.connectString,
    colour: '#18a058',
  });
  const peer = service.connectPeer(() => undefined);
  const opened = await peer.call('connection.open', { profileId: profile.id });
  if ('error' in opened) out(`could not open a connection to the local cluster: ${opened.error.message}`);
  else out(`opened profile "${localProfileName}" (session ${opened.result.sessionId}); the GUI shows it in front`);
}

export async function runUiCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage);
    return 0;
  }
  let options: UiOptions;
  try {
    options = parseUiArgs(args);
  } catch (error) {
    process.stderr.write(`paddock ui: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const staticDir = findRendererDir();
  if (staticDir === undefined) {
    process.stderr.write('paddock ui: the GUI is not built (dist/renderer is missing); run `npm run build` first\n');
    return 1;
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const logger = createLogger('ui');
  const registry = new ClusterBackendRegistry();
  // The engine asked for is registered first, so the GUI offers it as the default.
  const engines: EngineKind[] = options.engine === 'apache' ? ['apache', 'paddock'] : ['paddock', 'apache'];
  for (const engine of engines) {
    registry.register(engine, new LocalClusterBackend({ engine, baseDir: options.clustersDir, persistent: true }));
  }

  let server: ApiServerHandle;
  try {
    server = await startApiServer({
      port: options.port,
      staticDir,
      clusterBackends: registry,
      consoleBackend: shellConsole,
      logger,
      ...(options.profilesPath !== undefined ? { profilesPath: options.profilesPath } : {}),
    });
  } catch (error) {
    process.stderr.write(`paddock ui: ${(error as Error).message}\n`);
    return 1;
  }
  out(`Paddock UI: ${server.webUrl}`);
  out('');
  out(`  Open ${server.webUrl} in a browser to use Paddock (the token in it is this run's password).`);
  out(options.cluster ? '  Ctrl-C stops the app and its cluster (its data is kept for the next run).' : '  Ctrl-C stops the app.');
  out('');

  let stopping: Promise<void> | undefined;
  const stoppedByUser = new AbortController();
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const stop = (signal: string) => {
    if (stopping !== undefined) return;
    out(`${signal}: stopping${options.cluster ? ' the local cluster and' : ''} the GUI…`);
    stoppedByUser.abort();
    stopping = server
      .close()
      .catch((error: unknown) => logger.warn(`shutdown: ${(error as Error).message}`))
      .finally(() => {
        out('stopped.');
        finish(0);
      });
  };
  const onSigint = () => stop('SIGINT');
  const onSigterm = () => stop('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);

  if (options.cluster) {
    out(`starting a local ${options.nodes}-member cluster (${options.engine})…`);
    startLocalCluster(server, options, out, stoppedByUser.signal).catch((error: unknown) =>
      out(`the local cluster did not start: ${error instanceof Error ? error.message : String(error)} (the GUI works without it)`),
    );
  }
  const code = await finished;
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
  return code;
}

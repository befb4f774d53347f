// Starts what a zoo.cfg describes: a standalone server, or one member of a replicated ensemble when it lists
// server.N lines (as QuorumPeerMain decides), with four-letter words and the AdminServer attached.
import { isDistributed } from './config/zooCfg.js';
import type { ZooConfig } from './config/zooCfgTypes.js';
import type { Logger } from '../log/logger.js';
import { ZooKeeperServer } from './zooKeeperServer.js';
import { ServerIntrospectionView, fourLetterWordsFor, startAdminServer } from './serverIntrospection.js';
import { MetricsServer } from './metricsServer.js';
import { EnsembleMember } from './quorum/ensembleMember.js';
import { standaloneRole } from './serverRole.js';

export interface RunningServer {
  server: ZooKeeperServer;
  /** Closes every socket, timer and file; resolves once nothing of the server keeps the process alive. */
  stop(): Promise<void>;
  /**
   * Resolves with the first disk error once the server can no longer make writes durable; it has stopped
   * serving, and the caller stops it and exits with DISK_FAILURE_EXIT_CODE. Never rejects.
   */
  diskFailed: Promise<Error>;
}

export async function startServerFromConfig(config: ZooConfig, logger: Logger): Promise<RunningServer> {
  let reportDiskFailure: (error: Error) => void = () => undefined;
  const diskFailed = new Promise<Error>((resolve) => (reportDiskFailure = resolve));
  if (isDistributed(config)) {
    const member = new EnsembleMember(config, logger, reportDiskFailure);
    await member.start();
    return { server: member.server, stop: () => member.stop(), diskFailed };
  }
  const server = new ZooKeeperServer(config, logger, 1, standaloneRole, fourLetterWordsFor, reportDiskFailure);
  // As ZooKeeperServerMain: the metrics provider starts before the server, and a port it cannot bind stops the start.
  const metrics = await MetricsServer.start(new ServerIntrospectionView(server));
  try {
    await server.start();
  } catch (error) {
    await metrics?.stop();
    throw error;
  }
  const admin = await startAdminServer(server);
  logger.info(`Paddock server started (standalone), serving clients`);
  return {
    server,
    async stop() {
      await Promise.all([admin?.stop(), metrics?.stop(), server.stop()]);
    },
    diskFailed,
  };
}

// Starts what a zoo.cfg describes: a standalone server, or one member of a replicated ensemble when it lists
// server.N lines (as QuorumPeerMain decides), with four-letter words and the AdminServer attached.
import { isDistributed, type ZooConfig } from './config/zooCfg.js';
import type { Logger } from '../log/logger.js';
import { ZooKeeperServer } from './zooKeeperServer.js';
import { fourLetterWordsFor, startAdminServer } from './serverIntrospection.js';
import { EnsembleMember } from './quorum/ensembleMember.js';
import { standaloneRole } from './serverRole.js';

export interface RunningServer {
  server: ZooKeeperServer;
  stop(): Promise<void>;
}

export async function startServerFromConfig(config: ZooConfig, logger: Logger): Promise<RunningServer> {
  if (isDistributed(config)) {
    const member = new EnsembleMember(config, logger);
    await member.start();
    return { server: member.server, stop: () => member.stop() };
  }
  const server = new ZooKeeperServer(config, logger, 1, standaloneRole, fourLetterWordsFor);
  await server.start();
  const admin = await startAdminServer(server);
  logger.info(`Paddock server started (standalone), serving clients`);
  return {
    server,
    async stop() {
      await admin?.stop();
      await server.stop();
    },
  };
}

// Starts what a zoo.cfg describes: a standalone server now (an ensemble member once server.N lines are present),
// with its four-letter words and AdminServer attached.
import type { ZooConfig } from './config/zooCfg.js';
import type { Logger } from '../log/logger.js';
import { ZooKeeperServer } from './zooKeeperServer.js';
import { attachFourLetterWords, startAdminServer } from './serverIntrospection.js';

export interface RunningServer {
  server: ZooKeeperServer;
  stop(): Promise<void>;
}

export async function startServerFromConfig(config: ZooConfig, logger: Logger): Promise<RunningServer> {
  const server = new ZooKeeperServer(config, logger);
  attachFourLetterWords(server);
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

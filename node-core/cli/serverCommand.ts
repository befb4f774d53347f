// `paddock server zoo.cfg`: loads the config (a bad value names file and line), starts the server and stops it
// cleanly on SIGINT/SIGTERM so the log is flushed and the port freed.
import { ConfigError, loadZooCfg } from '../server/config/zooCfg.js';
import { createLogger } from '../log/logger.js';
import { startServerFromConfig } from '../server/startServer.js';
import { DataDirError } from '../storage/dataDirError.js';

/** Exit code for a data dir the server refuses to use (nothing in it was changed). */
export const DATA_DIR_REFUSED_EXIT_CODE = 3;

export async function runServerCommand(args: string[]): Promise<number> {
  const configPath = args[0];
  if (!configPath) {
    process.stderr.write('Usage: paddock server <zoo.cfg>\n');
    return 1;
  }
  const logger = createLogger('paddock');
  let parsed;
  try {
    parsed = loadZooCfg(configPath);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Invalid configuration: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  for (const warning of parsed.warnings) logger.warn(`${configPath}:${warning.line}: ${warning.key}: ${warning.message}`);
  let running;
  try {
    running = await startServerFromConfig(parsed.config, logger);
  } catch (error) {
    if (error instanceof DataDirError) {
      process.stderr.write(`paddock: cannot use the data dir: ${error.message}\n`);
      return DATA_DIR_REFUSED_EXIT_CODE;
    }
    throw error;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info(`Received ${signal}, shutting down`);
      running.stop().then(
        () => resolve(0),
        (error: unknown) => {
          logger.error(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

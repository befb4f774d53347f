// `paddock server zoo.cfg`: loads the config (a bad value names file and line), starts the server and stops it on
// SIGINT/SIGTERM within a second whatever its clients do, as ZooKeeper does; a disk failure stops it with exit code 3,
// a data dir it cannot use (refused before anything in it changes) with exit code 4.
import { loadZooCfg } from '../server/config/zooCfg.js';
import { ConfigError } from '../server/config/zooCfgTypes.js';
import { createLogger } from '../log/logger.js';
import { startServerFromConfig } from '../server/startServer.js';
import { DISK_FAILURE_EXIT_CODE, diskFailureMessage, isDiskError } from '../server/diskFailure.js';
import { describeOpenResources } from './openResources.js';

/**
 * Supervisors (systemd, Kubernetes, test harnesses) expect a stopped server to be gone within a second. A clean
 * stop takes milliseconds; this backstop covers a stop stuck on something we did not foresee (a hung fsync).
 */
const SHUTDOWN_DEADLINE_MS = 800;
import { DataDirError } from '../storage/dataDirError.js';
import { SaslSetupError } from '../server/saslAuthentication.js';

/** Exit code for a data dir the server refuses to use (nothing in it was changed); 3 is a disk failure. */
export const DATA_DIR_REFUSED_EXIT_CODE = 4;

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
  const config = parsed.config;
  let running;
  try {
    running = await startServerFromConfig(config, logger);
  } catch (error) {
    if (error instanceof SaslSetupError) {
      process.stderr.write(`Invalid configuration: ${error.message}\n`);
      return 2;
    }
    if (error instanceof DataDirError) {
      // The one line an operator needs; the refusal happens before anything is opened, so returning ends the process.
      process.stderr.write(`paddock: cannot use the data dir: ${error.message}\n`);
      return DATA_DIR_REFUSED_EXIT_CODE;
    }
    if (error instanceof ConfigError) {
      // A setting that only fails once used (a port another process holds); what the start opened would keep the
      // process alive, so exit rather than return.
      process.stderr.write(`Invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    // A server restarted before space was freed fails the same way, and says the same thing, as one running.
    if (!isDiskError(error)) throw error;
    logger.error(diskFailureMessage(error, config));
    // What the failed start had opened (a listener, the log) would keep the process alive.
    process.exit(DISK_FAILURE_EXIT_CODE);
  }
  return new Promise<number>((resolve) => {
    let exitCode = 0;
    let stopping = false;
    const stop = (reason: string) => {
      if (stopping) return;
      stopping = true;
      const startedAt = Date.now();
      // Unreferenced: it must not be what keeps the process alive, only what ends a process something else keeps.
      setTimeout(() => {
        logger.warn(
          `Still running ${Date.now() - startedAt} ms after ${reason}; open: ${describeOpenResources()}. Exiting anyway`,
        );
        process.exit(exitCode);
      }, SHUTDOWN_DEADLINE_MS).unref();
      running.stop().then(
        () => {
          logger.info(`Shutdown complete in ${Date.now() - startedAt} ms`);
          resolve(exitCode);
        },
        (error: unknown) => {
          logger.error(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
          resolve(exitCode === 0 ? 1 : exitCode);
        },
      );
    };
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (!stopping) logger.info(`Received ${signal}, shutting down`);
        stop(signal);
      });
    }
    void running.diskFailed.then((error) => {
      // Also after a SIGTERM: the operator must learn that the disk, not the signal, ended this run.
      logger.error(diskFailureMessage(error, config));
      exitCode = DISK_FAILURE_EXIT_CODE;
      stop('a disk failure');
    });
  });
}

// zookeeper.enforceQuota on a server: the preparer's quota check over the applied tree, with ZooKeeper's log lines
// (hard and soft limits alike, through a RateLogger so a client hammering a quota cannot flood the log).
import type { Logger } from '../log/logger.js';
import type { DataTree } from '../tree/dataTree.js';
import { RateLogger } from './rateLogger.js';

export function quotaChecker(tree: () => DataTree, logger: Logger): (path: string, bytesDiff: number, countDiff: number) => number {
  logger.info('zookeeper.enforceQuota = true, Quota Enforce enables');
  const rateLogger = new RateLogger(logger);
  return (path, bytesDiff, countDiff) => {
    const verdict = tree().quotas.check(path, bytesDiff, countDiff);
    for (const message of verdict.messages) rateLogger.log(message);
    return verdict.err;
  };
}

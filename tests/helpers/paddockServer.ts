// Starts Paddock's server (`node bin/paddock.mjs server <zoo.cfg>`) on 127.0.0.1, configured exactly like the
// Apache ZooKeeper reference, so compat tests can run one body against both.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startEnsemble, type ServerLauncher, type ZkStartOptions, type ZkTarget } from './zkEnsemble.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PADDOCK_BIN = fileURLToPath(new URL('../../bin/paddock.mjs', import.meta.url));

export const paddockLauncher: ServerLauncher = {
  kind: 'paddock',
  label: 'paddock server',
  failureHint:
    `(command: node ${PADDOCK_BIN} server <zoo.cfg>; ` +
    'bin/paddock.mjs runs the built CLI, so run `npm run build` first)',
  preflight() {
    if (!existsSync(PADDOCK_BIN)) {
      throw new Error(`paddock server cannot start: ${PADDOCK_BIN} does not exist yet`);
    }
  },
  command(member) {
    // extendedTypesEnabled and the super digest reach Paddock through zoo.cfg, as unknown keys reach Apache ZK
    return { file: process.execPath, args: [PADDOCK_BIN, 'server', member.configPath], cwd: REPO_ROOT };
  },
};

export function startPaddock(options: ZkStartOptions = {}): Promise<ZkTarget> {
  return startEnsemble(paddockLauncher, options);
}

/**
 * zoo.cfg for ensembles that mix engines or migrate between them: Paddock derives session passwords as ZooKeeper
 * does, so a session made on a member of either engine is accepted by the others (Apache ignores the key).
 */
export const MIXED_ENGINE_CONFIG = { 'paddock.sessionPasswords': 'zookeeper' } as const;

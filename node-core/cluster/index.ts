// The local-cluster supervisor's public surface, for the CLI, the admin API and tests.
export { LocalCluster } from './localCluster.js';
export { runClusterCommand } from './clusterCommand.js';
export { defaultClusterDir, userDataDir } from './userDataDir.js';
export { defaultNodeRuntime, findPaddockScript, DEFAULT_JVM_FLAGS } from './engines.js';
export * from './types.js';

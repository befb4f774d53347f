// ZooKeeper's common recipes on top of ZkClient.
export { ZkLock } from './lock.js';
export { LeaderElection } from './leaderElection.js';
export { ZkBarrier } from './barrier.js';
export { ServiceRegistry, type ServiceInstance } from './serviceRegistry.js';
export { ConfigWatcher, type ConfigValue } from './configWatcher.js';
export { ensurePath } from './paths.js';

// Which servers the client integration tests run against: Apache ZooKeeper 3.8 and Paddock by default;
// PADDOCK_CLIENT_TARGETS=apache (or paddock) narrows it.
import { startTarget, type TargetKind, type ZkStartOptions, type ZkTarget } from '../../helpers/zkTarget.js';
import { ZkClient, type ZkClientOptions } from '../../../node-core/client/index.js';

const defaultTargets: TargetKind[] = ['apache', 'paddock'];

export function clientTestTargets(env: NodeJS.ProcessEnv = process.env): TargetKind[] {
  const raw = env.PADDOCK_CLIENT_TARGETS?.trim();
  if (raw === undefined || raw === '') return defaultTargets;
  return raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean) as TargetKind[];
}

export function startServer(kind: TargetKind, options: ZkStartOptions = {}): Promise<ZkTarget> {
  return startTarget(kind, options);
}

/** A client with short timeouts so failures show up quickly in tests. */
export function connectClient(connectString: string, options: ZkClientOptions = {}): Promise<ZkClient> {
  return ZkClient.connect(connectString, { sessionTimeout: 10_000, ...options });
}


export { eventually, sleep } from '../../helpers/polling.js';

export function hostAndPort(hostPort: string): { host: string; port: number } {
  const colon = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, colon), port: Number(hostPort.slice(colon + 1)) };
}

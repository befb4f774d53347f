// The messages between the main process and the API host (the utility process running node-core's ApiService),
// and the IPC channel the preload asks for its MessagePort on. Types and constants only.
import type { ServerLaunch } from './serverLaunch.js';

/** Preload -> main: "give this page a port to the API"; main answers on the same channel with the port attached. */
export const apiPortChannel = 'paddock:api-port';

/** What the host is started with (JSON in its single argument). */
export interface HostConfig {
  serverLaunch: ServerLaunch;
  /** Voting members of the local cluster created at startup; 0 creates none. */
  defaultClusterNodes: number;
  defaultClusterName: string;
}

export type MainToHost =
  /** The host end of a new renderer channel is attached to this message. */
  | { type: 'connectPeer'; label: string }
  /** Close every connection, stop every cluster member, then exit. */
  | { type: 'shutdown' };

export type HostToMain =
  | { type: 'ready' }
  | { type: 'defaultCluster'; ok: true; connectString: string }
  | { type: 'defaultCluster'; ok: false; message: string }
  | { type: 'stopped' };

export function encodeHostConfig(config: HostConfig): string {
  return JSON.stringify(config);
}

export function decodeHostConfig(text: string | undefined): HostConfig {
  if (text === undefined) throw new Error('the API host was started without its configuration argument');
  const value = JSON.parse(text) as Partial<HostConfig>;
  if (typeof value.serverLaunch?.node?.path !== 'string' || typeof value.serverLaunch.paddock?.script !== 'string') {
    throw new Error('the API host configuration has no server launch');
  }
  return {
    serverLaunch: value.serverLaunch,
    defaultClusterNodes: typeof value.defaultClusterNodes === 'number' ? value.defaultClusterNodes : 0,
    defaultClusterName: typeof value.defaultClusterName === 'string' ? value.defaultClusterName : 'local',
  };
}

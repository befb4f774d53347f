// The one place that decides how the desktop app runs `paddock server` for local-cluster members: on Electron's own
// Node (ELECTRON_RUN_AS_NODE=1 with the app's executable), with bin/paddock.mjs taken from outside the asar archive.
// Pure (no Electron import), so it is unit-tested without an Electron binary.
import { join, sep } from 'node:path';
import type { NodeRuntime, PaddockEngineOptions } from '../node-core/cluster/types.js';

export interface ServerLaunch {
  /** Runs the cluster watchdogs and the members; LocalClusterOptions.node. */
  node: NodeRuntime;
  /** LocalClusterOptions.paddock: the script that takes `server <zoo.cfg>`. */
  paddock: Required<PaddockEngineOptions>;
}

export interface ServerLaunchInputs {
  /** The app's root: the project folder in development, resources/app.asar when packaged. */
  appRoot: string;
  /** The Electron executable of the main process (not a helper's, which on macOS cannot run as Node). */
  execPath: string;
}

const asarSegment = `${sep}app.asar${sep}`;

/**
 * Files inside app.asar are readable by Electron but cannot be a separate process's working files, so the packaged
 * app keeps node-core and bin/ in app.asar.unpacked (electron-builder.yml asarUnpack) and runs them from there.
 */
export function outsideAsar(path: string): string {
  if (path.endsWith(`${sep}app.asar`)) return `${path}.unpacked`;
  return path.split(asarSegment).join(`${sep}app.asar.unpacked${sep}`);
}

export function serverLaunch({ appRoot, execPath }: ServerLaunchInputs): ServerLaunch {
  return {
    // Electron's Node in development too, so what is tried is what ships, and no Node install is needed.
    node: { path: execPath, env: { ELECTRON_RUN_AS_NODE: '1' } },
    paddock: { script: join(outsideAsar(appRoot), 'bin', 'paddock.mjs') },
  };
}

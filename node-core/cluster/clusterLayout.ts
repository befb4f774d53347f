// A local cluster's layout on disk: each member's record (dirs, ports, process and polled state), its zoo.cfg and
// myid, and cluster.json, which keeps enough to run the cluster again after the supervisor's process has ended.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderZooCfg, type ConfigSettings, type LinkLayout, type MemberLayout } from './memberConfig.js';
import type { MemberProcess } from './memberProcess.js';
import { LOOPBACK } from './portAllocator.js';
import { NOT_SERVING, type SrvrStatus } from './srvrStatus.js';
import { ClusterError, type EngineKind, type MemberElection, type MemberState, type ProcessState } from './types.js';

export interface MemberRecord {
  layout: MemberLayout;
  dir: string;
  dataDir: string;
  configPath: string;
  logPath: string;
  proc: MemberProcess | undefined;
  processState: ProcessState;
  /** What the supervisor asked of the current run, so its end can be told apart from a crash. */
  requested: 'stop' | 'kill' | undefined;
  lastExit: string | undefined;
  status: SrvrStatus;
  /** The newest election the running process reported; a failed poll keeps the previous one. */
  election: MemberElection | undefined;
  isolated: boolean;
  lastEmitted: string;
  warnedStandalone: boolean;
}

/** What cluster.json holds: enough to run the cluster again after the supervisor's process has ended. */
export interface ClusterManifest {
  engine: EngineKind;
  name?: string;
  connectString: string;
  members: MemberLayout[];
  links: LinkLayout[];
  settings?: ConfigSettings;
  /** The super user's password when members take reconfig (Paddock engine). */
  superPassword?: string;
}

export const MANIFEST = 'cluster.json';

/** Reads and checks dir/cluster.json. */
export function readManifest(dir: string): ClusterManifest {
  let manifest: ClusterManifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as ClusterManifest;
  } catch (error) {
    throw new ClusterError(`${join(dir, MANIFEST)} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (manifest.engine !== 'paddock' && manifest.engine !== 'apache') {
    throw new ClusterError(`${join(dir, MANIFEST)} names no known engine`);
  }
  return manifest;
}

/** ZooKeeper's digest of `super:<password>`, as DigestAuthenticationProvider.superDigest wants it. */
function superDigest(password: string): string {
  return `super:${createHash('sha1').update(`super:${password}`).digest('base64')}`;
}

export function tail(path: string, lines: number): string {
  try {
    const all = readFileSync(path, 'utf8').split('\n');
    if (all[all.length - 1] === '') all.pop();
    return all.slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
}

export function newMemberRecord(clusterDir: string, layout: MemberLayout): MemberRecord {
  const dir = join(clusterDir, String(layout.id));
  return {
    layout,
    dir,
    dataDir: join(dir, 'data'),
    configPath: join(dir, 'zoo.cfg'),
    logPath: join(dir, 'member.log'),
    proc: undefined,
    processState: 'stopped',
    requested: undefined,
    lastExit: undefined,
    status: NOT_SERVING,
    election: undefined,
    isolated: false,
    lastEmitted: '',
    warnedStandalone: false,
  };
}

export function memberStateOf(m: MemberRecord): MemberState {
  return {
    id: m.layout.id,
    role: m.layout.role,
    process: m.processState,
    pid: m.proc?.pid,
    ...m.status,
    lastElection: m.election,
    isolated: m.isolated,
    lastExit: m.lastExit,
    ports: { ...m.layout.ports },
    hostPort: `${LOOPBACK}:${m.layout.ports.client}`,
    dir: m.dir,
    configPath: m.configPath,
    logPath: m.logPath,
  };
}

/** What a member event reports; a poll that changes none of it emits nothing. */
export function memberChangeKey(state: MemberState): string {
  return JSON.stringify([
    state.process,
    state.pid,
    state.mode,
    state.zxid,
    state.connections,
    state.outstanding,
    state.nodeCount,
    state.lastElection,
    state.isolated,
  ]);
}

export function writeMyid(m: MemberRecord): void {
  mkdirSync(m.dataDir, { recursive: true });
  writeFileSync(join(m.dataDir, 'myid'), `${m.layout.id}\n`);
}

export interface ClusterFiles {
  dir: string;
  engineKind: EngineKind;
  name: string | undefined;
  connectString: string;
  members: readonly MemberRecord[];
  links: LinkLayout[];
  settings: ConfigSettings;
  superPassword: string | undefined;
}

/** Writes every member's zoo.cfg and myid, and cluster.json. */
export function writeClusterFiles(cluster: ClusterFiles): void {
  const layouts = cluster.members.map((m) => m.layout);
  const links = cluster.links;
  const voters = layouts.filter((l) => l.role === 'participant').length;
  const reconfigKeys: ConfigSettings['extraConfig'] =
    cluster.superPassword === undefined
      ? {}
      : { reconfigEnabled: true, 'DigestAuthenticationProvider.superDigest': superDigest(cluster.superPassword) };
  // With one voter Apache ZooKeeper would run standalone and leave observers nothing to follow.
  const standalone: ConfigSettings['extraConfig'] = layouts.length > 1 && voters === 1 ? { standaloneEnabled: false } : {};
  const settings: ConfigSettings = { ...cluster.settings, extraConfig: { ...standalone, ...reconfigKeys, ...cluster.settings.extraConfig } };
  for (const m of cluster.members) {
    writeMyid(m);
    writeFileSync(m.configPath, renderZooCfg(m.layout, m.dataDir, layouts, links, settings));
  }
  const manifest: ClusterManifest = {
    engine: cluster.engineKind,
    ...(cluster.name !== undefined ? { name: cluster.name } : {}),
    connectString: cluster.connectString,
    members: layouts,
    links,
    settings: cluster.settings,
    ...(cluster.superPassword !== undefined ? { superPassword: cluster.superPassword } : {}),
  };
  writeFileSync(join(cluster.dir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
}

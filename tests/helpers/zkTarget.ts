// The one entry point compat tests use: start Apache ZooKeeper or Paddock behind the same ZkTarget shape, and the
// list of targets this run covers (PADDOCK_COMPAT_TARGETS=apache,paddock; both by default).
import { startApacheZk } from './apacheZk.js';
import { startPaddock } from './paddockServer.js';
import type { TargetKind, ZkStartOptions, ZkTarget } from './zkEnsemble.js';

export type { TargetKind, ZkMember, ZkStartOptions, ZkTarget } from './zkEnsemble.js';

const ALL_TARGETS: readonly TargetKind[] = ['apache', 'paddock'];

export function compatTargets(env: NodeJS.ProcessEnv = process.env): TargetKind[] {
  const raw = env.PADDOCK_COMPAT_TARGETS?.trim();
  if (raw === undefined || raw === '') return [...ALL_TARGETS];
  const wanted = raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const w of wanted) {
    if (!ALL_TARGETS.includes(w as TargetKind)) {
      throw new Error(`PADDOCK_COMPAT_TARGETS: unknown target "${w}" (expected apache and/or paddock)`);
    }
  }
  return ALL_TARGETS.filter((t) => wanted.includes(t));
}

export function startTarget(kind: TargetKind, options: ZkStartOptions = {}): Promise<ZkTarget> {
  return kind === 'apache' ? startApacheZk(options) : startPaddock(options);
}

// The JSON file connection profiles are exported to and imported from: every profile field except its id, its
// last-used state and any password (passwords never leave node-core). An import is checked whole before anything is
// saved, with the same boundary check profiles.save applies, so a bad file changes nothing. Pure, tested under Node.
import type { ProfileInput, ProfileView } from '../../../node-core/api/contract.js';
import { validateParams } from '../../../node-core/api/contractSchema.js';

export interface ProfilesFile {
  format: 'paddock-profiles';
  version: 1;
  exportedAt: string;
  profiles: ProfileInput[];
}

export function profilesFile(profiles: readonly ProfileView[], now: Date): ProfilesFile {
  return {
    format: 'paddock-profiles',
    version: 1,
    exportedAt: now.toISOString(),
    profiles: profiles.map((p) => {
      const { id: _id, lastUsed: _lastUsed, auth, ...rest } = p;
      return { ...rest, ...(auth !== undefined ? { auth: { user: auth.user } } : {}) };
    }),
  };
}

export type ImportCheck = { ok: true; profiles: ProfileInput[] } | { ok: false; problem: string };

/** The profiles of an exported file, or why the file cannot be imported (nothing is half-imported). */
export function readProfilesFile(text: string): ImportCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `the file is not JSON (${(err as Error).message})` };
  }
  const file = parsed as Partial<ProfilesFile> | null;
  if (typeof file !== 'object' || file === null || file.format !== 'paddock-profiles' || !Array.isArray(file.profiles)) {
    return { ok: false, problem: 'the file is not a Paddock profiles export (format "paddock-profiles")' };
  }
  if (file.version !== 1) return { ok: false, problem: `version ${String(file.version)} of the profiles format is not supported` };
  const profiles: ProfileInput[] = [];
  for (const [i, candidate] of file.profiles.entries()) {
    const checked = validateParams('profiles.save', { profile: candidate });
    if (!checked.ok) {
      const name = typeof (candidate as { name?: unknown })?.name === 'string' ? ` "${(candidate as { name: string }).name}"` : '';
      return { ok: false, problem: `profile ${i + 1}${name}: ${checked.at.replace(/^params\.profile\.?/, '') || 'entry'} ${checked.problem}` };
    }
    const { id: _id, ...input } = checked.value.profile;
    profiles.push(input);
  }
  return { ok: true, profiles };
}

/** Imported profiles already saved with the same name and connect string are skipped rather than doubled. */
export function alreadySaved(candidate: ProfileInput, saved: readonly ProfileView[]): boolean {
  return saved.some((p) => p.name === candidate.name && p.connectString === candidate.connectString);
}

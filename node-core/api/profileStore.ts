// Connection profiles kept as JSON in the user's config dir ($XDG_CONFIG_HOME/paddock/profiles.json or
// ~/.config/paddock/profiles.json). Passwords are stored (owner-only file mode) but never returned or logged.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ProfileInput, ProfileLastUsed, ProfileView, TlsFiles } from './contract.js';
import { apiFailure } from './apiError.js';
import { connectStringProblem } from '../client/connectString.js';

export interface StoredProfile {
  id: string;
  name: string;
  connectString: string;
  chroot?: string;
  auth?: { user: string; password: string };
  tls?: TlsFiles;
  readOnly: boolean;
  colour?: string;
  sessionTimeoutMs?: number;
  adminPort?: number;
  lastUsed?: ProfileLastUsed;
}

interface ProfilesFile {
  version: 1;
  profiles: StoredProfile[];
}

export function defaultProfilesPath(env: NodeJS.ProcessEnv = process.env): string {
  const configHome = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(configHome, 'paddock', 'profiles.json');
}

export function profileView(p: StoredProfile): ProfileView {
  return {
    id: p.id,
    name: p.name,
    connectString: p.connectString,
    ...(p.chroot !== undefined ? { chroot: p.chroot } : {}),
    ...(p.auth !== undefined ? { auth: { user: p.auth.user, hasPassword: p.auth.password !== '' } } : {}),
    ...(p.tls !== undefined ? { tls: { ...p.tls } } : {}),
    readOnly: p.readOnly,
    ...(p.colour !== undefined ? { colour: p.colour } : {}),
    ...(p.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: p.sessionTimeoutMs } : {}),
    ...(p.adminPort !== undefined ? { adminPort: p.adminPort } : {}),
    ...(p.lastUsed !== undefined ? { lastUsed: { ...p.lastUsed } } : {}),
  };
}

/** Builds the stored form of an input; `previous` supplies the password when an update leaves it out. */
export function storedProfile(input: ProfileInput, id: string, previous?: StoredProfile): StoredProfile {
  const auth =
    input.auth === undefined
      ? undefined
      : { user: input.auth.user, password: input.auth.password ?? (previous?.auth?.user === input.auth.user ? previous.auth.password : '') };
  return {
    id,
    name: input.name,
    connectString: input.connectString,
    ...(input.chroot !== undefined && input.chroot !== '' && input.chroot !== '/' ? { chroot: input.chroot } : {}),
    ...(auth !== undefined ? { auth } : {}),
    ...(input.tls !== undefined ? { tls: { ...input.tls } } : {}),
    readOnly: input.readOnly ?? false,
    ...(input.colour !== undefined ? { colour: input.colour } : {}),
    ...(input.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: input.sessionTimeoutMs } : {}),
    ...(input.adminPort !== undefined ? { adminPort: input.adminPort } : {}),
    ...(previous?.lastUsed !== undefined ? { lastUsed: previous.lastUsed } : {}),
  };
}

export class ProfileStore {
  private cache: StoredProfile[] | undefined;
  // Saves run one after another so two quick edits cannot interleave their read-modify-write.
  private writes: Promise<unknown> = Promise.resolve();

  constructor(readonly filePath: string = defaultProfilesPath()) {}

  async list(): Promise<StoredProfile[]> {
    if (this.cache === undefined) this.cache = await this.load();
    return this.cache;
  }

  async get(id: string): Promise<StoredProfile> {
    const found = (await this.list()).find((p) => p.id === id);
    if (found === undefined) throw apiFailure('unknownProfile', `There is no saved connection profile with id "${id}".`);
    return found;
  }

  save(input: ProfileInput): Promise<StoredProfile> {
    return this.serial(async () => {
      const profiles = [...(await this.list())];
      const index = input.id === undefined ? -1 : profiles.findIndex((p) => p.id === input.id);
      if (input.id !== undefined && index < 0) throw apiFailure('unknownProfile', `There is no saved connection profile with id "${input.id}".`);
      const problem = connectStringProblem(input.connectString);
      if (problem !== undefined) throw apiFailure('invalidParams', `Not saved: ${problem}.`, { field: 'params.profile.connectString' });
      const stored = storedProfile(input, input.id ?? randomUUID(), index >= 0 ? profiles[index] : undefined);
      if (index >= 0) profiles[index] = stored;
      else profiles.push(stored);
      await this.persist(profiles);
      return stored;
    });
  }

  /** Updates a profile's last-used state; an unknown id (an unsaved or just deleted profile) is ignored. */
  rememberUse(id: string, change: Partial<ProfileLastUsed>): Promise<void> {
    return this.serial(async () => {
      const profiles = [...(await this.list())];
      const index = profiles.findIndex((p) => p.id === id);
      if (index < 0) return;
      const before = profiles[index]!;
      const lastUsed: ProfileLastUsed = { open: false, ...before.lastUsed, ...change };
      if (before.lastUsed?.open === lastUsed.open && before.lastUsed.path === lastUsed.path) return;
      profiles[index] = { ...before, lastUsed };
      await this.persist(profiles);
    });
  }

  remove(id: string): Promise<void> {
    return this.serial(async () => {
      const profiles = await this.list();
      if (!profiles.some((p) => p.id === id)) throw apiFailure('unknownProfile', `There is no saved connection profile with id "${id}".`);
      await this.persist(profiles.filter((p) => p.id !== id));
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writes.then(work, work);
    this.writes = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<StoredProfile[]> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const parsed = JSON.parse(text) as Partial<ProfilesFile>;
    return Array.isArray(parsed.profiles) ? parsed.profiles : [];
  }

  private async persist(profiles: StoredProfile[]): Promise<void> {
    await mkdir(dirname(this.filePath), { recursive: true, mode: 0o700 });
    const body: ProfilesFile = { version: 1, profiles };
    // Write-then-rename so a crash never leaves half a file; 0600 because it holds passwords.
    const temp = `${this.filePath}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
    await rename(temp, this.filePath);
    this.cache = profiles;
  }
}

// Profiles persist as JSON in the config dir, keep passwords across edits that omit them, and never return them.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfileStore, defaultProfilesPath, profileView } from '../../../node-core/api/profileStore.js';
import { ApiFailure } from '../../../node-core/api/apiError.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paddock-profiles-'));
  dirs.push(dir);
  return join(dir, 'nested', 'profiles.json');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('ProfileStore', () => {
  it('defaults to XDG_CONFIG_HOME, else ~/.config', () => {
    expect(defaultProfilesPath({ XDG_CONFIG_HOME: '/x/cfg' })).toBe('/x/cfg/paddock/profiles.json');
    expect(defaultProfilesPath({})).toMatch(/\.config\/paddock\/profiles\.json$/);
  });

  it('saves, reloads, updates and deletes profiles', async () => {
    const file = tempFile();
    const store = new ProfileStore(file);
    expect(await store.list()).toEqual([]);
    const saved = await store.save({ name: 'prod', connectString: 'h1:2181,h2:2181', chroot: '/app', auth: { user: 'u', password: 'secret' }, readOnly: true, colour: '#f00' });
    expect(saved.id).toMatch(/[0-9a-f-]{36}/);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const reloaded = new ProfileStore(file);
    const [p] = await reloaded.list();
    expect(p).toMatchObject({ name: 'prod', readOnly: true, chroot: '/app', auth: { user: 'u', password: 'secret' } });

    // An update without a password keeps the stored one.
    await reloaded.save({ id: saved.id, name: 'prod-2', connectString: 'h1:2181', auth: { user: 'u' } });
    expect((await new ProfileStore(file).get(saved.id)).auth?.password).toBe('secret');

    await reloaded.remove(saved.id);
    expect(await new ProfileStore(file).list()).toEqual([]);
    await expect(reloaded.remove(saved.id)).rejects.toBeInstanceOf(ApiFailure);
  });

  it('never puts the password in the view', async () => {
    const store = new ProfileStore(tempFile());
    const saved = await store.save({ name: 'a', connectString: 'h:1', auth: { user: 'u', password: 'hunter2' } });
    const view = profileView(saved);
    expect(JSON.stringify(view)).not.toContain('hunter2');
    expect(view.auth).toEqual({ user: 'u', hasPassword: true });
  });

  it('writes concurrent saves without losing one', async () => {
    const file = tempFile();
    const store = new ProfileStore(file);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.save({ name: `p${i}`, connectString: 'h:1' })));
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { profiles: unknown[] };
    expect(onDisk.profiles).toHaveLength(10);
  });
});

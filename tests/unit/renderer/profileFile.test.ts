// Profiles export/import: no ids, passwords or last-used state in the file; a round trip gives the same profiles;
// a bad file is refused whole with the reason; duplicates are recognised.
import { describe, expect, it } from 'vitest';
import type { ProfileView } from '../../../node-core/api/contract.js';
import { alreadySaved, profilesFile, readProfilesFile } from '../../../renderer/src/data/profileFile.js';

const saved: ProfileView[] = [
  { id: 'a1', name: 'prod', connectString: 'zk1:2181,zk2:2181', chroot: '/app', auth: { user: 'ops', hasPassword: true }, readOnly: true, colour: '#d03050', adminPort: 8081, lastUsed: { open: true, path: '/app/x' } },
  { id: 'b2', name: 'dev', connectString: '127.0.0.1:2181', readOnly: false },
];

describe('profiles file', () => {
  it('leaves ids, passwords and last-used state out, and reads back the same profiles', () => {
    const file = profilesFile(saved, new Date('2026-12-02T15:00:00Z'));
    const text = JSON.stringify(file);
    expect(text).not.toContain('a1');
    expect(text).not.toContain('hasPassword');
    expect(text).not.toContain('lastUsed');
    const read = readProfilesFile(text);
    expect(read).toEqual({
      ok: true,
      profiles: [
        { name: 'prod', connectString: 'zk1:2181,zk2:2181', chroot: '/app', auth: { user: 'ops' }, readOnly: true, colour: '#d03050', adminPort: 8081 },
        { name: 'dev', connectString: '127.0.0.1:2181', readOnly: false },
      ],
    });
  });

  it('refuses a file that is not JSON, not an export, or has a bad profile, saying which', () => {
    expect(readProfilesFile('{nope')).toMatchObject({ ok: false, problem: expect.stringContaining('not JSON') });
    expect(readProfilesFile('{"profiles":[]}')).toMatchObject({ ok: false, problem: expect.stringContaining('paddock-profiles') });
    const bad = JSON.stringify({ format: 'paddock-profiles', version: 1, exportedAt: '', profiles: [{ name: 'ok', connectString: 'h:1' }, { name: 'x', connectString: 'h:1', adminPort: 70000 }] });
    expect(readProfilesFile(bad)).toEqual({ ok: false, problem: 'profile 2 "x": adminPort must be at most 65535' });
  });

  it('recognises a profile already saved under the same name and connect string', () => {
    expect(alreadySaved({ name: 'dev', connectString: '127.0.0.1:2181' }, saved)).toBe(true);
    expect(alreadySaved({ name: 'dev', connectString: '127.0.0.1:2182' }, saved)).toBe(false);
  });
});

// The ensemble's session secret (paddock.sessionPasswords=ensembleSecret) on a real 3-member Paddock ensemble: a
// session moves from member to member and survives a rolling restart, a leader kill -9, and a member whose dataDir
// was wiped (it learns the secret from its leader during sync); a derived password is refused on every member.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionExpiredError, type ZkConnection } from '../../../node-core/client/index.js';
import { apacheSessionPassword } from '../../../node-core/server/sessionPassword.js';
import { SESSION_SECRET_FILE } from '../../../node-core/storage/sessionSecretFile.js';
import { serverMode } from '../../helpers/fourLetterWord.js';
import { startPaddock } from '../../helpers/paddockServer.js';
import type { ZkMember, ZkTarget } from '../../helpers/zkEnsemble.js';
import { attach, createEphemeral, ephemeralOwner, moveSession, openSession } from '../../helpers/sessionProbe.js';

let target: ZkTarget | undefined;
let session: ZkConnection | undefined;

afterAll(async () => {
  session?.destroy();
  await target?.stop();
});

const member = (id: number): ZkMember => target!.members.find((m) => m.id === id)!;
const secretFileOf = (id: number): Buffer => readFileSync(join(member(id).dataDir, SESSION_SECRET_FILE));

/** Moves the session to member `id` and checks it is the same session, still owning its ephemeral. */
async function moveTo(id: number): Promise<void> {
  const before = session!.sessionId;
  session = await moveSession(session!, member(id));
  expect(session.sessionId).toBe(before);
  expect(await ephemeralOwner(session, '/held')).toBe(before);
}

async function leaderId(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    for (const m of target!.members) {
      if (m.pid !== undefined && (await serverMode('127.0.0.1', m.clientPort).catch(() => undefined)) === 'leader') return m.id;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('no member reports Mode: leader');
}

describe('a 3-member ensemble shares one session secret', () => {
  it('moves a session across members, restarts, a leader kill and a wiped member, and refuses derived passwords', async () => {
    target = await startPaddock({ size: 3 });
    session = await openSession(member(1));
    await createEphemeral(session, '/held');
    expect(session.passwd.equals(apacheSessionPassword(session.sessionId))).toBe(false);
    for (const id of [2, 3, 1]) await moveTo(id);
    // Every member holds the same record (secret and legacy list), written by each on its own disk.
    expect(secretFileOf(2).equals(secretFileOf(1))).toBe(true);
    expect(secretFileOf(3).equals(secretFileOf(1))).toBe(true);

    // Rolling restart: the session leaves each member before it goes, and comes back to it once it serves again.
    for (const id of [1, 2, 3]) {
      await moveTo(id === 3 ? 1 : id + 1);
      await target.kill(id);
      await target.restart(id);
      await moveTo(id);
    }

    const leader = await leaderId();
    await moveTo(leader);
    await target.kill(leader);
    const survivor = leader === 1 ? 2 : 1;
    await moveTo(survivor);
    await target.restart(leader);
    await moveTo(leader);

    const current = await leaderId();
    const wiped = [1, 2, 3].find((id) => id !== current && id !== leader) ?? [1, 2, 3].find((id) => id !== current)!;
    await moveTo(wiped === 1 ? 2 : 1);
    const secretBefore = secretFileOf(wiped);
    await target.kill(wiped);
    rmSync(join(member(wiped).dataDir, 'version-2'), { recursive: true, force: true });
    rmSync(join(member(wiped).dataDir, SESSION_SECRET_FILE), { force: true });
    await target.restart(wiped);
    expect(secretFileOf(wiped).equals(secretBefore)).toBe(true);
    await moveTo(wiped);

    // The attack on every member: a derived password is refused, and the session keeps its ephemeral.
    for (const m of target.members) {
      await expect(attach(m, session.sessionId, apacheSessionPassword(session.sessionId))).rejects.toBeInstanceOf(SessionExpiredError);
    }
    expect(await ephemeralOwner(session, '/held')).toBe(session.sessionId);
  }, 240_000);
});

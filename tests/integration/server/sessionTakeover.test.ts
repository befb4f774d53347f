// Session takeover (issue 14): a client reads another session's id from a node's ephemeralOwner, derives ZooKeeper's
// password for it and attaches to it. Paddock's default (paddock.sessionPasswords=ensembleSecret) refuses it;
// zookeeper mode, like Apache ZooKeeper 3.8 itself, lets it in. A standalone restart keeps the secret's sessions.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionExpiredError, type ZkConnection } from '../../../node-core/client/index.js';
import { apacheSessionPassword } from '../../../node-core/server/sessionPassword.js';
import { SESSION_SECRET_FILE } from '../../../node-core/storage/sessionSecretFile.js';
import { startApacheZk } from '../../helpers/apacheZk.js';
import { startPaddock } from '../../helpers/paddockServer.js';
import type { ZkTarget } from '../../helpers/zkEnsemble.js';
import { attach, createEphemeral, ephemeralOwner, openSession } from '../../helpers/sessionProbe.js';

let target: ZkTarget | undefined;
const open: ZkConnection[] = [];

afterEach(async () => {
  for (const c of open.splice(0)) c.destroy();
  await target?.stop();
  target = undefined;
});

async function track(connection: Promise<ZkConnection>): Promise<ZkConnection> {
  const c = await connection;
  open.push(c);
  return c;
}

/** The victim's session with an ephemeral, and an attacker's session that learns its id from the ephemeralOwner. */
async function victimAndStolenId(t: ZkTarget): Promise<{ victim: ZkConnection; stolenId: bigint }> {
  const member = t.members[0]!;
  const victim = await track(openSession(member));
  await createEphemeral(victim, '/lock');
  const snoop = await track(openSession(member));
  const stolenId = await ephemeralOwner(snoop, '/lock');
  expect(stolenId).toBe(victim.sessionId);
  return { victim, stolenId: stolenId! };
}

describe('session takeover with a derived password', () => {
  it('ensembleSecret (the default): the attacker is refused as an expired session and the victim keeps its ephemeral', async () => {
    target = await startPaddock();
    const { victim, stolenId } = await victimAndStolenId(target);
    expect(victim.passwd.equals(apacheSessionPassword(stolenId))).toBe(false);

    await expect(attach(target.members[0]!, stolenId, apacheSessionPassword(stolenId))).rejects.toBeInstanceOf(SessionExpiredError);
    await expect(attach(target.members[0]!, stolenId, Buffer.alloc(16))).rejects.toBeInstanceOf(SessionExpiredError);
    expect(target.logTail(1, 100)).toMatch(new RegExp(`Incorrect password from .* for session 0x${stolenId.toString(16)}`));

    expect(await ephemeralOwner(victim, '/lock')).toBe(victim.sessionId);
    await createEphemeral(victim, '/still-mine');
    const outsider = await track(openSession(target.members[0]!));
    expect(await ephemeralOwner(outsider, '/lock')).toBe(victim.sessionId);
    // The secret is in dataDir, 32 bytes of it among the record's.
    expect(readFileSync(join(target.members[0]!.dataDir, SESSION_SECRET_FILE)).length).toBeGreaterThanOrEqual(32);
  }, 60_000);

  it('zookeeper mode is Apache’s derivation: the same attack attaches, closes the session and its ephemerals go', async () => {
    target = await startPaddock({ extraConfig: { 'paddock.sessionPasswords': 'zookeeper' } });
    const { victim, stolenId } = await victimAndStolenId(target);
    expect(victim.passwd.equals(apacheSessionPassword(stolenId))).toBe(true);
    await expectTakeover(target, stolenId);
  }, 60_000);

  it('Apache ZooKeeper 3.8 lets the same attack in (the weakness Paddock’s default closes)', async () => {
    target = await startApacheZk();
    const { stolenId } = await victimAndStolenId(target);
    await expectTakeover(target, stolenId);
  }, 90_000);
});

async function expectTakeover(t: ZkTarget, stolenId: bigint): Promise<void> {
  const attacker = await attach(t.members[0]!, stolenId, apacheSessionPassword(stolenId));
  expect(attacker.sessionId).toBe(stolenId);
  await attacker.close();
  const outsider = await track(openSession(t.members[0]!));
  expect(await ephemeralOwner(outsider, '/lock')).toBeUndefined();
}

describe('a standalone restart', () => {
  it('keeps the secret, so a session made under it reconnects with its password after a kill -9', async () => {
    target = await startPaddock();
    const member = target.members[0]!;
    const session = await track(openSession(member));
    await createEphemeral(session, '/survivor');
    const secretFile = readFileSync(join(member.dataDir, SESSION_SECRET_FILE));

    await target.kill(1);
    await target.restart(1);
    expect(readFileSync(join(member.dataDir, SESSION_SECRET_FILE)).equals(secretFile)).toBe(true);
    const resumed = await track(attach(member, session.sessionId, session.passwd, session.lastZxid));
    expect(resumed.sessionId).toBe(session.sessionId);
    expect(resumed.passwd.equals(session.passwd)).toBe(true);
    expect(await ephemeralOwner(resumed, '/survivor')).toBe(session.sessionId);
    await expect(attach(member, session.sessionId, apacheSessionPassword(session.sessionId))).rejects.toBeInstanceOf(SessionExpiredError);
  }, 60_000);
});

describe('switching paddock.sessionPasswords on a data dir', () => {
  it('zookeeper to ensembleSecret keeps the sessions live at the switch; back to zookeeper keeps the secret’s sessions', async () => {
    target = await startPaddock({ extraConfig: { 'paddock.sessionPasswords': 'zookeeper' } });
    const member = target.members[0]!;
    const switchMode = async (mode: string) => {
      await target!.kill(1);
      appendFileSync(member.configPath, `paddock.sessionPasswords=${mode}\n`);
      await target!.restart(1);
    };
    const before = await track(openSession(member));
    await createEphemeral(before, '/before');
    expect(before.passwd.equals(apacheSessionPassword(before.sessionId))).toBe(true);

    await switchMode('ensembleSecret');
    // Live when the data dir got its secret: ZooKeeper's password still works for this session, and only for it.
    const resumed = await track(attach(member, before.sessionId, before.passwd, before.lastZxid));
    expect(resumed.sessionId).toBe(before.sessionId);
    expect(resumed.passwd.equals(before.passwd)).toBe(true);
    const after = await track(openSession(member));
    await createEphemeral(after, '/after');
    expect(after.passwd.equals(apacheSessionPassword(after.sessionId))).toBe(false);
    await expect(attach(member, after.sessionId, apacheSessionPassword(after.sessionId))).rejects.toBeInstanceOf(SessionExpiredError);
    // Closed, it is gone for good: neither password resumes it.
    await resumed.close();
    await expect(attach(member, before.sessionId, before.passwd)).rejects.toBeInstanceOf(SessionExpiredError);

    await switchMode('zookeeper');
    // The secret's session reconnects and is handed ZooKeeper's password, which Apache members would accept.
    const back = await track(attach(member, after.sessionId, after.passwd, after.lastZxid));
    expect(back.sessionId).toBe(after.sessionId);
    expect(back.passwd.equals(apacheSessionPassword(after.sessionId))).toBe(true);
    expect(await ephemeralOwner(back, '/after')).toBe(after.sessionId);
  }, 90_000);
});

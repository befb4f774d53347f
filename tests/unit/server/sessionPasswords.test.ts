// Session passwords under paddock.sessionPasswords: what a server issues and accepts in each mode, the legacy list
// for sessions that predate the secret, and the record kept in dataDir (real files in a temp dir).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../node-core/log/logger.js';
import { SessionPasswords } from '../../../node-core/server/sessionPasswords.js';
import { apacheSessionPassword, secretSessionPassword } from '../../../node-core/server/sessionPassword.js';
import {
  SESSION_SECRET_FILE,
  decodeSessionSecret,
  encodeSessionSecret,
  readSessionSecretFile,
} from '../../../node-core/storage/sessionSecretFile.js';
import { DataDirError } from '../../../node-core/storage/dataDirError.js';
import { liveSessionsAfter } from '../../../node-core/server/quorum/sessionSecretSync.js';
import { encodeTxnEntry, type Txn } from '../../../node-core/txn/txnRecords.js';
import { OpCode } from '../../../node-core/protocol/index.js';

const legacy = 0x100000a1b2c30000n;
const fresh = 0x100000a1b2c30001n;
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'paddock-secret-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function loaded(mode: 'ensembleSecret' | 'zookeeper'): Promise<SessionPasswords> {
  const passwords = new SessionPasswords(mode, dataDir, createMemoryLogger());
  await passwords.load();
  return passwords;
}

describe('session password derivations', () => {
  it('the secret password is 16 bytes, depends on the secret and the id, and is not ZooKeeper’s', () => {
    const a = Buffer.alloc(32, 1);
    const b = Buffer.alloc(32, 2);
    expect(secretSessionPassword(a, fresh)).toHaveLength(16);
    expect(secretSessionPassword(a, fresh).equals(secretSessionPassword(a, fresh))).toBe(true);
    expect(secretSessionPassword(a, fresh).equals(secretSessionPassword(b, fresh))).toBe(false);
    expect(secretSessionPassword(a, fresh).equals(secretSessionPassword(a, legacy))).toBe(false);
    expect(secretSessionPassword(a, fresh).equals(apacheSessionPassword(fresh))).toBe(false);
  });
});

describe('ensembleSecret mode', () => {
  it('makes a secret once, keeps ZooKeeper’s password for the sessions live then only, and keeps it across restarts', async () => {
    const first = await loaded('ensembleSecret');
    expect(first.takeCharge([legacy])).toBe(true);
    await first.persist();
    expect(first.issue(legacy).equals(apacheSessionPassword(legacy))).toBe(true);
    expect(first.accepts(legacy, apacheSessionPassword(legacy))).toBe(true);
    const issued = first.issue(fresh);
    expect(issued.equals(apacheSessionPassword(fresh))).toBe(false);
    expect(first.accepts(fresh, issued)).toBe(true);
    // The attack: the derivable password of a session created under the secret.
    expect(first.accepts(fresh, apacheSessionPassword(fresh))).toBe(false);
    expect(first.accepts(fresh, Buffer.alloc(16))).toBe(false);
    expect(first.accepts(0n, Buffer.alloc(16))).toBe(false);

    const restarted = await loaded('ensembleSecret');
    expect(restarted.issue(fresh).equals(issued)).toBe(true);
    expect(restarted.takeCharge([legacy, fresh])).toBe(false);
    expect(restarted.issue(fresh).equals(issued)).toBe(true);
    expect(restarted.accepts(legacy, apacheSessionPassword(legacy))).toBe(true);
  });

  it('a legacy session that closes loses ZooKeeper’s password, on disk too', async () => {
    const passwords = await loaded('ensembleSecret');
    passwords.takeCharge([legacy]);
    await passwords.persist();
    passwords.sessionClosed(legacy);
    await passwords.persist();
    expect(passwords.accepts(legacy, apacheSessionPassword(legacy))).toBe(false);
    expect((await readSessionSecretFile(dataDir))!.legacySessions.size).toBe(0);
  });

  it('a learner takes its leader’s record, and without one uses ZooKeeper’s passwords', async () => {
    const leader = await loaded('ensembleSecret');
    leader.takeCharge([legacy]);
    const learner = await loaded('ensembleSecret');
    expect(learner.adopt(decodeSessionSecret(encodeSessionSecret(leader.shared!)))).toBe(true);
    expect(learner.issue(fresh).equals(leader.issue(fresh))).toBe(true);
    expect(learner.accepts(legacy, apacheSessionPassword(legacy))).toBe(true);
    expect(learner.accepts(fresh, apacheSessionPassword(fresh))).toBe(false);

    expect(learner.followWithoutSecret()).toBe(true);
    expect(learner.shared).toBeUndefined();
    expect(learner.issue(fresh).equals(apacheSessionPassword(fresh))).toBe(true);
    expect(learner.accepts(fresh, leader.issue(fresh))).toBe(true);
  });
});

describe('zookeeper mode', () => {
  it('issues ZooKeeper’s passwords, still accepts a known secret’s, and has the next secret leader retake the legacy list', async () => {
    const before = await loaded('ensembleSecret');
    before.takeCharge([]);
    const underSecret = before.issue(legacy);
    await before.persist();

    const zk = await loaded('zookeeper');
    expect(zk.takeCharge([legacy, fresh])).toBe(true);
    expect(zk.shared).toBeUndefined();
    expect(zk.issue(fresh).equals(apacheSessionPassword(fresh))).toBe(true);
    expect(zk.accepts(fresh, apacheSessionPassword(fresh))).toBe(true);
    expect(zk.accepts(legacy, underSecret)).toBe(true);
    await zk.persist();

    // Back to ensembleSecret: sessions made in zookeeper mode keep their passwords, new ones get the secret's.
    const after = await loaded('ensembleSecret');
    expect(after.takeCharge([fresh])).toBe(true);
    expect(after.accepts(fresh, apacheSessionPassword(fresh))).toBe(true);
    expect(after.issue(0x2000n).equals(secretSessionPassword(readSecret(), 0x2000n))).toBe(true);
  });

  it('never makes a secret', async () => {
    const zk = await loaded('zookeeper');
    expect(zk.takeCharge([legacy])).toBe(false);
    expect(await readSessionSecretFile(dataDir)).toBeUndefined();
  });
});

describe('the record in dataDir', () => {
  it('a damaged file stops the server with one line naming it', async () => {
    const passwords = await loaded('ensembleSecret');
    passwords.takeCharge([legacy]);
    await passwords.persist();
    const file = join(dataDir, SESSION_SECRET_FILE);
    const bytes = readFileSync(file);
    bytes[10] ^= 0xff;
    writeFileSync(file, bytes);
    const error = await readSessionSecretFile(dataDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirError);
    expect((error as Error).message).toBe(`${file} at offset 0: checksum mismatch; refusing to start`);
  });
});

function readSecret(): Buffer {
  return decodeSessionSecret(readFileSync(join(dataDir, SESSION_SECRET_FILE))).secret;
}

describe('the sessions a new leader records', () => {
  it('are the applied ones as changed by the logged tail not applied yet', () => {
    const entry = (clientId: bigint, zxid: bigint, txn: Txn) =>
      ({ data: encodeTxnEntry({ clientId, cxid: 0, zxid, time: 0n, type: txn.type }, txn) });
    const tail = [
      entry(fresh, 5n, { type: OpCode.createSession, timeOut: 30_000 }),
      entry(legacy, 6n, { type: OpCode.closeSession, paths2Delete: [] }),
    ];
    expect([...liveSessionsAfter([legacy, 7n], tail)].sort()).toEqual([7n, fresh].sort());
  });
});

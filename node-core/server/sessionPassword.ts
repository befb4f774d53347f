// Session passwords derived from the session id alone, so any member of an ensemble (and a restarted server) can
// check a reconnecting client's password without sharing state, which is what ZooKeeper achieves with its fixed seed.
import { createHmac, timingSafeEqual } from 'node:crypto';

const ensembleSecret = 'paddock-session-secret-b3415c00';

export function sessionPassword(sessionId: bigint): Buffer {
  const id = Buffer.alloc(8);
  id.writeBigInt64BE(BigInt.asIntN(64, sessionId));
  return createHmac('sha256', ensembleSecret).update(id).digest().subarray(0, 16);
}

export function isSessionPasswordValid(sessionId: bigint, passwd: Buffer): boolean {
  const expected = sessionPassword(sessionId);
  return passwd.length === expected.length && timingSafeEqual(passwd, expected);
}

// Session passwords exactly as Apache ZooKeeper makes them (ZooKeeperServer.generatePasswd): 16 bytes from
// java.util.Random seeded with sessionId ^ 0xB3415C00. Derived from the session id alone, so any member of an
// ensemble, a restarted server, or a ZooKeeper server taking over the same data dir accepts a reconnecting client.
import { timingSafeEqual } from 'node:crypto';

const superSecret = 0xb3415c00n;
const multiplier = 0x5deece66dn;
const mask48 = (1n << 48n) - 1n;

/** java.util.Random(seed).nextBytes(16). */
function javaRandomBytes(seed: bigint, count: number): Buffer {
  let state = (BigInt.asUintN(64, seed) ^ multiplier) & mask48;
  const nextInt = () => {
    state = (state * multiplier + 0xbn) & mask48;
    return Number(BigInt.asIntN(32, state >> 16n));
  };
  const out = Buffer.alloc(count);
  for (let i = 0; i < count; ) {
    let rnd = nextInt();
    for (let n = Math.min(count - i, 4); n-- > 0; rnd >>= 8) out[i++] = rnd & 0xff;
  }
  return out;
}

export function sessionPassword(sessionId: bigint): Buffer {
  return javaRandomBytes(BigInt.asIntN(64, sessionId) ^ superSecret, 16);
}

export function isSessionPasswordValid(sessionId: bigint, passwd: Buffer): boolean {
  if (sessionId === 0n) return false;
  const expected = sessionPassword(sessionId);
  return passwd.length === expected.length && timingSafeEqual(passwd, expected);
}

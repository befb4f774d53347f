// The two ways a session's 16-byte password is made from its id: Apache ZooKeeper's (derivable by anyone who knows
// the id, kept for mixed ensembles and migrations) and Paddock's (an HMAC under the ensemble's secret).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_PASSWORD_BYTES = 16;

const superSecret = 0xb3415c00n;
const multiplier = 0x5deece66dn;
const mask48 = (1n << 48n) - 1n;

/** java.util.Random(seed).nextBytes(count). */
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

/**
 * ZooKeeperServer.generatePasswd: java.util.Random seeded with sessionId ^ 0xB3415C00. Anyone who reads a node's
 * ephemeralOwner can compute it, which is why Paddock uses it only where Apache members must agree.
 */
export function apacheSessionPassword(sessionId: bigint): Buffer {
  return javaRandomBytes(BigInt.asIntN(64, sessionId) ^ superSecret, SESSION_PASSWORD_BYTES);
}

/** HMAC-SHA256 of the id (8 bytes, big-endian) under the ensemble secret, cut to ZooKeeper's 16 bytes. */
export function secretSessionPassword(secret: Buffer, sessionId: bigint): Buffer {
  const id = Buffer.alloc(8);
  id.writeBigUInt64BE(BigInt.asUintN(64, sessionId));
  return createHmac('sha256', secret).update(id).digest().subarray(0, SESSION_PASSWORD_BYTES);
}

/** Constant-time comparison, so a refusal's timing tells nothing about how many bytes matched. */
export function samePassword(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}

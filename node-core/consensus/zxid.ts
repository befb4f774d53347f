// Zxid arithmetic: a zxid is epoch << 32 | counter, and every ordering decision of ZAB is made on these two halves.

const counterMask = 0xffffffffn;

export function makeZxid(epoch: bigint, counter: bigint): bigint {
  return (epoch << 32n) | (counter & counterMask);
}

export function epochOf(zxid: bigint): bigint {
  return zxid >> 32n;
}

export function counterOf(zxid: bigint): bigint {
  return zxid & counterMask;
}

/** ZooKeeper refuses to propose a zxid whose counter is all ones and forces a new epoch instead. */
export function counterExhausted(zxid: bigint): boolean {
  return counterOf(zxid) === counterMask;
}

/** The consensus code's name for the one hex-long format. */
export { hexLong as zxidHex } from '../protocol/javaText.js';

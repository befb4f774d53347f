// Adler-32 checksum, the one ZooKeeper uses (java.util.zip.Adler32) for transaction log entries and snapshots.
// Incremental: pass the previous value to continue a running checksum over data that arrives in pieces.

const MOD = 65521;
// The largest n for which 255n(n+1)/2 + (n+1)(MOD-1) stays below 2^32, so sums can be reduced once per block
// instead of once per byte without leaving the range where JS integer arithmetic is exact and fast.
const NMAX = 5552;

/** Adler-32 of `data`, continuing from `previous` (1 is the checksum of no bytes). Returns an unsigned 32-bit value. */
export function adler32(data: Uint8Array, previous = 1): number {
  let a = previous & 0xffff;
  let b = (previous >>> 16) & 0xffff;
  const length = data.length;
  let i = 0;
  while (i < length) {
    const end = Math.min(i + NMAX, length);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * The Adler-32 of a stream's bytes before `suffix`, given the checksum of the whole stream: each byte's step is
 * undone in reverse, so a seal in the middle of a file can be checked from the file's running checksum.
 */
export function adler32WithoutSuffix(whole: number, suffix: Uint8Array): number {
  let a = whole & 0xffff;
  let b = (whole >>> 16) & 0xffff;
  for (let i = suffix.length - 1; i >= 0; i--) {
    b = (b - a + MOD) % MOD;
    a = (a - suffix[i]! + MOD) % MOD;
  }
  return ((b << 16) | a) >>> 0;
}

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

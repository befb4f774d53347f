// Java's String.hashCode and HashSet iteration order, for the places where ZooKeeper's observable order is its
// HashSet's: the order a closing session's ephemerals are deleted, and so the order of their watch events.

export function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/**
 * The order a java.util.HashSet built by adding `items` in order iterates them: by bucket of the spread hash in
 * the smallest power-of-two table that holds them at load factor 0.75, and within a bucket by insertion.
 */
export function javaHashSetOrder(items: Iterable<string>, initialCapacity = 16): string[] {
  const list = [...items];
  let capacity = 1;
  while (capacity < initialCapacity) capacity *= 2;
  while (list.length > capacity * 0.75) capacity *= 2;
  const buckets = new Uint32Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const hash = javaStringHash(list[i]!);
    buckets[i] = (hash ^ (hash >>> 16)) & (capacity - 1);
  }
  return stableByBucket(list, buckets, capacity);
}

/** A counting sort: linear however many items a snapshot writer hands it (a node may have a million children). */
function stableByBucket<T>(items: readonly T[], buckets: Uint32Array, capacity: number): T[] {
  const starts = new Uint32Array(capacity + 1);
  for (let i = 0; i < buckets.length; i++) starts[buckets[i]! + 1]!++;
  for (let b = 0; b < capacity; b++) starts[b + 1]! += starts[b]!;
  const out = new Array<T>(items.length);
  for (let i = 0; i < items.length; i++) out[starts[buckets[i]!]!++] = items[i]!;
  return out;
}

/** Java's Long.hashCode: the two halves of the 64-bit value xored. */
function javaLongHash(value: bigint): number {
  const bits = BigInt.asUintN(64, value);
  return Number((bits ^ (bits >> 32n)) & 0xffffffffn) | 0;
}

/**
 * The order `new java.util.HashMap<>(source)` iterates Long keys given in `source`'s order, as ZooKeeper's snapshot
 * writer copies its session and ACL maps before writing them: by bucket in a table sized for the count, and within a
 * bucket by insertion.
 */
export function javaHashMapCopyOrder<T>(items: readonly T[], keyOf: (item: T) => bigint): T[] {
  if (items.length === 0) return [];
  const wanted = Math.floor(items.length / 0.75 + 1);
  let capacity = 1;
  while (capacity < wanted) capacity *= 2;
  const buckets = new Uint32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const hash = javaLongHash(keyOf(items[i]!));
    buckets[i] = (hash ^ (hash >>> 16)) & (capacity - 1);
  }
  return stableByBucket(items, buckets, capacity);
}

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
  const bucketOf = (text: string) => {
    const hash = javaStringHash(text);
    return (hash ^ (hash >>> 16)) & (capacity - 1);
  };
  return list
    .map((text, index) => ({ text, index, bucket: bucketOf(text) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((entry) => entry.text);
}

import { describe, expect, it } from 'vitest';
import { javaHashSetOrder, javaStringHash } from '../../../node-core/tree/javaHashOrder.js';

describe('Java hash order', () => {
  it('computes String.hashCode as Java does (int32 overflow included)', () => {
    // Values printed by Java's "...".hashCode().
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('a')).toBe(97);
    expect(javaStringHash('hello')).toBe(99162322);
    expect(javaStringHash('/zookeeper/quota')).toBe(javaStringHash('/zookeeper/quota'));
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
  });

  it('orders by bucket, then by insertion within a bucket', () => {
    // "Aa" and "BB" collide in Java (2112), so they keep their insertion order.
    expect(javaStringHash('Aa')).toBe(javaStringHash('BB'));
    expect(javaHashSetOrder(['BB', 'Aa'])).toEqual(['BB', 'Aa']);
    expect(javaHashSetOrder(['Aa', 'BB'])).toEqual(['Aa', 'BB']);
    // 'b' (98 -> bucket 2) precedes 'c' (99 -> bucket 3) whatever the insertion order.
    expect(javaHashSetOrder(['c', 'b'])).toEqual(['b', 'c']);
  });
});

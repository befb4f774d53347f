// The simulator's agenda: events by virtual time, ties broken by the order they were scheduled, so a run is a pure
// function of its seed.
export interface Scheduled<E> {
  at: number;
  seq: number;
  event: E;
}

/** A binary min-heap on (at, seq). */
export class EventQueue<E> {
  private readonly heap: Scheduled<E>[] = [];
  private seq = 0;

  push(at: number, event: E): void {
    const item = { at, seq: this.seq++, event };
    const heap = this.heap;
    // Sift up by moving parents down into the hole, then drop the item in: no swap allocates.
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(item, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  pop(): Scheduled<E> | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    const size = heap.length;
    if (size > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        const m = r < size && this.less(heap[r]!, heap[l]!) ? r : l;
        if (!this.less(heap[m]!, last)) break;
        heap[i] = heap[m]!;
        i = m;
      }
      heap[i] = last;
    }
    return top;
  }

  private less(a: Scheduled<E>, b: Scheduled<E>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
}

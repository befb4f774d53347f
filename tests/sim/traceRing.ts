// The tail of a simulation's trace, kept cheaply: an entry is a line of text or a record formatted only when the tail
// is read (a failure shows it), so the thousands of packets a passing seed delivers cost no string each.
export class TraceRing<T> {
  private readonly times: number[] = [];
  private readonly items: (string | T)[] = [];
  private next = 0;

  constructor(
    private readonly capacity: number,
    private readonly format: (item: T) => string,
  ) {}

  add(at: number, item: string | T): void {
    if (this.items.length < this.capacity) {
      this.times.push(at);
      this.items.push(item);
      return;
    }
    this.times[this.next] = at;
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The last `count` entries, oldest first, each as "time text". */
  lines(count = this.capacity): string[] {
    const size = this.items.length;
    const out: string[] = [];
    for (let k = Math.max(0, size - count); k < size; k++) {
      const i = (this.next + k) % size;
      const item = this.items[i]!;
      out.push(`${this.times[i]} ${typeof item === 'string' ? item : this.format(item)}`);
    }
    return out;
  }
}

// The transaction log's queue of pending work in arrival order: appends waiting for their group commit, and the
// rolls and truncations that must happen between them.

export interface AppendOp {
  kind: 'append';
  payload: Buffer;
  zxid: bigint;
  resolve: () => void;
  reject: (err: unknown) => void;
}
interface RollOp {
  kind: 'roll';
}
interface TruncateOp {
  kind: 'truncate';
  zxid: bigint;
  resolve: () => void;
  reject: (err: unknown) => void;
}
export type Op = AppendOp | RollOp | TruncateOp;

/** FIFO with O(1) removal at the head; Array#shift is linear, and a burst can queue tens of thousands of appends. */
export class OpQueue {
  private items: Op[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  peek(): Op | undefined {
    return this.items[this.head];
  }

  last(): Op | undefined {
    return this.size > 0 ? this.items[this.items.length - 1] : undefined;
  }

  push(op: Op): void {
    this.items.push(op);
  }

  shift(): Op | undefined {
    if (this.head >= this.items.length) return undefined;
    const op = this.items[this.head]!;
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return op;
  }

  takeAll(): Op[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return all;
  }
}

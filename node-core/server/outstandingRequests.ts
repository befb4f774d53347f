// Counts the requests every client connection has queued, so that a flood makes its connection wait (stop reading
// its socket) once globalOutstandingLimit requests are outstanding, as ZooKeeper's throttling does, instead of the
// server buffering whatever a client manages to send.

/** A connection that stopped reading because of the limit, and resumes when the count falls below it. */
export interface WaitingReader {
  resumeReading(): void;
}

export class OutstandingRequests {
  private count = 0;
  private readonly waiting = new Set<WaitingReader>();
  private wakeScheduled = false;

  constructor(readonly limit: number) {}

  get total(): number {
    return this.count;
  }

  added(): void {
    this.count++;
  }

  removed(n = 1): void {
    this.count -= n;
    if (this.count < this.limit && this.waiting.size > 0) this.scheduleWake();
  }

  /**
   * ZooKeeper's shouldThrottle: at the limit, every connection with a request outstanding waits; a connection with
   * none may still send one, so a quiet client's ping gets through while another floods.
   */
  mustWait(ownOutstanding: number): boolean {
    return ownOutstanding > 0 && this.count >= this.limit;
  }

  wait(reader: WaitingReader): void {
    this.waiting.add(reader);
  }

  forget(reader: WaitingReader): void {
    this.waiting.delete(reader);
  }

  // Woken on a later turn: the count falls inside the pipeline's reply loop, which must not re-enter itself through
  // a connection that dispatches its next requests at once.
  private scheduleWake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      const readers = [...this.waiting];
      this.waiting.clear();
      for (const reader of readers) reader.resumeReading();
    });
  }
}

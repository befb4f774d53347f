// What a leader or learner shares with the member it runs in: identity, timings, the log window, disk tickets and
// the epochs. The epochs here are the values last handed to the disk, which FIFO disk order makes safe to report.
import type { DiskTickets, ZabAction, ZabTimings } from './actions.js';
import type { History } from './history.js';

export interface ZabContext {
  readonly myId: number;
  readonly voters: readonly number[];
  readonly timings: ZabTimings;
  readonly history: History;
  readonly disk: DiskTickets;
  /** The quorum configuration as ZooKeeper prints it; NEWLEADER carries it. */
  readonly configData: Buffer;
  acceptedEpoch: bigint;
  currentEpoch: bigint;
  emit(action: ZabAction): void;
  log(message: string): void;
}

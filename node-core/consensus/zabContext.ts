// What a leader or learner shares with the member it runs in: identity, timings, the log window, disk tickets and
// the epochs. The epochs here are the values last handed to the disk, which FIFO disk order makes safe to report.
import type { DiskTickets, ZabAction, ZabTimings } from './actions.js';
import type { History } from './history.js';
import type { ConfigChange } from './quorumConfig.js';

export interface ZabContext {
  readonly myId: number;
  /** Replaced when a reconfig commits (QuorumPeer.activateConfig). */
  voters: readonly number[];
  readonly timings: ZabTimings;
  readonly history: History;
  readonly disk: DiskTickets;
  /** The quorum configuration as ZooKeeper prints it; NEWLEADER carries it. */
  configData: Buffer;
  /** The membership a logged transaction installs when it commits, or null for an ordinary transaction. */
  configChangeOf?(data: Buffer): ConfigChange | null;
  /** A learner heard NEWLEADER with the leader's configuration text. */
  onLeaderConfig?(configData: Buffer): void;
  acceptedEpoch: bigint;
  currentEpoch: bigint;
  emit(action: ZabAction): void;
  log(message: string): void;
}

// How a ZooKeeperServer learns its part in an ensemble: one interface given at construction (DESIGN rule 7), whose
// answers follow the member's role as it changes. A standalone server is its own leader: standaloneRole.
import { ErrorCode } from '../protocol/index.js';
import type { QuorumIntrospection, ServerState } from './introspection.js';

export interface ServerRole {
  /** True while this server prepares writes (standalone, or an ensemble leader): it alone expires sessions and reaps. */
  ownsWrites(): boolean;
  /**
   * The lowest zxid srvr/mntr report: an ensemble member serving epoch E reports at least E << 32 even before the
   * first write of the epoch, as ZooKeeper does.
   */
  zxidFloor(): bigint;
  /** A client request kept `sessionId` alive (a learner passes these to its leader in PINGs). */
  sessionTouched(sessionId: bigint): void;
  /**
   * SessionMoved (or ok) for a write of a known session by `owner` (undefined: this server's own connection). A
   * standalone server has one owner for every session.
   */
  checkSessionOwner(sessionId: bigint, owner: number | undefined): number;
  /**
   * A client re-attaching an existing session here: an ensemble member asks its leader, which records this member as
   * the owner; `done(false)` when the leader no longer knows the session. Undefined: re-attach at once (standalone).
   */
  readonly revalidateSession?: (sessionId: bigint, timeout: number, done: (valid: boolean) => void) => void;
  /** A leader's check that a reconfig's new voters are synced with it. Undefined: no reconfig here (standalone). */
  readonly isQuorumSynced?: (voters: readonly number[]) => boolean;
  /** The mode four-letter words and the AdminServer show. */
  state(): ServerState;
  /** The quorum figures they show; null standalone. */
  quorum(): QuorumIntrospection | null;
}

export const standaloneRole: ServerRole = {
  ownsWrites: () => true,
  zxidFloor: () => 0n,
  sessionTouched: () => undefined,
  checkSessionOwner: () => ErrorCode.ok,
  state: () => 'standalone',
  quorum: () => null,
};

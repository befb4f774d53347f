// Fast Leader Election and ZAB as pure state machines (DESIGN rule 1): the shell feeds messages, disk completions
// and ticks, and carries out the actions that come back.
export { FastLeaderElection, type Vote, type Notification, type ElectionAction, type ElectionConfig, type ElectionStart } from './fastLeaderElection.js';
export { Leader, type LeaderPhase, type StateSummary } from './leader.js';
export { Learner, type LearnerPhase, type LearnerOptions } from './learner.js';
export { QuorumPeer, type QuorumPeerConfig, type DurableState, type PeerAction, type PeerStateName } from './quorumPeer.js';
export { ActionExecutor, type PeerEnvironment } from './actionExecutor.js';
export { History, planSync, type Txn, type SyncPlan } from './history.js';
export { DiskTickets, type DiskAction, type ZabAction, type ZabTimings } from './actions.js';
export type { ZabContext } from './zabContext.js';
export { isQuorum } from './quorum.js';
export { makeZxid, epochOf, counterOf, counterExhausted, zxidHex } from './zxid.js';
export { toWireNotification, fromWireNotification } from './notificationWire.js';

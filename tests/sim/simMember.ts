// One simulated ensemble member's life, shared by the randomised simulator and the scripted ensemble: a FakeStore
// that outlives crashes, and per incarnation a QuorumPeer driven by the real ActionExecutor through the driver's
// PeerEnvironment. Only the durable state of the store survives a crash.
import { ActionExecutor, QuorumPeer, type DurableState, type PeerEnvironment, type QuorumPeerConfig } from '../../node-core/consensus/index.js';
import { FakeStore, type StoreObserver } from './fakeStore.js';

export class SimMember {
  alive = false;
  /** Counts starts, so events addressed to an earlier incarnation can be recognised and ignored. */
  incarnation = 0;
  peer: QuorumPeer | null = null;
  executor: ActionExecutor | null = null;
  readonly store: FakeStore;

  constructor(
    readonly id: number,
    observer: StoreObserver,
  ) {
    this.store = new FakeStore(id, observer);
  }

  /** Boots from the durable state and makes a new peer and executor; the caller starts the executor with the result. */
  boot(now: number, config: QuorumPeerConfig, env: PeerEnvironment): DurableState {
    if (this.alive) throw new Error(`member ${this.id} is already running`);
    this.alive = true;
    this.incarnation++;
    const durable = this.store.boot(now);
    this.peer = new QuorumPeer(config);
    this.executor = new ActionExecutor(this.peer, env);
    return durable;
  }

  /** The process dies: nothing more is carried out; unfinished writes are lost but for `tornKept` appended entries. */
  crash(tornKept: number): void {
    this.alive = false;
    this.executor?.stop();
    this.executor = null;
    this.peer = null;
    this.store.crash(tornKept);
  }
}

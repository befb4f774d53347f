// Leader election (ZooKeeper's recipe): candidates queue as ephemeral sequential nodes and the first one leads;
// when it resigns or its session ends, the next in line is told, and nobody else is woken.
import { EventEmitter } from 'node:events';
import type { ZkClient } from '../zkClient.js';
import { ContenderQueue } from './contenderQueue.js';
import { sortedContenders } from './paths.js';

export class LeaderElection extends EventEmitter<{ leader: []; error: [Error] }> {
  private readonly queue: ContenderQueue;
  private leading = false;

  constructor(
    private readonly client: ZkClient,
    readonly path: string,
    private readonly candidateId: string,
  ) {
    super();
    this.queue = new ContenderQueue(client, path, 'candidate-');
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Enters the election; 'leader' is emitted when this candidate takes over. */
  async run(): Promise<void> {
    await this.queue.join(this.candidateId);
    this.queue.waitForTurn().then(
      () => {
        if (this.queue.nodePath === undefined) return;
        this.leading = true;
        this.emit('leader');
      },
      (error: Error) => this.emit('error', error),
    );
  }

  async resign(): Promise<void> {
    this.leading = false;
    await this.queue.leave();
  }

  /** The current leader's candidate id, whoever it is. */
  async leaderId(): Promise<string | undefined> {
    const first = sortedContenders(await this.client.getChildren(this.path), 'candidate-')[0];
    if (first === undefined) return undefined;
    return (await this.client.getData(`${this.path}/${first}`)).data?.toString();
  }
}

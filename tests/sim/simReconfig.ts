// Reconfiguration in the simulator: now and then an admin asks, through a client session and the real request path,
// for a membership that gives the members new roles (voters and observers; every member stays in it). Each member
// keeps the membership it last activated as durable state, as ZooKeeper writes its dynamic config file, and restarts
// with it. The choices come from a generator of their own, so a seed without reconfigs runs as it did before.
import type { ConfigChange } from '../../node-core/consensus/quorumConfig.js';
import { membershipText } from './simMembership.js';
import type { Prng } from './prng.js';

export interface Membership {
  voters: readonly number[];
  observers: readonly number[];
  configData: Buffer;
}

export class SimReconfig {
  private readonly initial: Membership;
  /** Per member id: the membership it activated last (what survives its crashes). */
  private readonly activated = new Map<number, Membership>();
  requested = 0;

  constructor(
    private readonly rng: Prng,
    private readonly ids: readonly number[],
    voters: readonly number[],
    observers: readonly number[],
  ) {
    this.initial = { voters, observers, configData: Buffer.from(membershipText(voters, observers, 0n)) };
  }

  /** The configuration text every member's /zookeeper/config starts from. */
  get initialConfig(): Buffer {
    return this.initial.configData;
  }

  /** The membership member `id` (re)starts with. */
  membershipOf(id: number): Membership {
    return this.activated.get(id) ?? this.initial;
  }

  /** Member `id` put `change` in force. */
  activate(id: number, change: ConfigChange): void {
    this.activated.set(id, { voters: change.voters, observers: change.observers, configData: change.configData });
  }

  /** Virtual milliseconds until the next reconfig, around `everyMs`. */
  nextGap(everyMs: number): number {
    return this.rng.int(Math.floor(everyMs / 2), Math.floor((everyMs * 3) / 2));
  }

  /** The next membership to ask for (ReconfigRequest.newMembers): at least two voters, the other members observers. */
  nextMembers(): string {
    this.requested++;
    const shuffled = [...this.ids];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = this.rng.int(0, i);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const voterCount = this.rng.int(Math.min(2, this.ids.length), this.ids.length);
    const voters = shuffled.slice(0, voterCount).sort((a, b) => a - b);
    const observers = shuffled.slice(voterCount).sort((a, b) => a - b);
    // The version is the reconfig's zxid, which the leader's prep sets; newMembers carries only the member lines.
    return membershipText(voters, observers, 0n).split('\n').filter((line) => line.startsWith('server.')).join('\n');
  }
}

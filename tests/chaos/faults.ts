// The chaos campaign's fault injector: at random moments (from the seed) it kills a member with SIGKILL, pauses one
// with SIGSTOP, cuts one off the network, or wipes one's data dir and restarts it, and undoes each fault after a
// random while. Faults overlap freely, except that a wipe waits until no other fault is active and, after it, no
// new fault starts until the wiped member has caught up with the leader: ZooKeeper (and Paddock) keep acknowledged
// writes only while a quorum keeps its disks, and two wiped or lagging members could form a quorum without them.
import type { LocalCluster } from '../../node-core/cluster/index.js';
import type { Prng } from '../sim/prng.js';

export type FaultKind = 'kill' | 'pause' | 'isolate' | 'wipe';

export interface FaultOptions {
  /** Mean pause between two faults. */
  meanIntervalMs: number;
  /** Longest a fault lasts before it is undone. */
  maxDurationMs: number;
  /** At most this many members faulted at once (a minority keeps writes flowing most of the time; more is allowed). */
  maxConcurrent: number;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FaultInjector {
  readonly counts: Record<FaultKind, number> = { kill: 0, pause: 0, isolate: 0, wipe: 0 };
  private readonly active = new Set<number>();
  private running = true;
  private loop: Promise<void> | undefined;
  private readonly undoing = new Set<Promise<void>>();

  constructor(
    private readonly cluster: LocalCluster,
    private readonly random: Prng,
    private readonly options: FaultOptions,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  /** Stops injecting, undoes every active fault and waits until each member process runs again. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.undoing);
  }

  private async run(): Promise<void> {
    while (this.running) {
      await sleep(this.random.int(this.options.meanIntervalMs / 2, (this.options.meanIntervalMs * 3) / 2));
      if (!this.running) return;
      const ids = this.cluster.memberIds.filter((id) => !this.active.has(id));
      if (ids.length === 0 || this.active.size >= this.options.maxConcurrent) continue;
      const kind = this.random.pick<FaultKind>(['kill', 'kill', 'pause', 'isolate', 'isolate', 'wipe']);
      const id = this.random.pick(ids);
      const duration = this.random.int(500, this.options.maxDurationMs);
      if (kind === 'wipe') {
        if (this.active.size > 0) continue;
        await this.wipe(id);
        continue;
      }
      this.active.add(id);
      this.counts[kind]++;
      this.options.log(`${kind} member ${id} for ${duration} ms`);
      if (kind === 'kill') await this.cluster.killMember(id);
      else if (kind === 'pause') this.cluster.pauseMember(id);
      else this.cluster.isolate(id);
      const undo = sleep(duration)
        .then(async () => {
          if (kind === 'kill') await this.cluster.startMember(id);
          else if (kind === 'pause') this.cluster.resumeMember(id);
          else this.cluster.heal(id);
          this.options.log(`undo ${kind} of member ${id}`);
        })
        .catch((error: Error) => this.options.log(`undo ${kind} of member ${id} failed: ${error.message}`))
        .finally(() => {
          this.active.delete(id);
          this.undoing.delete(undo);
        });
      this.undoing.add(undo);
    }
  }

  /**
   * Kill, delete the data dir, start again; returns once the member follows with every txn the leader had when it
   * was killed (or after 120 s, which the report shows as a fault that did not heal).
   */
  private async wipe(id: number): Promise<void> {
    this.active.add(id);
    this.counts.wipe++;
    this.options.log(`wipe member ${id}: kill, delete its data, restart`);
    try {
      await this.cluster.killMember(id);
      const leaderBefore = await this.leaderZxid(id);
      this.cluster.wipeMember(id);
      await this.cluster.startMember(id);
      await this.cluster.waitFor(
        (members) => {
          const member = members.find((m) => m.id === id);
          return member?.zxid !== undefined && (member.mode === 'follower' || member.mode === 'leader') && BigInt(member.zxid) >= leaderBefore;
        },
        120_000,
        `member ${id} caught up after its wipe`,
      );
      this.options.log(`member ${id} caught up after its wipe (zxid >= 0x${leaderBefore.toString(16)})`);
    } catch (error) {
      this.options.log(`wipe of member ${id}: ${(error as Error).message}`);
    } finally {
      this.active.delete(id);
    }
  }

  /** The zxid a freshly polled leader other than `excluded` reports; waits for one to be elected. */
  private async leaderZxid(excluded: number): Promise<bigint> {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const leader = (await this.cluster.refresh()).find((m) => m.mode === 'leader' && m.id !== excluded);
      if (leader?.zxid !== undefined) return BigInt(leader.zxid);
      await sleep(250);
    }
    throw new Error('no leader within 120 s');
  }
}

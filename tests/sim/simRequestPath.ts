// The simulated members' request path, through production code: clients' requests go to a member, a learner
// forwards them to the leader in the real forwarded-request encoding, the leader prepares them (SimLeader), and every
// member applies committed txns to its own DataTree (SimReplica), answering its own clients from the result. Two
// invariants are checked here: members that applied the same zxid hold identical trees (digest), and the committed
// history is the one each request's fate is looked up in (for the linearizability check of reply-less operations).
import { zxidHex } from '../../node-core/consensus/index.js';
import { OpCode, type GetDataResponse, type Id } from '../../node-core/protocol/index.js';
import { decodeForwardedRequest, encodeForwardedRequest } from '../../node-core/server/quorum/forwardedRequest.js';
import { SessionTracker } from '../../node-core/server/sessionTracker.js';
import { processRead } from '../../node-core/tree/readRequests.js';
import type { WriteRequest } from '../../node-core/txn/prepRequest.js';
import type { Applied } from './fakeStore.js';
import type { FaultOptions } from './faultOptions.js';
import type { Operation } from './linearizability.js';
import type { ZnodeInput, ZnodeOutput } from './linearizabilityModels.js';
import type { Prng } from './prng.js';
import { SimClients, type ClientPort, type CommitRecord, type ReplyHandler } from './simClients.js';
import { SimLeader } from './simLeader.js';
import { SimMember } from './simMember.js';
import { SimReplica, decodeSimEntry, isSessionError, requestKey } from './simReplica.js';

/** How often (in tree versions) a member's incremental digest is checked against a full walk. */
const fullDigestEvery = 32;

export class ServingMember extends SimMember {
  serving = false;
  /** Requests of this member's clients, by (session, cxid), answered when the member applies their txn. */
  pending = new Map<string, ReplyHandler>();
  tickToken = 0;
  scheduledTickAt = Infinity;
  replica = new SimReplica();
  /** The replica version whose digest was last compared: an unchanged tree is not digested again. */
  checkedVersion = -1;
  leader: SimLeader | null = null;
  sessionIds: SessionTracker | null = null;
}

export interface RequestPathHost {
  readonly rng: Prng;
  readonly faults: FaultOptions;
  readonly tickTime: number;
  now(): number;
  note(line: string): void;
  violation(message: string): void;
}

export class SimRequestPath {
  /** The tree digest of the first member to apply each zxid; every other member must match it. */
  private readonly digests = new Map<bigint, { member: number; digest: string }>();
  private readonly commits = new Map<string, CommitRecord>();
  private readonly decoded = new Map<string, ReturnType<typeof decodeSimEntry>>();
  private readonly clients: SimClients;
  private readonly ports: ClientPort[];

  constructor(
    private readonly host: RequestPathHost,
    private readonly members: readonly ServingMember[],
    initialConfig: Buffer,
  ) {
    for (const member of members) member.replica = new SimReplica(initialConfig);
    this.clients = new SimClients(host.rng, {
      clients: host.faults.clients,
      persistentKeys: 4,
      ephemeralKeys: 3,
      sessionTimeoutMs: host.faults.sessionTimeoutMs,
      requestTimeoutMs: 3000,
    });
    this.ports = members.map((member) => this.port(member));
  }

  /** A (re)started member: fresh connections, a session id allocator of this incarnation, its tree from its store. */
  started(member: ServingMember): void {
    member.serving = false;
    member.leader = null;
    member.sessionIds = new SessionTracker(this.host.tickTime, member.id, this.host.now());
    this.followStore(member);
  }

  /** The member stopped serving (crash, new state): its clients' requests have an unknown outcome. */
  connectionsLost(member: ServingMember): void {
    member.leader = null;
    const lost = [...member.pending.values()];
    member.pending.clear();
    for (const handler of lost) handler.lost();
  }

  /** The member serves; a leader starts preparing requests against its tree. */
  serving(member: ServingMember, epoch: bigint, leading: boolean): void {
    member.serving = true;
    const { replica } = member;
    if (leading) {
      const isQuorumSynced = (voters: readonly number[]) => member.peer?.isQuorumSynced(voters) ?? false;
      member.leader = new SimLeader(replica.tree, replica.sessions, epoch, this.host.tickTime, member.id, this.host.now(), isQuorumSynced);
    }
  }

  /** The store applied more (a commit): the tree follows and the member answers its clients. */
  committed(member: ServingMember): void {
    for (const result of this.followStore(member)) {
      member.leader?.applied(result);
      const key = requestKey(result.sessionId, result.cxid);
      const handler = member.pending.get(key);
      if (handler !== undefined) {
        member.pending.delete(key);
        handler.reply(result, this.host.now());
      }
    }
  }

  /** Brings the member's DataTree to its store's applied state; checks it against every other member's at that zxid. */
  followStore(member: ServingMember): ReturnType<SimReplica['follow']> {
    const results = member.replica.follow(
      member.store.applied,
      (message) => this.host.violation(`member ${member.id}: ${message}`),
      (data) => this.decode(data),
    );
    if (member.leader !== null && member.leader.tree !== member.replica.tree) member.leader = null;
    const zxid = member.store.lastAppliedZxid;
    if (zxid === 0n || member.checkedVersion === member.replica.version) return results;
    member.checkedVersion = member.replica.version;
    const digest = member.replica.digest();
    // Now and then the incremental digest is checked against a walk of the whole tree, so a change its bookkeeping
    // missed cannot hide a divergence.
    if (member.replica.version % fullDigestEvery === 0) this.checkFullDigest(member);
    const first = this.digests.get(zxid);
    if (first === undefined) this.digests.set(zxid, { member: member.id, digest });
    else if (first.digest !== digest) {
      this.host.violation(
        `member ${member.id}'s tree after ${zxidHex(zxid)} differs from member ${first.member}'s (digest ${digest} vs ${first.digest})`,
      );
    }
    return results;
  }

  /** The member's incremental digest equals a walk of its whole tree. */
  checkFullDigest(member: ServingMember): void {
    const walked = member.replica.fullDigest();
    if (walked !== member.replica.digest()) {
      this.host.violation(`member ${member.id}'s incremental tree digest ${member.replica.digest()} differs from a full walk's ${walked} after ${zxidHex(member.store.lastAppliedZxid)}`);
    }
  }

  /** Every member applies the same entries: each is decoded once (applyTxn only reads the txn). */
  private decode(data: string): ReturnType<typeof decodeSimEntry> {
    let decoded = this.decoded.get(data);
    if (decoded === undefined) {
      decoded = decodeSimEntry(data);
      this.decoded.set(data, decoded);
    }
    return decoded;
  }

  /** An entry joined the one committed history: when, and whether its session refused it. */
  newlyCommitted(entry: Applied): void {
    const { header, txn } = this.decode(entry.data);
    const sessionError = txn.type === OpCode.error && isSessionError(txn.err);
    this.commits.set(requestKey(header.clientId, header.cxid), { at: this.host.now(), zxid: header.zxid, sessionError });
  }

  /** A learner's REQUEST packet reached the leader. */
  forwarded(member: ServingMember, from: number, data: Buffer, authInfo: Id[]): void {
    this.leaderReceived(member, decodeForwardedRequest(data, authInfo), from);
  }

  /** One client acts (the leaders first expire sessions that went quiet). */
  clientStep(): void {
    for (const member of this.members) {
      if (member.leader === null || !member.serving) continue;
      for (const close of member.leader.expired(this.host.now())) {
        this.host.note(`leader ${member.id} expires session ${close.sessionId}`);
        if (!this.leaderReceived(member, close, null)) break;
      }
    }
    this.clients.step(this.host.now(), this.ports);
  }

  /** An admin asks for a new membership (ReconfigRequest.newMembers), through the next client with a session. */
  requestReconfig(newMembers: string): void {
    this.clients.queueReconfig({ joiningServers: null, leavingServers: null, newMembers, curConfigId: -1n });
  }

  history(): Operation<ZnodeInput, ZnodeOutput>[] {
    return this.clients.history(this.commits);
  }

  /** After healing: every acknowledged request is committed; the highest zxid among them, and how many came after `healedAt`. */
  checkAcknowledged(healedAt: number): { lastAcked: bigint; healedAcks: number } | string {
    let lastAcked = 0n;
    let healedAcks = 0;
    for (const op of this.clients.acknowledged()) {
      if (!this.commits.has(op.key)) return `acknowledged request ${op.key} (${zxidHex(op.zxid)}) is not in the committed history`;
      if (op.zxid > lastAcked) lastAcked = op.zxid;
      if (op.call >= healedAt) healedAcks++;
    }
    return { lastAcked, healedAcks };
  }

  get acknowledgedCount(): number {
    return this.clients.acknowledged().length;
  }

  private port(member: ServingMember): ClientPort {
    return {
      id: member.id,
      usable: () => member.alive && member.serving && member.executor !== null,
      send: (request, handler) => this.submit(member, request, handler),
      readVersion: (path, sessionId) => {
        const read = processRead(member.replica.tree, OpCode.getData, { path, watch: false }, { sessionId, authInfo: [], skipAcl: true });
        return (read.response as GetDataResponse | undefined)?.stat.version;
      },
      newSessionId: () => member.sessionIds!.allocateSessionId(),
    };
  }

  private submit(member: ServingMember, request: WriteRequest, handler: ReplyHandler): boolean {
    if (!member.alive || member.executor === null || !member.serving) return false;
    let taken: boolean;
    if (member.peer?.state === 'leading') taken = this.leaderReceived(member, request, null);
    else {
      const { data, authinfo } = encodeForwardedRequest(request);
      taken = member.executor.forwardRequest(data, authinfo);
    }
    if (taken) member.pending.set(requestKey(request.sessionId, request.cxid), handler);
    return taken;
  }

  /** The leader prepares and proposes a request (from its own client, a learner's, or its session expiry). */
  private leaderReceived(member: ServingMember, request: WriteRequest, from: number | null): boolean {
    const leader = member.leader;
    const executor = member.executor;
    if (leader === null || executor === null) return false;
    const taken = leader.submit(request, this.host.now(), (entry, zxid) => executor.propose(entry, zxid));
    if (!taken) {
      this.host.note(`leader ${member.id} could not propose ${from === null ? 'its own' : `${from}'s`} request: stops serving`);
      member.serving = false;
      this.connectionsLost(member);
    }
    return taken;
  }
}

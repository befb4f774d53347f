// Simulated ZooKeeper clients: each holds a session (created, closed, or lost to expiry), talks to one member at a
// time, keeps one request outstanding, and issues real requests: create/setData/delete with versions on persistent
// znodes (recorded for the linearizability check against the znode register model), ephemeral creates, getData served
// by the member's own tree with the real read code. Replies are what applyTxn returned on the member the client uses.
import { ErrorCode, OpCode, type ReconfigRequest } from '../../node-core/protocol/index.js';
import type { ApplyResult } from '../../node-core/txn/applyTxn.js';
import type { WriteRequest } from '../../node-core/txn/prepRequest.js';
import type { Operation } from './linearizability.js';
import type { ZnodeInput, ZnodeOutput } from './linearizabilityModels.js';
import type { Prng } from './prng.js';
import { isSessionError, requestKey } from './simReplica.js';

export interface ReplyHandler {
  reply(result: ApplyResult, at: number): void;
  /** The connection broke (member crashed or changed state): the outcome is unknown. */
  lost(): void;
}

/** What a client sees of one member. */
export interface ClientPort {
  readonly id: number;
  usable(): boolean;
  /** false when the member refused at once (no reply will come). */
  send(request: WriteRequest, handler: ReplyHandler): boolean;
  /** getData through the member's read code; the znode's version, or undefined when it has none. */
  readVersion(path: string, sessionId: bigint): number | undefined;
  newSessionId(): bigint;
}

/** Where (and whether) a write without a reply ended up in the committed history. */
export interface CommitRecord {
  /** First time any member applied it. */
  at: number;
  zxid: bigint;
  /** Refused for its session (expired, moved): it changed no znode. */
  sessionError: boolean;
}

interface Outstanding {
  sentAt: number;
}

interface Client {
  id: number;
  port: ClientPort | null;
  sessionId: bigint | null;
  cxid: number;
  outstanding: Outstanding | null;
  versions: Map<string, number>;
}

interface Recorded {
  op: Operation<ZnodeInput, ZnodeOutput>;
  key: string;
  zxid?: bigint;
  /** The reply showed the op never touched the znode (its session was refused). */
  void: boolean;
}

export interface ClientOptions {
  clients: number;
  persistentKeys: number;
  ephemeralKeys: number;
  sessionTimeoutMs: number;
  /** A request without a reply for this long is given up: the client reconnects with a new session. */
  requestTimeoutMs: number;
}

export class SimClients {
  private readonly clients: Client[];
  private readonly recorded: Recorded[] = [];
  private nextValue = 0;
  /** An admin's reconfig, sent by the next client that has a session (its outcome is not part of the checked history). */
  private pendingReconfig: ReconfigRequest | null = null;

  constructor(
    private readonly rng: Prng,
    private readonly options: ClientOptions,
  ) {
    this.clients = Array.from({ length: options.clients }, (_, i) => ({
      id: i + 1,
      port: null,
      sessionId: null,
      cxid: 0,
      outstanding: null,
      versions: new Map(),
    }));
  }

  /** One client acts: gives up a stale request, (re)connects, opens a session or issues its next request. */
  step(now: number, ports: readonly ClientPort[]): void {
    const client = this.rng.pick(this.clients);
    if (client.outstanding !== null) {
      if (now - client.outstanding.sentAt > this.options.requestTimeoutMs) {
        client.outstanding = null;
        client.sessionId = null;
        client.port = null;
      }
      return;
    }
    if (client.port === null || !client.port.usable()) {
      const port = this.rng.pick(ports);
      if (!port.usable()) return;
      client.port = port;
    }
    const port = client.port;
    if (client.sessionId === null) {
      const sessionId = port.newSessionId();
      const request: WriteRequest = { sessionId, cxid: 0, type: OpCode.createSession, body: { timeOut: this.options.sessionTimeoutMs }, authInfo: [] };
      client.cxid = 0;
      this.send(client, port, now, request, (result) => {
        if (result.err === ErrorCode.ok) client.sessionId = sessionId;
      });
      return;
    }
    if (this.pendingReconfig !== null) {
      const body = this.pendingReconfig;
      this.pendingReconfig = null;
      this.send(client, port, now, this.request(client, OpCode.reconfig, body), () => undefined);
      return;
    }
    const roll = this.rng.next();
    if (roll < 0.03) {
      this.send(client, port, now, this.request(client, OpCode.closeSession, null), () => {
        client.sessionId = null;
      });
    } else if (roll < 0.2) {
      const path = this.persistentPath();
      const version = port.readVersion(path, client.sessionId);
      if (version === undefined) client.versions.delete(path);
      else client.versions.set(path, version);
    } else if (roll < 0.3) {
      const path = `/e${this.rng.int(0, this.options.ephemeralKeys - 1)}`;
      const body = { path, data: Buffer.from(this.value(client)), acl: openAcl, flags: 1 };
      this.send(client, port, now, this.request(client, OpCode.create, body), () => undefined);
    } else {
      this.registerOp(client, port, now);
    }
  }

  queueReconfig(request: ReconfigRequest): void {
    this.pendingReconfig = request;
  }

  /**
   * The checked history: operations whose reply showed they touched no znode are left out, and so are those without a
   * reply that never committed; one without a reply that did commit took effect by the time it was first applied.
   */
  history(committed: ReadonlyMap<string, CommitRecord>): Operation<ZnodeInput, ZnodeOutput>[] {
    const history: Operation<ZnodeInput, ZnodeOutput>[] = [];
    for (const { op, key, void: untouched } of this.recorded) {
      if (untouched) continue;
      if (op.ret !== undefined) {
        history.push(op);
        continue;
      }
      const commit = committed.get(key);
      if (commit === undefined || commit.sessionError) continue;
      history.push({ ...op, deadline: commit.at + 1 });
    }
    return history;
  }

  /** Acknowledged znode operations: their key, zxid and call time. */
  acknowledged(): { key: string; zxid: bigint; call: number }[] {
    return this.recorded.filter((r) => r.op.ret !== undefined).map((r) => ({ key: r.key, zxid: r.zxid!, call: r.op.call }));
  }

  get operations(): number {
    return this.recorded.length;
  }

  private registerOp(client: Client, port: ClientPort, now: number): void {
    const path = this.persistentPath();
    const known = client.versions.get(path);
    const version = known !== undefined && this.rng.chance(0.6) ? known : this.rng.chance(0.7) ? -1 : this.rng.int(0, 3);
    const roll = this.rng.next();
    let input: ZnodeInput;
    let request: WriteRequest;
    if (roll < 0.35) {
      const data = this.value(client);
      input = { kind: 'create', path, data };
      request = this.request(client, OpCode.create, { path, data: Buffer.from(data), acl: openAcl, flags: 0 });
    } else if (roll < 0.75) {
      const data = this.value(client);
      input = { kind: 'setData', path, data, version };
      request = this.request(client, OpCode.setData, { path, data: Buffer.from(data), version });
    } else {
      input = { kind: 'delete', path, version };
      request = this.request(client, OpCode.delete, { path, version });
    }
    const recorded: Recorded = {
      op: { clientId: client.id, call: now, ret: undefined, input, output: undefined },
      key: requestKey(request.sessionId, request.cxid),
      void: false,
    };
    const sent = this.send(client, port, now, request, (result, at) => {
      recorded.op.ret = at;
      recorded.zxid = result.zxid;
      recorded.void = isSessionError(result.err);
      const output: ZnodeOutput = { err: result.err };
      if (result.err === ErrorCode.ok && input.kind === 'setData') output.version = result.stat?.version;
      if (result.err === ErrorCode.ok && input.kind === 'create') output.version = 0;
      recorded.op.output = output;
      if (result.err === ErrorCode.ok) {
        if (input.kind === 'delete') client.versions.delete(path);
        else client.versions.set(path, output.version!);
      }
    });
    if (sent) this.recorded.push(recorded);
  }

  private send(client: Client, port: ClientPort, now: number, request: WriteRequest, onReply: (result: ApplyResult, at: number) => void): boolean {
    const outstanding: Outstanding = { sentAt: now };
    const sent = port.send(request, {
      reply: (result, at) => {
        if (client.outstanding !== outstanding) return; // given up on: the reply comes too late to count
        client.outstanding = null;
        if (isSessionError(result.err)) client.sessionId = null;
        onReply(result, at);
      },
      lost: () => {
        if (client.outstanding !== outstanding) return;
        client.outstanding = null;
        client.port = null; // reconnects elsewhere, with the same session
      },
    });
    if (sent) client.outstanding = outstanding;
    return sent;
  }

  private request(client: Client, type: number, body: WriteRequest['body']): WriteRequest {
    return { sessionId: client.sessionId!, cxid: ++client.cxid, type, body, authInfo: [] };
  }

  private persistentPath(): string {
    return `/p${this.rng.int(0, this.options.persistentKeys - 1)}`;
  }

  private value(client: Client): string {
    return `c${client.id}-${this.nextValue++}`;
  }
}

const openAcl = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];


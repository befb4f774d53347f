// The high-level ZooKeeper client: one session kept across server loss (reconnecting through the ensemble with
// session id, password and last zxid), a promise per operation, chroot, auth replay and client-side watches
// re-registered after every reconnect, as Apache ZooKeeper's own client behaves.
// The session and its reconnects live in zkSession.ts and the multi builder in zkTransaction.ts; this file holds the
// operations.
import {
  AddWatchMode,
  AddWatchRequestCodec,
  AuthPacketCodec,
  Create2ResponseCodec,
  CreateMode,
  CreateRequestCodec,
  CreateResponseCodec,
  CreateTTLRequestCodec,
  ErrorCode,
  GetACLResponseCodec,
  GetAllChildrenNumberResponseCodec,
  GetChildren2ResponseCodec,
  GetChildrenResponseCodec,
  GetDataResponseCodec,
  GetEphemeralsRequestCodec,
  GetEphemeralsResponseCodec,
  KeeperError,
  KeeperState,
  OpCode,
  PathRequestCodec,
  PathVersionRequestCodec,
  PathWatchRequestCodec,
  ReconfigRequestCodec,
  RemoveWatchesRequestCodec,
  SetACLRequestCodec,
  SetDataRequestCodec,
  StatResponseCodec,
  SyncResponseCodec,
  WhoAmIResponseCodec,
  Xid,
  isSequentialMode,
  readMultiResponse,
  writeMultiRequest,
  type ACL,
  type ClientInfo,
  type MultiOp,
  type MultiResult,
  type Stat,
} from '../protocol/index.js';
import { type Watcher, type WatchedEvent } from './clientWatchRegistry.js';
import { ZkSession, type ZkClientOptions } from './zkSession.js';
import {
  MultiError,
  TransactionBuilder,
  type CreateOptions,
  type Data,
  type ReadOp,
  type TransactionOp,
} from './zkTransaction.js';

export type { Watcher, WatchedEvent } from './clientWatchRegistry.js';
// The session's and the transaction's types are part of ZkClient's public API.
export { keeperStateOf, type ZkClientEvents, type ZkClientOptions, type ZkClientState } from './zkSession.js';
export { MultiError, TransactionBuilder, type CreateOptions, type Data, type ReadOp, type TransactionOp } from './zkTransaction.js';

export const openAclUnsafe: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
export const creatorAllAcl: ACL[] = [{ perms: 31, id: { scheme: 'auth', id: '' } }];
export const readAclUnsafe: ACL[] = [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }];

function toBuffer(data: Data): Buffer | null {
  if (data === null || data === undefined) return null;
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

export class ZkClient extends ZkSession {
  /** Creates a client and resolves once its session is established (rejects if it cannot be, e.g. expired). */
  static async connect(connectString: string, options: ZkClientOptions = {}): Promise<ZkClient> {
    const client = new ZkClient(connectString, options);
    try {
      await client.waitForConnected(options.connectTimeoutMs ?? Math.max(options.sessionTimeout ?? 30_000, 10_000));
    } catch (err) {
      // Nobody else holds this client: stop its reconnect loop rather than leave it running in the background.
      await client.close();
      throw err;
    }
    return client;
  }

  private createRequest(path: string, data: Data, options: CreateOptions) {
    const mode = options.mode ?? CreateMode.persistent;
    const isTtl = mode === CreateMode.persistentWithTtl || mode === CreateMode.persistentSequentialWithTtl;
    if (isTtl && options.ttl === undefined) throw new KeeperError(ErrorCode.badArguments, path);
    const type = isTtl ? OpCode.createTTL : mode === CreateMode.container ? OpCode.createContainer : undefined;
    const request = {
      path: this.serverPath(path, isSequentialMode(mode)),
      data: toBuffer(data),
      acl: options.acl ?? openAclUnsafe,
      flags: mode,
      ttl: isTtl ? BigInt(options.ttl!) : undefined,
    };
    return { type, request };
  }

  /** Creates a znode and returns its (sequential-suffixed) path. */
  async create(path: string, data?: Data, options: CreateOptions = {}): Promise<string> {
    const { type, request } = this.createRequest(path, data, options);
    if (type !== undefined) return (await this.createWithStat(path, data, options)).path;
    const response = await this.call(
      OpCode.create,
      path,
      (w) => CreateRequestCodec.write(w, request),
      (r) => CreateResponseCodec.read(r),
    );
    return this.chroot.toClient(response.path);
  }

  /** create2: also returns the new node's Stat (container and TTL nodes always use this form). */
  async createWithStat(path: string, data?: Data, options: CreateOptions = {}): Promise<{ path: string; stat: Stat }> {
    const { type, request } = this.createRequest(path, data, options);
    const codec = type === OpCode.createTTL ? CreateTTLRequestCodec : CreateRequestCodec;
    const response = await this.call(
      type ?? OpCode.create2,
      path,
      (w) => codec.write(w, request),
      (r) => Create2ResponseCodec.read(r),
    );
    return { path: this.chroot.toClient(response.path), stat: response.stat };
  }

  async delete(path: string, version = -1): Promise<void> {
    const serverPath = this.serverPath(path);
    await this.call(OpCode.delete, path, (w) => PathVersionRequestCodec.write(w, { path: serverPath, version }), () => undefined);
  }

  /** The node's Stat, or null when it does not exist; a watcher is set either way (an exist watch if missing). */
  async exists(path: string, watcher?: Watcher): Promise<Stat | null> {
    const serverPath = this.serverPath(path);
    const reply = await this.submit(OpCode.exists, (w) => PathWatchRequestCodec.write(w, { path: serverPath, watch: watcher !== undefined }));
    const err = reply.header.err;
    if (watcher !== undefined) {
      if (err === ErrorCode.ok) this.watches.add('data', path, watcher);
      else if (err === ErrorCode.noNode) this.watches.add('exist', path, watcher);
    }
    if (err === ErrorCode.noNode) return null;
    if (err !== ErrorCode.ok) throw new KeeperError(err, path);
    return StatResponseCodec.read(reply.body).stat;
  }

  async getData(path: string, watcher?: Watcher): Promise<{ data: Buffer | null; stat: Stat }> {
    const serverPath = this.serverPath(path);
    return this.call(
      OpCode.getData,
      path,
      (w) => PathWatchRequestCodec.write(w, { path: serverPath, watch: watcher !== undefined }),
      (r) => GetDataResponseCodec.read(r),
      (err) => {
        if (err === ErrorCode.ok && watcher !== undefined) this.watches.add('data', path, watcher);
      },
    );
  }

  async setData(path: string, data: Data, version = -1): Promise<Stat> {
    const serverPath = this.serverPath(path);
    const request = { path: serverPath, data: toBuffer(data), version };
    return this.call(OpCode.setData, path, (w) => SetDataRequestCodec.write(w, request), (r) => StatResponseCodec.read(r).stat);
  }

  async getChildren(path: string, watcher?: Watcher): Promise<string[]> {
    const serverPath = this.serverPath(path);
    return this.call(
      OpCode.getChildren,
      path,
      (w) => PathWatchRequestCodec.write(w, { path: serverPath, watch: watcher !== undefined }),
      (r) => GetChildrenResponseCodec.read(r).children,
      (err) => {
        if (err === ErrorCode.ok && watcher !== undefined) this.watches.add('child', path, watcher);
      },
    );
  }

  /** getChildren2: the children and the parent's Stat. */
  async getChildrenWithStat(path: string, watcher?: Watcher): Promise<{ children: string[]; stat: Stat }> {
    const serverPath = this.serverPath(path);
    return this.call(
      OpCode.getChildren2,
      path,
      (w) => PathWatchRequestCodec.write(w, { path: serverPath, watch: watcher !== undefined }),
      (r) => GetChildren2ResponseCodec.read(r),
      (err) => {
        if (err === ErrorCode.ok && watcher !== undefined) this.watches.add('child', path, watcher);
      },
    );
  }

  async getAllChildrenNumber(path: string): Promise<number> {
    const serverPath = this.serverPath(path);
    return this.call(
      OpCode.getAllChildrenNumber,
      path,
      (w) => PathRequestCodec.write(w, { path: serverPath }),
      (r) => GetAllChildrenNumberResponseCodec.read(r).totalNumber,
    );
  }

  /** This session's ephemeral nodes under prefixPath (chroot-relative, like every path this client returns). */
  async getEphemerals(prefixPath = '/'): Promise<string[]> {
    const serverPath = this.serverPath(prefixPath);
    const ephemerals = await this.call(
      OpCode.getEphemerals,
      prefixPath,
      (w) => GetEphemeralsRequestCodec.write(w, { prefixPath: serverPath }),
      (r) => GetEphemeralsResponseCodec.read(r).ephemerals,
    );
    return ephemerals.map((p) => this.chroot.toClient(p));
  }

  async getACL(path: string): Promise<{ acl: ACL[]; stat: Stat }> {
    const serverPath = this.serverPath(path);
    return this.call(OpCode.getACL, path, (w) => PathRequestCodec.write(w, { path: serverPath }), (r) => GetACLResponseCodec.read(r));
  }

  async setACL(path: string, acl: ACL[], version = -1): Promise<Stat> {
    const serverPath = this.serverPath(path);
    return this.call(
      OpCode.setACL,
      path,
      (w) => SetACLRequestCodec.write(w, { path: serverPath, acl, version }),
      (r) => StatResponseCodec.read(r).stat,
    );
  }

  async sync(path = '/'): Promise<string> {
    const serverPath = this.serverPath(path);
    const response = await this.call(OpCode.sync, path, (w) => PathRequestCodec.write(w, { path: serverPath }), (r) => SyncResponseCodec.read(r));
    return this.chroot.toClient(response.path);
  }

  transaction(): TransactionBuilder {
    return new TransactionBuilder(this);
  }

  /** Runs ops atomically; rejects with MultiError (carrying every op's result) when one of them fails. */
  async multi(ops: readonly TransactionOp[]): Promise<MultiResult[]> {
    const wireOps: MultiOp[] = ops.map((op): MultiOp => {
      switch (op.op) {
        case 'create': {
          const { type, request } = this.createRequest(op.path, op.data, op);
          return { type: type ?? OpCode.create, request } as MultiOp;
        }
        case 'delete':
          return { type: OpCode.delete, request: { path: this.serverPath(op.path), version: op.version ?? -1 } };
        case 'check':
          return { type: OpCode.check, request: { path: this.serverPath(op.path), version: op.version } };
        case 'setData':
          return { type: OpCode.setData, request: { path: this.serverPath(op.path), data: toBuffer(op.data), version: op.version ?? -1 } };
      }
    });
    const results = await this.call(OpCode.multi, undefined, (w) => writeMultiRequest(w, wireOps), (r) => readMultiResponse(r));
    const stripped = results.map((r) => this.stripResult(r));
    const failed = stripped.findIndex((r) => r.type === OpCode.error && r.err !== ErrorCode.ok && r.err !== ErrorCode.runtimeInconsistency);
    if (failed >= 0) {
      const failure = stripped[failed] as { err: number };
      throw new MultiError(failure.err, ops[failed]?.path, stripped);
    }
    return stripped;
  }

  /** Reads in one round trip; each op succeeds or fails on its own (error results carry the code). */
  async multiRead(ops: readonly ReadOp[]): Promise<MultiResult[]> {
    const wireOps: MultiOp[] = ops.map((op) => ({
      type: op.op === 'getData' ? OpCode.getData : OpCode.getChildren,
      request: { path: this.serverPath(op.path), watch: false },
    }));
    const results = await this.call(OpCode.multiRead, undefined, (w) => writeMultiRequest(w, wireOps), (r) => readMultiResponse(r));
    return results.map((r) => this.stripResult(r));
  }

  private stripResult(result: MultiResult): MultiResult {
    if (result.type === OpCode.create || result.type === OpCode.create2) {
      return { ...result, path: this.chroot.toClient(result.path) };
    }
    return result;
  }

  /** A persistent (or persistent recursive) watch: it stays after firing, until removed. */
  async addWatch(path: string, watcher: Watcher, mode: number = AddWatchMode.persistent): Promise<void> {
    const serverPath = this.serverPath(path);
    await this.call(
      OpCode.addWatch,
      path,
      (w) => AddWatchRequestCodec.write(w, { path: serverPath, mode }),
      () => undefined,
      (err) => {
        if (err === ErrorCode.ok) {
          this.watches.add(mode === AddWatchMode.persistentRecursive ? 'persistentRecursive' : 'persistent', path, watcher);
        }
      },
    );
  }

  /**
   * Removes watches of a WatcherType on path: one watcher (the server is asked with checkWatches, since other
   * local callbacks may share its watch) or all of them (removeWatches). `local` removes them here even when the
   * server cannot be asked. Removed callbacks get a DataWatchRemoved/ChildWatchRemoved/PersistentWatchRemoved event.
   */
  async removeWatches(path: string, watcherType: number, options: { watcher?: Watcher; local?: boolean } = {}): Promise<void> {
    const serverPath = this.serverPath(path);
    if (!this.watches.contains(path, watcherType, options.watcher)) throw new KeeperError(ErrorCode.noWatcher, path);
    if (!options.local) {
      const opcode = options.watcher !== undefined ? OpCode.checkWatches : OpCode.removeWatches;
      await this.call(opcode, path, (w) => RemoveWatchesRequestCodec.write(w, { path: serverPath, type: watcherType }), () => undefined);
    }
    for (const { watcher, type } of this.watches.remove(path, watcherType, options.watcher)) {
      this.callWatcher(watcher, { type, state: KeeperState.syncConnected, path });
    }
  }

  /** checkWatches (opcode 17): rejects with NoWatcher when the server holds no such watch. */
  async checkWatches(path: string, watcherType: number): Promise<void> {
    const serverPath = this.serverPath(path);
    await this.call(OpCode.checkWatches, path, (w) => RemoveWatchesRequestCodec.write(w, { path: serverPath, type: watcherType }), () => undefined);
  }

  /** Adds credentials to the session; they are sent again after every reconnect. */
  async addAuth(scheme: string, auth: Buffer | string): Promise<void> {
    const bytes = typeof auth === 'string' ? Buffer.from(auth, 'utf8') : auth;
    this.authInfo.push({ scheme, auth: bytes });
    const reply = await this.submit(OpCode.auth, (w) => AuthPacketCodec.write(w, { type: 0, scheme, auth: bytes }), Xid.auth);
    if (reply.header.err !== ErrorCode.ok) {
      this.authInfo.pop();
      if (reply.header.err === ErrorCode.authFailed) this.terminate('authFailed');
      throw new KeeperError(reply.header.err);
    }
  }

  async whoAmI(): Promise<ClientInfo[]> {
    return this.call(OpCode.whoAmI, undefined, undefined, (r) => WhoAmIResponseCodec.read(r).clientInfo);
  }

  /** Dynamic reconfiguration; returns the new config znode's data and Stat. */
  async reconfig(change: {
    joiningServers?: string | null;
    leavingServers?: string | null;
    newMembers?: string | null;
    fromConfig?: bigint;
  }): Promise<{ data: Buffer | null; stat: Stat }> {
    const request = {
      joiningServers: change.joiningServers ?? null,
      leavingServers: change.leavingServers ?? null,
      newMembers: change.newMembers ?? null,
      curConfigId: change.fromConfig ?? -1n,
    };
    return this.call(OpCode.reconfig, undefined, (w) => ReconfigRequestCodec.write(w, request), (r) => GetDataResponseCodec.read(r));
  }


}

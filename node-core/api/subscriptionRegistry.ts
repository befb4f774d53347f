// Znode change subscriptions: one persistent recursive watch per subscription on ZooKeeper 3.6+, or, on older
// servers (addWatch answered with Unimplemented), a tree of one-shot data and child watches re-armed as they fire.
// Events go only to the peer that subscribed, batched per subscription; subscriptions end with their connection or
// their peer.
import { randomUUID } from 'node:crypto';
import type { WatchedEvent, Watcher, ZkClient } from '../client/index.js';
import { AddWatchMode, ErrorCode, EventType, KeeperError, WatcherType } from '../protocol/index.js';
import type { Logger } from '../log/logger.js';
import { apiFailure } from './apiError.js';
import { joinPath } from './apiValues.js';
import type { SubscribeResult, ZnodeChange, ZnodeChangeType } from './contract.js';
import type { EventSink, OpenConnection } from './connectionRegistry.js';

interface Subscription {
  id: string;
  connectionId: string;
  owner: string;
  path: string;
  mode: SubscribeResult['mode'];
  client: ZkClient;
  send: EventSink;
  ended: boolean;
  watcher?: Watcher;
  /** Changes waiting for the next flush, and the timer that will send them. */
  pending: ZnodeChange[];
  flushTimer?: NodeJS.Timeout;
}

/**
 * How long changes gather before they go out together. A user cannot see 50 ms, but a burst of writes sent one
 * message per change queues every API reply behind it and leaves the GUI behind the server for seconds.
 */
const batchWindowMs = 50;

/** Nodes the one-shot fallback arms on subscribe; beyond this, deeper changes are not reported. */
const oneShotMaxNodes = 10_000;

const changeTypes = new Map<number, ZnodeChangeType>([
  [EventType.nodeCreated, 'created'],
  [EventType.nodeDeleted, 'deleted'],
  [EventType.nodeDataChanged, 'dataChanged'],
  [EventType.nodeChildrenChanged, 'childrenChanged'],
]);

function ignorable(err: unknown): boolean {
  return err instanceof KeeperError && (err.code === ErrorCode.noNode || err.code === ErrorCode.noAuth);
}

export class SubscriptionRegistry {
  private readonly subscriptions = new Map<string, Subscription>();

  constructor(private readonly logger: Logger) {}

  async subscribe(connection: OpenConnection, path: string, owner: string, send: EventSink, forceOneShot = false): Promise<SubscribeResult> {
    const sub: Subscription = {
      id: randomUUID(),
      connectionId: connection.connectionId,
      owner,
      path,
      mode: 'persistentRecursive',
      client: connection.client,
      send,
      ended: false,
      pending: [],
    };
    if (!forceOneShot) {
      const watcher: Watcher = (event) => this.onRecursiveEvent(sub, event);
      try {
        await connection.client.addWatch(path, watcher, AddWatchMode.persistentRecursive);
        sub.watcher = watcher;
      } catch (err) {
        if (!(err instanceof KeeperError && err.code === ErrorCode.unimplemented)) throw err;
        this.logger.info(`server does not support persistent recursive watches; using one-shot watches for ${path}`);
        forceOneShot = true;
      }
    }
    if (forceOneShot) {
      sub.mode = 'oneShot';
      await new OneShotTree(sub, (type, p) => this.emit(sub, type, p)).start();
    }
    this.subscriptions.set(sub.id, sub);
    return { subscriptionId: sub.id, path, mode: sub.mode };
  }

  async unsubscribe(subscriptionId: string, owner: string): Promise<void> {
    const sub = this.subscriptions.get(subscriptionId);
    if (sub === undefined || sub.owner !== owner) {
      throw apiFailure('unknownSubscription', `Subscription "${subscriptionId}" does not exist (it may have ended with its connection).`);
    }
    await this.end(sub, undefined);
  }

  endForConnection(connectionId: string, reason: string): void {
    for (const sub of [...this.subscriptions.values()]) {
      if (sub.connectionId === connectionId) void this.end(sub, reason);
    }
  }

  endForOwner(owner: string): void {
    for (const sub of [...this.subscriptions.values()]) {
      if (sub.owner === owner) void this.end(sub, undefined);
    }
  }

  private async end(sub: Subscription, reason: string | undefined): Promise<void> {
    if (sub.ended) return;
    this.flush(sub);
    sub.ended = true;
    this.subscriptions.delete(sub.id);
    if (reason !== undefined) sub.send('watch.ended', { subscriptionId: sub.id, connectionId: sub.connectionId, reason });
    if (sub.watcher === undefined || reason !== undefined) return;
    const shared = [...this.subscriptions.values()].some((s) => s.client === sub.client && s.path === sub.path && s.watcher !== undefined);
    try {
      // With other subscriptions on the same path, drop only our callback; otherwise remove the server's watch too.
      await sub.client.removeWatches(sub.path, WatcherType.persistentRecursive, shared ? { watcher: sub.watcher, local: true } : {});
    } catch (err) {
      this.logger.debug(`removing the watch on ${sub.path} failed: ${(err as Error).message}`);
    }
  }

  private onRecursiveEvent(sub: Subscription, event: WatchedEvent): void {
    const type = changeTypes.get(event.type);
    if (type === undefined || event.path === undefined) return;
    this.emit(sub, type, event.path);
  }

  private emit(sub: Subscription, type: ZnodeChangeType, path: string): void {
    if (sub.ended) return;
    sub.pending.push({ type, path });
    sub.flushTimer ??= setTimeout(() => this.flush(sub), batchWindowMs);
  }

  private flush(sub: Subscription): void {
    if (sub.flushTimer !== undefined) clearTimeout(sub.flushTimer);
    sub.flushTimer = undefined;
    if (sub.ended || sub.pending.length === 0) return;
    const changes = sub.pending.splice(0);
    sub.send('znode.changed', { subscriptionId: sub.id, connectionId: sub.connectionId, changes });
  }
}

/**
 * The fallback: a data watch and a child watch on every node of the subtree, re-armed after each event. A change
 * landing between an event and its re-arm can be missed, which is why 3.6+ servers use the recursive watch.
 */
class OneShotTree {
  private readonly children = new Map<string, Set<string>>();

  constructor(
    private readonly sub: Subscription,
    private readonly emit: (type: ZnodeChangeType, path: string) => void,
  ) {}

  async start(): Promise<void> {
    const stat = await this.sub.client.exists(this.sub.path, this.rootExistWatcher);
    if (stat !== null) await this.armSubtree(this.sub.path);
  }

  private get client(): ZkClient {
    return this.sub.client;
  }

  private readonly rootExistWatcher: Watcher = (event) => {
    if (this.sub.ended || event.type !== EventType.nodeCreated) return;
    this.emit('created', this.sub.path);
    void this.armSubtree(this.sub.path).catch(() => undefined);
  };

  private async armSubtree(root: string): Promise<void> {
    const queue = [root];
    while (queue.length > 0 && this.children.size < oneShotMaxNodes && !this.sub.ended) {
      const path = queue.shift()!;
      const names = await this.arm(path);
      for (const name of names) queue.push(joinPath(path, name));
    }
  }

  /** Sets both watches on path and returns its children (empty when it is gone). */
  private async arm(path: string): Promise<string[]> {
    try {
      await this.client.getData(path, this.dataWatcher);
      const names = await this.client.getChildren(path, this.childWatcher);
      this.children.set(path, new Set(names));
      return names;
    } catch (err) {
      if (ignorable(err)) return [];
      throw err;
    }
  }

  private readonly dataWatcher: Watcher = (event) => {
    const path = event.path;
    if (this.sub.ended || path === undefined) return;
    if (event.type === EventType.nodeDeleted) {
      this.emit('deleted', path);
      this.children.delete(path);
      if (path === this.sub.path) void this.client.exists(path, this.rootExistWatcher).catch(() => undefined);
      return;
    }
    if (event.type !== EventType.nodeDataChanged) return;
    this.emit('dataChanged', path);
    // A failed re-arm means the node is gone or the session is ending; its own events say so.
    this.client.getData(path, this.dataWatcher).catch(() => undefined);
  };

  private readonly childWatcher: Watcher = (event) => {
    const path = event.path;
    if (this.sub.ended || path === undefined || event.type !== EventType.nodeChildrenChanged) return;
    void this.onChildrenChanged(path).catch(() => undefined);
  };

  private async onChildrenChanged(path: string): Promise<void> {
    const before = this.children.get(path) ?? new Set<string>();
    let names: string[];
    try {
      names = await this.client.getChildren(path, this.childWatcher);
    } catch (err) {
      if (ignorable(err)) return;
      throw err;
    }
    this.children.set(path, new Set(names));
    for (const name of names) {
      if (before.has(name)) continue;
      const child = joinPath(path, name);
      this.emit('created', child);
      await this.armSubtree(child);
    }
  }
}

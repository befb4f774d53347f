// The transport-agnostic heart of the admin API: peers (a WebSocket, an Electron window) send request messages
// in and get responses and events out. Every request is validated, read-only profiles are enforced, and every
// failure becomes an ApiError value; nothing a peer sends can throw into the transport.
import { randomUUID } from 'node:crypto';
import { serverSetKey } from '../client/index.js';
import { createLogger, type Logger } from '../log/logger.js';
import { apiFailure, toApiError } from './apiError.js';
import { ClusterBackendRegistry } from './clusterBackend.js';
import { ConnectionRegistry, type EventSink } from './connectionRegistry.js';
import { fallbackConsole, refuseConsoleWrite, type ConsoleBackend } from './consoleBackend.js';
import {
  ApiErrorCode,
  writeMethods,
  type ApiError,
  type ApiEventName,
  type ApiEvents,
  type ApiMethod,
  type ApiParams,
  type ApiResult,
  type EventMessage,
  type ResponseMessage,
} from './contract.js';
import { isApiMethod, validateParams } from './contractSchema.js';
import { ProfileStore, profileView, storedProfile } from './profileStore.js';
import { serverFacts } from './serverFacts.js';
import { deleteSubtreeStep } from './batchedDelete.js';
import {
  copySubtree,
  defaultSubtreeMax,
  deleteNode,
  exportSubtree,
  importSubtree,
  moveSubtree,
  previewDelete,
  searchSubtree,
} from './subtreeOperations.js';
import { SubscriptionRegistry } from './subscriptionRegistry.js';
import { createNode, getAcl, getNode, listChildren, runMulti, setAcl, setNode } from './znodeOperations.js';

export interface ApiServiceOptions {
  /** Where profiles are kept; defaults to the user's config dir. */
  profilesPath?: string;
  /** The zkCli-compatible shell; the built-in ls/get/stat fallback is used until one is set. */
  consoleBackend?: ConsoleBackend;
  clusterBackends?: ClusterBackendRegistry;
  logger?: Logger;
  /** How long opening or testing a connection waits for a session. */
  connectTimeoutMs?: number;
}

interface PeerContext {
  peerId: string;
  send: EventSink;
}

type Handlers = { [M in ApiMethod]: (params: ApiParams<M>, peer: PeerContext) => Promise<ApiResult<M>> };

export interface ApiPeer {
  readonly peerId: string;
  /** Handles one parsed message; resolves with the response to send back (never rejects). */
  handle(message: unknown): Promise<ResponseMessage>;
  /** Typed in-process call, for transports that skip JSON (and tests). */
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<{ result: ApiResult<M> } | { error: ApiError }>;
  /** The peer went away: its subscriptions end. */
  close(): void;
}

const pathFields = new Set(['params.path', 'params.from', 'params.to']);

/** A bad path is the user's typing, not a broken request: say which path and why, without the method's name. */
function invalidParamsError(method: ApiMethod, rawParams: unknown, field: string, problem: string): ApiError {
  const value = pathFields.has(field) ? (rawParams as Record<string, unknown> | undefined)?.[field.slice('params.'.length)] : undefined;
  const message =
    typeof value === 'string'
      ? `"${value.slice(0, 200)}" is not a valid znode path: ${problem}.`
      : `Invalid request to ${method}: ${field} ${problem}.`;
  return { code: ApiErrorCode.invalidParams, name: 'invalidParams', message, field };
}

export class ApiService {
  readonly profiles: ProfileStore;
  readonly clusters: ClusterBackendRegistry;
  private readonly connections: ConnectionRegistry;
  private readonly subscriptions: SubscriptionRegistry;
  private readonly peers = new Map<string, PeerContext>();
  private readonly log: Logger;
  private consoleBackend: ConsoleBackend | undefined;
  private readonly stopClusterEvents: () => void;
  private readonly handlers: Handlers;

  constructor(options: ApiServiceOptions = {}) {
    this.log = options.logger ?? createLogger('api');
    this.profiles = new ProfileStore(options.profilesPath);
    this.clusters = options.clusterBackends ?? new ClusterBackendRegistry();
    this.consoleBackend = options.consoleBackend;
    this.connections = new ConnectionRegistry({
      logger: this.log.child('connections'),
      broadcast: (event, data) => this.broadcast(event, data),
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    });
    this.subscriptions = new SubscriptionRegistry(this.log.child('subscriptions'));
    this.connections.onClosed((connectionId, reason) => this.subscriptions.endForConnection(connectionId, reason));
    this.stopClusterEvents = this.clusters.onEvent((e) => this.broadcast(e.event, e.data as ApiEvents[typeof e.event]));
    this.handlers = this.createHandlers();
  }

  /** The lead wires node-core/cli's shell here. */
  setConsoleBackend(backend: ConsoleBackend | undefined): void {
    this.consoleBackend = backend;
  }

  connectPeer(sendEvent: (message: EventMessage) => void): ApiPeer {
    const peerId = randomUUID();
    const send: EventSink = (event, data) => {
      try {
        sendEvent({ event, data } as EventMessage);
      } catch (err) {
        this.log.warn(`could not deliver ${event} to peer ${peerId}: ${(err as Error).message}`);
      }
    };
    const context: PeerContext = { peerId, send };
    this.peers.set(peerId, context);
    return {
      peerId,
      handle: (message) => this.handleMessage(message, context),
      call: async (method, params) => this.dispatch(method, params, context),
      close: () => {
        if (!this.peers.delete(peerId)) return;
        this.subscriptions.endForOwner(peerId);
      },
    };
  }

  async close(): Promise<void> {
    this.stopClusterEvents();
    for (const peerId of [...this.peers.keys()]) this.subscriptions.endForOwner(peerId);
    this.peers.clear();
    await this.connections.closeAll();
    await this.clusters.shutdown();
  }

  private broadcast<E extends ApiEventName>(event: E, data: ApiEvents[E]): void {
    for (const peer of this.peers.values()) peer.send(event, data);
  }

  private async handleMessage(message: unknown, peer: PeerContext): Promise<ResponseMessage> {
    const m = (typeof message === 'object' && message !== null ? message : {}) as { id?: unknown; method?: unknown; params?: unknown };
    const id = typeof m.id === 'number' && Number.isSafeInteger(m.id) ? m.id : -1;
    if (id === -1 || typeof m.method !== 'string') {
      return {
        id,
        error: { code: ApiErrorCode.invalidParams, name: 'invalidParams', message: 'A request needs a numeric "id" and a "method" name.' },
      };
    }
    if (!isApiMethod(m.method)) {
      return { id, error: { code: ApiErrorCode.unknownMethod, name: 'unknownMethod', message: `There is no API method "${m.method.slice(0, 100)}".` } };
    }
    const outcome = await this.dispatch(m.method, m.params, peer);
    return 'error' in outcome ? { id, error: outcome.error } : { id, result: outcome.result };
  }

  private async dispatch<M extends ApiMethod>(method: M, rawParams: unknown, peer: PeerContext): Promise<{ result: ApiResult<M> } | { error: ApiError }> {
    const checked = validateParams(method, rawParams);
    if (!checked.ok) return { error: invalidParamsError(method, rawParams, checked.at, checked.problem) };
    try {
      if (writeMethods.has(method)) this.refuseIfReadOnly((checked.value as { connectionId: string }).connectionId, method);
      const handler = this.handlers[method] as (params: ApiParams<M>, peer: PeerContext) => Promise<ApiResult<M>>;
      return { result: await handler(checked.value, peer) };
    } catch (err) {
      const error = toApiError(err);
      // Only the method and the error: params may hold passwords or user data.
      if (error.code === ApiErrorCode.internal) this.log.error(`${method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      else this.log.debug(`${method} failed: ${error.name}`);
      return { error };
    }
  }

  /** A local cluster's members may still be starting: connecting to it waits out refusals instead of failing fast. */
  private async isLocalCluster(connectString: string): Promise<boolean> {
    const key = serverSetKey(connectString);
    const clusters = await this.clusters.listAll().catch(() => []);
    return clusters.some((c) => serverSetKey(c.connectString) === key);
  }

  private refuseIfReadOnly(connectionId: string, method: ApiMethod): void {
    const { profile } = this.connections.get(connectionId);
    if (profile.readOnly) {
      throw apiFailure('readOnlyProfile', `The profile "${profile.name}" is read-only, so ${method} is not allowed on this connection.`);
    }
  }

  private createHandlers(): Handlers {
    const client = (connectionId: string) => this.connections.get(connectionId).client;
    return {
      'profiles.list': async () => ({ profiles: (await this.profiles.list()).map(profileView) }),
      'profiles.save': async ({ profile }) => profileView(await this.profiles.save(profile)),
      'profiles.delete': async ({ profileId }) => {
        await this.profiles.remove(profileId);
        return {};
      },

      'connection.test': async ({ profileId, profile }) => {
        const stored =
          profileId !== undefined
            ? await this.profiles.get(profileId)
            : storedProfile(profile!, profile!.id ?? 'unsaved', profile!.id === undefined ? undefined : (await this.profiles.list()).find((p) => p.id === profile!.id));
        return this.connections.test(stored, !(await this.isLocalCluster(stored.connectString)));
      },
      'connection.open': async ({ profileId }) => {
        const profile = await this.profiles.get(profileId);
        return this.connections.openProfile(profile, !(await this.isLocalCluster(profile.connectString)));
      },
      'connection.close': async ({ connectionId }) => {
        await this.connections.close(connectionId);
        return {};
      },
      'connection.list': async () => ({ connections: this.connections.list() }),

      'znode.list': async (p) => listChildren(client(p.connectionId), p.path, p.offset, p.limit),
      'znode.get': async (p) => getNode(client(p.connectionId), p.path),
      'znode.set': async (p) => setNode(client(p.connectionId), p.path, p.data, p.expectedVersion),
      'znode.create': async (p) => createNode(client(p.connectionId), p),
      'znode.deletePreview': async (p) => previewDelete(client(p.connectionId), p.path, p.max),
      'znode.delete': async (p) =>
        p.step === true ? deleteSubtreeStep(client(p.connectionId), p.path, p.max ?? defaultSubtreeMax) : deleteNode(client(p.connectionId), p.path, p),
      'znode.copy': async (p) => copySubtree(client(p.connectionId), p.from, p.to, p.max),
      'znode.move': async (p) => moveSubtree(client(p.connectionId), p.from, p.to, p.max),
      'znode.getAcl': async (p) => getAcl(client(p.connectionId), p.path),
      'znode.setAcl': async (p) => setAcl(client(p.connectionId), p.path, p.acl, p.expectedVersion),
      'znode.multi': async (p) => runMulti(client(p.connectionId), p.ops),
      'znode.export': async (p) => exportSubtree(client(p.connectionId), p.path, p.max),
      'znode.import': async (p) => importSubtree(client(p.connectionId), p.path, p.snapshot, p.policy),
      'znode.search': async (p) => searchSubtree(client(p.connectionId), p.path, p, p.limit, p.maxScan),

      'console.run': async ({ connectionId, commandLine }) => {
        const { client: zk, profile } = this.connections.get(connectionId);
        refuseConsoleWrite(commandLine, profile.readOnly);
        const backend = this.consoleBackend ?? fallbackConsole;
        try {
          const { output, ok } = await backend.run(commandLine, { connectionId, client: zk, readOnly: profile.readOnly });
          return { output, ok, handledBy: this.consoleBackend === undefined ? 'fallback' : 'shell' };
        } catch (err) {
          const error = toApiError(err);
          if (error.code !== ApiErrorCode.internal) throw err;
          throw apiFailure('consoleFailed', `The console could not run the command: ${error.message}`);
        }
      },

      'watch.subscribe': async ({ connectionId, path, mode }, peer) =>
        this.subscriptions.subscribe(this.connections.get(connectionId), path, peer.peerId, peer.send, mode === 'oneShot'),
      'watch.unsubscribe': async ({ subscriptionId }, peer) => {
        await this.subscriptions.unsubscribe(subscriptionId, peer.peerId);
        return {};
      },

      'server.facts': async ({ connectionId, connectString, adminPort }) => {
        const target = connectString ?? this.connections.get(connectionId!).profile.connectString;
        return serverFacts(target.split('/')[0]!, adminPort);
      },

      'cluster.backends': async () => ({ backends: this.clusters.names() }),
      'cluster.create': async ({ backend, ...spec }) => this.clusters.backend(backend).backend.create(spec),
      'cluster.list': async () => ({ clusters: await this.clusters.listAll() }),
      'cluster.remove': async ({ clusterId }) => {
        await (await this.clusters.owner(clusterId)).remove(clusterId);
        return {};
      },
      'cluster.member': async ({ clusterId, memberId, action }) =>
        (await this.clusters.owner(clusterId)).memberAction(clusterId, memberId, action),
    };
  }
}

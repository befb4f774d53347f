// The ZooKeeper sessions the GUI has open (several at once, each under its own id): opening one from a profile
// (chroot, digest auth, TLS files), reporting its state changes as events, and closing it.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { connectStringProblem, ZkClient, type ZkClientOptions, type ZkClientState, type ZkTlsOptions } from '../client/index.js';
import type { Logger } from '../log/logger.js';
import { hexLong } from '../protocol/javaText.js';
import { ApiFailure, apiFailure } from './apiError.js';
import { awaitSession } from './connectFailure.js';
import type { ApiEventName, ApiEvents, ConnectionInfo, TestConnectionResult } from './contract.js';
import type { StoredProfile } from './profileStore.js';

export type EventSink = <E extends ApiEventName>(event: E, data: ApiEvents[E]) => void;

export interface OpenConnection {
  readonly connectionId: string;
  readonly profile: StoredProfile;
  readonly client: ZkClient;
}

export interface ConnectionRegistryOptions {
  /** How long open/test wait for a session before giving up. */
  connectTimeoutMs?: number;
  logger: Logger;
  broadcast: EventSink;
}

/** The connect string a profile's client uses: its own, with the profile's chroot appended when it has none. */
export function profileConnectString(profile: StoredProfile): string {
  const own = profile.connectString.trim();
  if (profile.chroot === undefined || own.includes('/')) return own;
  return own + profile.chroot;
}

async function readTlsFile(path: string | undefined, what: string): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path);
  } catch (err) {
    throw apiFailure('connectFailed', `Could not read the TLS ${what} file ${path}: ${(err as Error).message}`);
  }
}

const guiMaxBuffer = 64 * 1024 * 1024;

async function clientOptions(profile: StoredProfile, connectTimeoutMs: number, logger: Logger): Promise<ZkClientOptions> {
  let tls: ZkTlsOptions | undefined;
  if (profile.tls !== undefined) {
    tls = {
      ca: await readTlsFile(profile.tls.caFile, 'CA'),
      cert: await readTlsFile(profile.tls.certFile, 'certificate'),
      key: await readTlsFile(profile.tls.keyFile, 'key'),
      rejectUnauthorized: profile.tls.verifyServer ?? true,
    };
  }
  return {
    sessionTimeout: profile.sessionTimeoutMs ?? 30_000,
    connectTimeoutMs: Math.min(connectTimeoutMs, 5_000),
    maxRetryDelayMs: 2_000,
    // The GUI lists big nodes: 100,000 children with 10-character names is already a 1.4 MB reply, over
    // ZooKeeper's default jute.maxbuffer of 1 MiB that clients enforce on what they receive. Servers send it anyway.
    maxBuffer: guiMaxBuffer,
    logger,
    ...(tls !== undefined ? { tls } : {}),
  };
}

/** Starts a session for a profile and waits until it is usable; credentials are added before anything else runs. */
async function connectProfile(profile: StoredProfile, connectTimeoutMs: number, logger: Logger, failFast: boolean): Promise<ZkClient> {
  const connectString = profileConnectString(profile);
  const problem = connectStringProblem(profile.connectString);
  if (problem !== undefined) throw apiFailure('connectFailed', `The connect string is not valid: ${problem}.`);
  let client: ZkClient;
  try {
    client = new ZkClient(connectString, await clientOptions(profile, connectTimeoutMs, logger));
  } catch (err) {
    if (err instanceof ApiFailure) throw err;
    throw apiFailure('connectFailed', `The connect string "${profile.connectString}" is not valid: ${(err as Error).message}`);
  }
  try {
    await awaitSession(client, connectString, connectTimeoutMs, failFast);
    if (profile.auth !== undefined) await client.addAuth('digest', `${profile.auth.user}:${profile.auth.password}`);
  } catch (err) {
    await client.close().catch(() => undefined);
    if (client.state === 'authFailed') throw apiFailure('connectFailed', `The server refused the credentials of user "${profile.auth?.user ?? ''}".`);
    if (err instanceof ApiFailure) throw err;
    throw apiFailure('connectFailed', `Could not connect to ${profile.connectString}: ${(err as Error).message}.`);
  }
  return client;
}

export class ConnectionRegistry {
  private readonly open = new Map<string, OpenConnection>();
  private readonly closeListeners = new Set<(connectionId: string, reason: string) => void>();
  private readonly connectTimeoutMs: number;

  constructor(private readonly options: ConnectionRegistryOptions) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  }

  /** Called when a connection is closed or its session ends, so dependent state (subscriptions) can go too. */
  onClosed(listener: (connectionId: string, reason: string) => void): void {
    this.closeListeners.add(listener);
  }

  /** failFast: false for a local cluster, whose members may still be starting and refuse for a few seconds. */
  async openProfile(profile: StoredProfile, failFast = true): Promise<ConnectionInfo> {
    const client = await connectProfile(profile, this.connectTimeoutMs, this.options.logger, failFast);
    const connectionId = randomUUID();
    const entry: OpenConnection = { connectionId, profile, client };
    this.open.set(connectionId, entry);
    client.on('state', (state: ZkClientState) => {
      const server = client.currentServer;
      this.options.broadcast('connection.state', { connectionId, state, ...(server !== undefined ? { server } : {}) });
      if (state === 'expired' || state === 'authFailed') this.forget(connectionId, `the session ended (${state})`);
    });
    this.options.logger.info(`opened connection ${connectionId} (profile "${profile.name}", session ${hexLong(client.sessionId)})`);
    return this.info(entry);
  }

  async test(profile: StoredProfile, failFast = true): Promise<TestConnectionResult> {
    const started = Date.now();
    const client = await connectProfile(profile, this.connectTimeoutMs, this.options.logger, failFast);
    try {
      const server = client.currentServer ?? '';
      const rootExists = (await client.exists('/')) !== null;
      return {
        ok: true,
        server,
        latencyMs: Date.now() - started,
        negotiatedTimeoutMs: client.negotiatedTimeout,
        readOnlyServer: client.state === 'connectedReadOnly',
        rootExists,
      };
    } finally {
      await client.close().catch(() => undefined);
    }
  }

  get(connectionId: string): OpenConnection {
    const entry = this.open.get(connectionId);
    if (entry === undefined) {
      throw apiFailure('unknownConnection', `Connection "${connectionId}" is not open (it was closed or its session ended).`);
    }
    return entry;
  }

  info(entry: OpenConnection): ConnectionInfo {
    const server = entry.client.currentServer;
    return {
      connectionId: entry.connectionId,
      profileId: entry.profile.id,
      profileName: entry.profile.name,
      readOnly: entry.profile.readOnly,
      ...(entry.profile.colour !== undefined ? { colour: entry.profile.colour } : {}),
      state: entry.client.state,
      ...(server !== undefined ? { server } : {}),
      sessionId: hexLong(entry.client.sessionId),
      negotiatedTimeoutMs: entry.client.negotiatedTimeout,
    };
  }

  list(): ConnectionInfo[] {
    return [...this.open.values()].map((e) => this.info(e));
  }

  async close(connectionId: string): Promise<void> {
    const entry = this.get(connectionId);
    this.forget(connectionId, 'the connection was closed');
    await entry.client.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.close(id).catch(() => undefined)));
  }

  private forget(connectionId: string, reason: string): void {
    if (!this.open.delete(connectionId)) return;
    for (const listener of this.closeListeners) listener(connectionId, reason);
  }
}

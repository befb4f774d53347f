// Why a connection could not be opened, in words a user can act on: refused, unknown host, not a ZooKeeper server,
// timed out. Watches the client's connect attempts so a cause that retrying cannot cure fails at once instead of
// after the whole connect timeout.
import { parseConnectString, type ZkClient } from '../client/index.js';
import { apiFailure, ApiFailure } from './apiError.js';

export type ConnectFailureKind = 'refused' | 'unknownHost' | 'notZooKeeper' | 'closed' | 'timedOut' | 'other';

export function classifyConnectError(message: string): ConnectFailureKind {
  if (/ECONNREFUSED/.test(message)) return 'refused';
  if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME/.test(message)) return 'unknownHost';
  if (/bad frame during handshake|malformed ConnectResponse|frame length|exceeds/.test(message)) return 'notZooKeeper';
  if (/closed during handshake|ECONNRESET/.test(message)) return 'closed';
  if (/no session established within|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH/.test(message)) return 'timedOut';
  return 'other';
}

/** Retrying within one open does not cure these (each timed-out attempt already waited its full handshake timeout),
 * so the GUI answers as soon as every server had one attempt. */
const definitive: ReadonlySet<ConnectFailureKind> = new Set(['refused', 'unknownHost', 'notZooKeeper', 'timedOut']);

function describe(server: string, kind: ConnectFailureKind, message: string): string {
  const host = server.slice(0, server.lastIndexOf(':'));
  switch (kind) {
    case 'refused':
      return `${server} refused the connection (nothing listens on that port)`;
    case 'unknownHost':
      return `the host "${host}" is unknown (the name does not resolve)`;
    case 'notZooKeeper':
      return `${server} is not a ZooKeeper server (it answered in another protocol, e.g. HTTP)`;
    case 'closed':
      return `${server} closed the connection during the handshake (a member without a quorum does this)`;
    case 'timedOut':
      return `${server} timed out (no answer to the ZooKeeper handshake)`;
    default:
      return `${server}: ${message}`;
  }
}

/**
 * Resolves once the client is connected; rejects with an ApiFailure naming the cause per server when every server
 * failed in a way retrying cannot cure (unless failFast is off: a local cluster still starting refuses at first),
 * or when timeoutMs passes.
 */
export async function awaitSession(client: ZkClient, connectString: string, timeoutMs: number, failFast = true): Promise<void> {
  const servers = parseConnectString(connectString).hosts.length;
  const failures = new Map<string, { kind: ConnectFailureKind; message: string }>();
  let onFailed: (server: string, error: Error) => void = () => undefined;
  const fastFail = new Promise<never>((_, reject) => {
    onFailed = (server, error) => {
      failures.set(server, { kind: classifyConnectError(error.message), message: error.message });
      if (failFast && failures.size >= servers && [...failures.values()].every((f) => definitive.has(f.kind))) reject(failureOf(connectString, failures));
    };
  });
  client.on('connectFailed', onFailed);
  try {
    await Promise.race([client.waitForConnected(timeoutMs), fastFail]);
  } catch (err) {
    if (err instanceof ApiFailure) throw err;
    throw failureOf(connectString, failures, timeoutMs, err as Error);
  } finally {
    client.off('connectFailed', onFailed);
  }
}

function failureOf(
  connectString: string,
  failures: Map<string, { kind: ConnectFailureKind; message: string }>,
  timeoutMs?: number,
  error?: Error,
): ApiFailure {
  const causes = [...failures].map(([server, f]) => describe(server, f.kind, f.message));
  const unique = [...new Set(causes)];
  const head = timeoutMs === undefined ? `Could not connect to ${connectString}` : `Could not connect to ${connectString} within ${Math.round(timeoutMs / 1000)} s`;
  if (unique.length === 0) return apiFailure('connectFailed', `${head}: no server answered${error !== undefined ? ` (${error.message})` : ''}.`);
  return apiFailure('connectFailed', `${head}: ${unique.join('; ')}.`);
}

// Runs one monitoring four-letter word on one member and reads its reply into a view: on the client port first,
// and on the AdminServer (/commands/<word>, JSON) when the member refuses the word (not whitelisted, not serving)
// or its client port does not answer.
import {
  adminCommandText,
  adminConnections,
  adminValues,
  adminWatches,
  adminWatchSummary,
  fourLetterWord,
  notWhitelistedReply,
  parseAdminJson,
  parseConnectString,
  parseCons,
  parseKeyValues,
  parseMntr,
  parseSrvr,
  parseWchc,
  parseWchs,
  type HostPort,
} from '../client/index.js';
import { apiFailure } from './apiError.js';
import type { MonitorCommand, MonitorReply, MonitorView } from './monitorContract.js';

export const defaultAdminPort = 8080;
export const monitorTimeoutMs = 3_000;

/** What a member answered instead of the word's output, or undefined when the reply is the output. */
export function refusalOf(reply: string): string | undefined {
  if (notWhitelistedReply(reply) || reply.includes('not currently serving requests')) return reply.trim();
  if (reply.trim() === '') return 'empty answer';
  return undefined;
}

function fourLetterView(command: MonitorCommand, text: string): MonitorView {
  switch (command) {
    case 'mntr':
      return { kind: 'values', values: parseMntr(text) };
    case 'conf':
    case 'envi':
      return { kind: 'values', values: parseKeyValues(text) };
    case 'srvr':
      return { kind: 'values', values: parseSrvr(text) as Record<string, string | number> };
    case 'cons':
      return { kind: 'connections', connections: parseCons(text) };
    case 'wchs': {
      const summary = parseWchs(text);
      return summary === undefined ? { kind: 'text' } : { kind: 'watchSummary', summary };
    }
    case 'wchc':
      return { kind: 'watches', sessions: parseWchc(text) };
    default:
      return { kind: 'text' };
  }
}

function adminView(command: MonitorCommand, body: Record<string, unknown>): MonitorView {
  switch (command) {
    case 'mntr':
      return { kind: 'values', values: adminValues(body, 'zk_') };
    case 'conf':
    case 'envi':
      return { kind: 'values', values: adminValues(body) };
    case 'srvr': {
      const stats = typeof body.server_stats === 'object' && body.server_stats !== null ? (body.server_stats as Record<string, unknown>) : {};
      return { kind: 'values', values: { ...adminValues(stats), ...adminValues({ version: body.version, node_count: body.node_count }) } };
    }
    case 'cons':
      return { kind: 'connections', connections: adminConnections(body) };
    case 'wchs': {
      const summary = adminWatchSummary(body);
      return summary === undefined ? { kind: 'text' } : { kind: 'watchSummary', summary };
    }
    case 'wchc':
      return { kind: 'watches', sessions: adminWatches(body) };
    default:
      return { kind: 'text' };
  }
}

/** The member of connectString named by server (host:port), or its first member. */
export function pickMember(connectString: string, server: string | undefined): HostPort {
  let hosts: HostPort[];
  try {
    hosts = parseConnectString(connectString).hosts;
  } catch (err) {
    throw apiFailure('invalidParams', `The connect string "${connectString}" is not valid: ${(err as Error).message}`);
  }
  if (server === undefined) return hosts[0]!;
  const member = hosts.find((h) => `${h.host}:${h.port}` === server);
  if (member === undefined) throw apiFailure('invalidParams', `${server} is not a member of the connect string "${connectString}".`);
  return member;
}

async function askAdminServer(reply: MonitorReply, host: string, adminPort: number): Promise<void> {
  reply.adminPort = adminPort;
  try {
    const { status, text } = await adminCommandText(host, adminPort, reply.command, monitorTimeoutMs);
    let body: Record<string, unknown>;
    try {
      body = parseAdminJson(text);
    } catch {
      reply.adminError = `port ${adminPort} answered HTTP ${status} without JSON: it is not a ZooKeeper AdminServer`;
      return;
    }
    if (typeof body.error === 'string' && body.error !== '') {
      reply.adminError = body.error;
      return;
    }
    reply.source = 'adminServer';
    reply.raw = JSON.stringify(body, null, 2);
    reply.view = adminView(reply.command, body);
  } catch (err) {
    reply.adminError = (err as Error).message;
  }
}

export async function runMonitorCommand(
  connectString: string,
  server: string | undefined,
  command: MonitorCommand,
  adminPort = defaultAdminPort,
): Promise<MonitorReply> {
  const member = pickMember(connectString, server);
  const reply: MonitorReply = { server: `${member.host}:${member.port}`, command };
  try {
    const text = await fourLetterWord(member.host, member.port, command, { timeoutMs: monitorTimeoutMs });
    const refusal = refusalOf(text);
    if (refusal === undefined) {
      reply.source = '4lw';
      reply.raw = text;
      reply.view = fourLetterView(command, text);
      return reply;
    }
    reply.refusal = refusal;
    if (notWhitelistedReply(text)) reply.notWhitelisted = true;
  } catch (err) {
    reply.error = (err as Error).message;
  }
  await askAdminServer(reply, member.host, adminPort);
  return reply;
}

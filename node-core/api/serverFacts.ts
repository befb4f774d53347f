// Facts about each member of a connect string: `srvr` and `mntr` over four-letter words on the client port, falling
// back to the AdminServer's HTTP /commands (server_stats, monitor) when a word is refused or the port will not answer.
import { adminCommand, adminValues, fourLetterWord as sendFourLetterWord, parseConnectString, parseMntr, parseSrvr, type HostPort } from '../client/index.js';
import { hexLong } from '../protocol/javaText.js';
import { apiFailure } from './apiError.js';
import type { MemberFacts, ServerFactsResult, SrvrFacts } from './contract.js';
import { defaultAdminPort, monitorTimeoutMs as timeoutMs, refusalOf as refusal } from './monitorCommand.js';

export function fourLetterWord(host: string, port: number, word: string, timeout = timeoutMs): Promise<string> {
  return sendFourLetterWord(host, port, word, { timeoutMs: timeout });
}

function srvrFromServerStats(body: Record<string, unknown>): SrvrFacts {
  const stats = (typeof body.server_stats === 'object' && body.server_stats !== null ? body.server_stats : {}) as Record<string, unknown>;
  const n = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const zxid = n(stats.last_processed_zxid);
  const facts: SrvrFacts = {
    version: typeof body.version === 'string' ? body.version : undefined,
    latencyMin: n(stats.min_latency),
    latencyAvg: n(stats.avg_latency),
    latencyMax: n(stats.max_latency),
    received: n(stats.packets_received),
    sent: n(stats.packets_sent),
    connections: n(stats.num_alive_client_connections),
    outstanding: n(stats.outstanding_requests),
    zxid: zxid === undefined ? undefined : hexLong(zxid),
    mode: typeof stats.server_state === 'string' ? stats.server_state : undefined,
    nodeCount: n(body.node_count),
  };
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)) as SrvrFacts;
}

async function memberFacts(member: HostPort, adminPort: number): Promise<MemberFacts> {
  const hostPort = `${member.host}:${member.port}`;
  const problems: string[] = [];
  const facts: MemberFacts = { hostPort, reachable: false };
  try {
    const srvr = await fourLetterWord(member.host, member.port, 'srvr');
    facts.reachable = true;
    const refused = refusal(srvr);
    if (refused === undefined) {
      facts.source = '4lw';
      facts.srvr = parseSrvr(srvr);
      facts.raw = srvr;
    } else problems.push(`srvr: ${refused}`);
    const mntr = await fourLetterWord(member.host, member.port, 'mntr');
    const mntrRefused = refusal(mntr);
    if (mntrRefused === undefined) facts.mntr = parseMntr(mntr);
    else problems.push(`mntr: ${mntrRefused}`);
  } catch (err) {
    problems.push(`four-letter words: ${(err as Error).message}`);
  }
  if (facts.srvr === undefined || facts.mntr === undefined) {
    try {
      if (facts.srvr === undefined) {
        facts.srvr = srvrFromServerStats(await adminCommand(member.host, adminPort, 'server_stats', timeoutMs));
        facts.source = 'adminServer';
      }
      if (facts.mntr === undefined) facts.mntr = adminValues(await adminCommand(member.host, adminPort, 'monitor', timeoutMs));
      facts.reachable = true;
      facts.source ??= 'adminServer';
    } catch (err) {
      problems.push(`AdminServer on port ${adminPort}: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0 && (facts.srvr === undefined || facts.mntr === undefined)) facts.error = problems.join('; ');
  return facts;
}

export async function serverFacts(connectString: string, adminPort = defaultAdminPort): Promise<ServerFactsResult> {
  let hosts: HostPort[];
  try {
    hosts = parseConnectString(connectString).hosts;
  } catch (err) {
    throw apiFailure('invalidParams', `The connect string "${connectString}" is not valid: ${(err as Error).message}`);
  }
  return { members: await Promise.all(hosts.map((h) => memberFacts(h, adminPort))) };
}

// Asks a Paddock member for its own record of elections (the AdminServer command `election`, over HTTP on its admin
// port), so the supervisor can report how long an election took as the member measured it, not as polling saw it.
import { request } from 'node:http';
import { LOOPBACK } from './portAllocator.js';
import type { MemberElection } from './types.js';

/** Where a member's AdminServer answers `election`; the supervisor's zoo.cfg keeps ZooKeeper's default commandURL. */
export const ELECTION_COMMAND_PATH = '/commands/election';

// A member keeps its last 100 elections; a reply far larger than that is not one we understand.
const MAX_REPLY_BYTES = 1 << 20;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const stringOf = (value: unknown) => (typeof value === 'string' ? value : undefined);
const numberOf = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function electionOf(value: unknown): MemberElection | undefined {
  if (!isObject(value)) return undefined;
  const started = stringOf(value.started);
  if (started === undefined) return undefined;
  const election: MemberElection = {
    started,
    decided: stringOf(value.decided),
    serving: stringOf(value.serving),
    durationMs: numberOf(value.durationMs),
    winner: numberOf(value.winner),
    epoch: stringOf(value.epoch),
    reason: stringOf(value.reason),
  };
  // Fields the member left out stay out, so the record compares and serialises as the member sent it.
  for (const key of Object.keys(election) as (keyof MemberElection)[]) {
    if (election[key] === undefined) delete election[key];
  }
  return election;
}

/** The newest election in an `election` reply (oldest first on the wire); undefined when the reply has none. */
export function parseElectionReply(body: string): MemberElection | undefined {
  let reply: unknown;
  try {
    reply = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isObject(reply) || !Array.isArray(reply.elections)) return undefined;
  return electionOf(reply.elections.at(-1));
}

function getText(port: number, path: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: LOOPBACK, port, path, method: 'GET', agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`HTTP ${res.statusCode ?? '?'}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_REPLY_BYTES) req.destroy(new Error('reply too large'));
        else chunks.push(chunk);
      });
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    // One deadline for the whole exchange: a paused member accepts the connection and then says nothing.
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}

/** The member's newest election record; undefined when it cannot be had (down, busy, no admin server). */
export async function queryElection(adminPort: number, timeoutMs: number): Promise<MemberElection | undefined> {
  try {
    return parseElectionReply(await getText(adminPort, ELECTION_COMMAND_PATH, timeoutMs));
  } catch {
    return undefined;
  }
}

// Asks a Paddock member for its own record of elections (the AdminServer command `election`, over HTTP on its admin
// port), so the supervisor can report how long an election took as the member measured it, not as polling saw it.
import { adminCommand } from '../client/adminCommand.js';
import { LOOPBACK } from './portAllocator.js';
import type { MemberElection } from './types.js';

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
function newestElection(reply: Record<string, unknown>): MemberElection | undefined {
  return Array.isArray(reply.elections) ? electionOf(reply.elections.at(-1)) : undefined;
}

/** The member's newest election record; undefined when it cannot be had (down, busy, no admin server). */
export async function queryElection(adminPort: number, timeoutMs: number): Promise<MemberElection | undefined> {
  try {
    return newestElection(await adminCommand(LOOPBACK, adminPort, 'election', timeoutMs));
  } catch {
    return undefined;
  }
}

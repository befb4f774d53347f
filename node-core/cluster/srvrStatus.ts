// Asks a member for `srvr` on its client port and reads the fields the supervisor shows: mode, zxid, epoch,
// connections, outstanding requests and node count.
import { fourLetterWord as sendFourLetterWord } from '../client/fourLetterWord.js';
import { parseSrvr } from '../client/srvrReply.js';
import type { MemberMode, SrvrStatus } from './types.js';
import { LOOPBACK } from './portAllocator.js';

export type { SrvrStatus };

export const NOT_SERVING: SrvrStatus = {
  mode: 'not serving',
  zxid: undefined,
  epoch: undefined,
  connections: undefined,
  outstanding: undefined,
  nodeCount: undefined,
};

/** Sends a four-letter word and returns the reply; the server closes the connection when it has answered. */
export function fourLetterWord(port: number, word: string, timeoutMs: number): Promise<string> {
  return sendFourLetterWord(LOOPBACK, port, word, { timeoutMs });
}

const MODES = new Set<MemberMode>(['leader', 'follower', 'observer', 'standalone']);

function srvrStatus(reply: string): SrvrStatus {
  const srvr = parseSrvr(reply);
  if (srvr.mode === undefined || !MODES.has(srvr.mode as MemberMode)) return NOT_SERVING;
  const zxid = srvr.zxid !== undefined && /^0x[0-9a-fA-F]+$/.test(srvr.zxid) ? srvr.zxid : undefined;
  return {
    mode: srvr.mode as MemberMode,
    zxid,
    epoch: zxid === undefined ? undefined : Number(BigInt(zxid) >> 32n),
    connections: srvr.connections,
    outstanding: srvr.outstanding,
    nodeCount: srvr.nodeCount,
  };
}

export async function querySrvr(port: number, timeoutMs: number): Promise<SrvrStatus> {
  try {
    return srvrStatus(await fourLetterWord(port, 'srvr', timeoutMs));
  } catch {
    return NOT_SERVING;
  }
}

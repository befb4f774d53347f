// Asks a member for `srvr` on its client port and reads the fields the supervisor shows: mode, zxid, epoch,
// connections, outstanding requests and node count.
import { fourLetterWord as sendFourLetterWord } from '../client/fourLetterWord.js';
import type { MemberMode } from './types.js';
import { LOOPBACK } from './portAllocator.js';

export interface SrvrStatus {
  mode: MemberMode;
  zxid: string | undefined;
  epoch: number | undefined;
  connections: number | undefined;
  outstanding: number | undefined;
  nodeCount: number | undefined;
}

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

function intField(reply: string, name: string): number | undefined {
  const match = new RegExp(`^${name}: (-?\\d+)`, 'm').exec(reply);
  return match === null ? undefined : Number(match[1]);
}

export function parseSrvr(reply: string): SrvrStatus {
  const mode = /^Mode: (\S+)/m.exec(reply)?.[1];
  if (mode === undefined || !MODES.has(mode as MemberMode)) return NOT_SERVING;
  const zxidText = /^Zxid: (0x[0-9a-fA-F]+)/m.exec(reply)?.[1];
  let epoch: number | undefined;
  if (zxidText !== undefined) epoch = Number(BigInt(zxidText) >> 32n);
  return {
    mode: mode as MemberMode,
    zxid: zxidText,
    epoch,
    connections: intField(reply, 'Connections'),
    outstanding: intField(reply, 'Outstanding'),
    nodeCount: intField(reply, 'Node count'),
  };
}

export async function querySrvr(port: number, timeoutMs: number): Promise<SrvrStatus> {
  try {
    return parseSrvr(await fourLetterWord(port, 'srvr', timeoutMs));
  } catch {
    return NOT_SERVING;
  }
}

// ZooKeeper's four-letter words ("ruok", "mntr", ...): which exist, how the connection layer recognises one in a
// connection's first bytes, the whitelist that gates them, and which reply each gets (fourLetterWordText.ts
// renders the replies).
import { javaHex } from '../protocol/javaText.js';
import {
  renderConf,
  renderCons,
  renderDump,
  renderEnvi,
  renderMntr,
  renderStat,
  renderWchc,
  renderWchp,
  renderWchs,
} from './fourLetterWordText.js';
import type { ServerIntrospection } from './introspection.js';

export const ZK_NOT_SERVING = 'This ZooKeeper instance is not currently serving requests';

/** Every command ZooKeeper 3.8 recognises in the first four bytes of a connection. */
export const FOUR_LETTER_WORDS = [
  'conf', 'cons', 'crst', 'dirs', 'dump', 'envi', 'gtmk', 'ruok', 'stmk', 'srst', 'srvr', 'stat', 'wchc', 'wchp',
  'wchs', 'mntr', 'isro', 'hash',
] as const;
export type FourLetterWord = (typeof FOUR_LETTER_WORDS)[number];

/** telnet's "interrupt process" sequence; ZooKeeper knows it so a telnet ^C closes the connection quietly. */
export const TELNET_CLOSE = 'telnet close';
const TELNET_CLOSE_BYTES = 0xfff4fffd;

const WORD_SET: ReadonlySet<string> = new Set(FOUR_LETTER_WORDS);

/**
 * Recognises a four-letter word in the first four bytes of a fresh connection (which otherwise hold a packet
 * length). Returns the command name, 'telnet close', or null when the bytes are an ordinary length.
 */
export function isKnownFourLetterWord(firstFourBytes: Uint8Array): FourLetterWord | typeof TELNET_CLOSE | null {
  if (firstFourBytes.length < 4) return null;
  const asInt =
    ((firstFourBytes[0] << 24) | (firstFourBytes[1] << 16) | (firstFourBytes[2] << 8) | firstFourBytes[3]) >>> 0;
  if (asInt === TELNET_CLOSE_BYTES) return TELNET_CLOSE;
  const word = String.fromCharCode(firstFourBytes[0], firstFourBytes[1], firstFourBytes[2], firstFourBytes[3]);
  return WORD_SET.has(word) ? (word as FourLetterWord) : null;
}

/**
 * The enabled set from 4lw.commands.whitelist entries, as FourLetterCommands.isEnabled builds it: `*` enables every
 * command, srvr is always on (zkServer.sh status needs it), isro too when read-only mode is enabled.
 */
export function resolveWhitelist(entries: readonly string[], readOnlyModeEnabled = false): ReadonlySet<string> {
  const enabled = new Set<string>();
  for (const raw of entries) {
    const cmd = raw.trim();
    if (cmd === '*') {
      for (const w of FOUR_LETTER_WORDS) enabled.add(w);
      enabled.add(TELNET_CLOSE);
      break;
    }
    if (cmd !== '') enabled.add(cmd);
  }
  if (readOnlyModeEnabled) enabled.add('isro');
  enabled.add('srvr');
  return enabled;
}

export function refusalText(cmd: string): string {
  return `${cmd} is not executed because it is not in the whitelist.\n`;
}

// ZooTrace's process-wide text trace mask; 306 is ZooKeeper's default (client ping, request and error traces).
let traceMask = 306n;

export function getTraceMask(): bigint {
  return traceMask;
}

export function setTraceMask(mask: bigint): void {
  traceMask = BigInt.asIntN(64, mask);
}

export interface FourLetterWordOptions {
  /** stmk carries an 8-byte big-endian mask after the command. */
  stmkMask?: bigint;
}

/**
 * Runs a four-letter word and returns the exact text ZooKeeper 3.8 would write before closing the connection.
 * `whitelist` is either the resolved set (resolveWhitelist) or raw 4lw.commands.whitelist entries.
 * Unknown commands and 'telnet close' produce '' (the caller just closes).
 */
export function runFourLetterWord(
  cmd: string,
  intro: ServerIntrospection,
  whitelist: ReadonlySet<string> | readonly string[],
  options: FourLetterWordOptions = {},
): string {
  if (!WORD_SET.has(cmd) && cmd !== TELNET_CLOSE) return '';
  const enabled = isStringArray(whitelist) ? resolveWhitelist(whitelist, intro.config.readOnlyModeEnabled) : whitelist;
  if (!enabled.has(cmd)) return refusalText(cmd);
  const serving = intro.isServing();
  const notServing = `${ZK_NOT_SERVING}\n`;
  switch (cmd as FourLetterWord | typeof TELNET_CLOSE) {
    case TELNET_CLOSE:
      return '';
    case 'ruok':
      return 'imok';
    case 'envi':
      return renderEnvi(intro);
    case 'gtmk':
      return String(traceMask);
    case 'stmk':
      if (options.stmkMask !== undefined) setTraceMask(options.stmkMask);
      return String(traceMask);
    case 'isro':
      return !serving ? 'null' : intro.isReadOnly() ? 'ro' : 'rw';
    case 'hash':
      if (!serving) return ZK_NOT_SERVING;
      return intro
        .digests()
        .map((d) => `${javaHex(d.zxid)}: ${d.digest}\n`)
        .join('');
    default:
      break;
  }
  if (!serving) return notServing;
  switch (cmd as FourLetterWord) {
    case 'stat':
      return renderStat(intro, true);
    case 'srvr':
      return renderStat(intro, false);
    case 'mntr':
      return renderMntr(intro);
    case 'conf':
      return renderConf(intro);
    case 'cons':
      return renderCons(intro);
    case 'crst':
      intro.resetConnectionStats();
      return 'Connection stats reset.\n';
    case 'srst':
      intro.resetStats();
      return 'Server stats reset.\n';
    case 'dirs':
      return `datadir_size: ${intro.dataDirSize()}\nlogdir_size: ${intro.logDirSize()}\n`;
    case 'dump':
      return renderDump(intro);
    case 'wchs':
      return renderWchs(intro);
    case 'wchc':
      return renderWchc(intro);
    case 'wchp':
      return renderWchp(intro);
    default:
      return '';
  }
}

function isStringArray(w: ReadonlySet<string> | readonly string[]): w is readonly string[] {
  return Array.isArray(w);
}

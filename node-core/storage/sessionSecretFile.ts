// The ensemble's session secret and the sessions that may still use ZooKeeper's derivable passwords: its byte
// format (the one home for it, used for the dataDir file and for the quorum packet that shares it) and the file
// in dataDir that keeps it across restarts. ZooKeeper ignores files it does not know in dataDir.
import * as fs from 'node:fs/promises';
import path from 'node:path';
import { adler32 } from './adler32.js';
import { DataDirError } from './dataDirError.js';
import { atomicWriteFile, isNotFound } from './durableFs.js';

export const SESSION_SECRET_FILE = 'paddock-session-secret';
export const SESSION_SECRET_BYTES = 32;

const MAGIC = Buffer.from('PDSS', 'latin1');
const VERSION = 1;
const HEADER_BYTES = MAGIC.length + 2 + SESSION_SECRET_BYTES + 4;

export interface SessionSecret {
  secret: Buffer;
  /**
   * Sessions that were live when this data dir first got a secret: their clients hold ZooKeeper's password, which
   * stays valid for them (and only them) until they close.
   */
  legacySessions: Set<bigint>;
  /**
   * Set once a member served with ZooKeeper's passwords after the legacy list was taken: sessions created then hold
   * ZooKeeper's password too, so the next leader in ensembleSecret mode takes the list again.
   */
  legacyListStale: boolean;
}

/** A record that is not whole or intact (a damaged file, or a packet from something that is not a Paddock leader). */
export class SessionSecretFormatError extends Error {}

export function encodeSessionSecret(record: SessionSecret): Buffer {
  const ids = [...record.legacySessions];
  const out = Buffer.alloc(HEADER_BYTES + ids.length * 8 + 4);
  MAGIC.copy(out, 0);
  let at = MAGIC.length;
  out.writeUInt8(VERSION, at++);
  out.writeUInt8(record.legacyListStale ? 1 : 0, at++);
  record.secret.copy(out, at);
  at += SESSION_SECRET_BYTES;
  out.writeUInt32BE(ids.length, at);
  at += 4;
  for (const id of ids) at = out.writeBigInt64BE(BigInt.asIntN(64, id), at);
  out.writeUInt32BE(adler32(out.subarray(0, at)), at);
  return out;
}

/** Throws SessionSecretFormatError when `bytes` are not a whole, intact record. */
export function decodeSessionSecret(bytes: Buffer): SessionSecret {
  if (bytes.length < HEADER_BYTES + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new SessionSecretFormatError('not a session secret record');
  const version = bytes.readUInt8(MAGIC.length);
  if (version !== VERSION) throw new SessionSecretFormatError(`unknown version ${version}`);
  const count = bytes.readUInt32BE(HEADER_BYTES - 4);
  const end = HEADER_BYTES + count * 8;
  if (bytes.length !== end + 4) throw new SessionSecretFormatError(`length ${bytes.length} does not fit ${count} sessions`);
  if (bytes.readUInt32BE(end) !== adler32(bytes.subarray(0, end))) throw new SessionSecretFormatError('checksum mismatch');
  const legacySessions = new Set<bigint>();
  for (let at = HEADER_BYTES; at < end; at += 8) legacySessions.add(bytes.readBigInt64BE(at));
  const secretStart = MAGIC.length + 2;
  return {
    secret: Buffer.from(bytes.subarray(secretStart, secretStart + SESSION_SECRET_BYTES)),
    legacySessions,
    legacyListStale: (bytes.readUInt8(MAGIC.length + 1) & 1) === 1,
  };
}

/** The record kept in `dataDir`, or undefined when there is none yet. */
export async function readSessionSecretFile(dataDir: string): Promise<SessionSecret | undefined> {
  const file = path.join(dataDir, SESSION_SECRET_FILE);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  try {
    return decodeSessionSecret(bytes);
  } catch (error) {
    if (!(error instanceof SessionSecretFormatError)) throw error;
    // Writes replace the file by rename, so damage is the disk's or an operator's: starting with a new secret
    // would silently end every client's session, so the operator decides (deleting the file makes a new one).
    throw new DataDirError(file, 0, error.message);
  }
}

/** Stores the record durably: a crash leaves the old or the new one (tmp file, fsync, rename, directory fsync). */
export async function writeSessionSecretFile(dataDir: string, record: SessionSecret): Promise<void> {
  await atomicWriteFile(path.join(dataDir, SESSION_SECRET_FILE), encodeSessionSecret(record));
}

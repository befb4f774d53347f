// The small leading sections of a ZooKeeper snapshot body (the session table and the ACL map), read with a bounds
// check on every length so that a damaged file is reported with the offset where it goes wrong.
import { JuteError } from '../jute/juteError.js';
import type { ACL } from '../protocol/records.js';

/** A snapshot body that cannot be read; `offset` is counted from the start of the body. */
export class SnapshotFormatError extends JuteError {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} (at body offset ${offset})`);
    this.name = 'SnapshotFormatError';
  }
}

/**
 * The bytes end before the section does: in a file the snapshot is damaged; on a quorum link more may still arrive
 * (SnapshotStreamDecoder waits for them).
 */
export class SnapshotTruncatedError extends SnapshotFormatError {
  constructor(reason: string, offset: number) {
    super(reason, offset);
    this.name = 'SnapshotTruncatedError';
  }
}

function need(buf: Buffer, at: number, count: number, what: string): void {
  if (at + count > buf.length) throw new SnapshotTruncatedError(`snapshot ends inside ${what}`, at);
}

function readCount(buf: Buffer, at: number, what: string, minItemBytes: number): number {
  need(buf, at, 4, what);
  const count = buf.readInt32BE(at);
  if (count < 0) throw new SnapshotFormatError(`bad ${what} count ${count}`, at);
  if (count * minItemBytes > buf.length - at - 4) throw new SnapshotTruncatedError(`bad ${what} count ${count}`, at);
  return count;
}

function readUtf8(buf: Buffer, at: number, what: string): { value: string; end: number } {
  need(buf, at, 4, what);
  const length = buf.readInt32BE(at);
  if (length < 0) throw new SnapshotFormatError(`null or negative ${what} (length ${length})`, at);
  need(buf, at + 4, length, what);
  return { value: buf.toString('utf8', at + 4, at + 4 + length), end: at + 4 + length };
}

/** int count, then {long sessionId, int timeOut} per session. */
export function readSessions(buf: Buffer, start: number): { sessions: Map<bigint, number>; end: number } {
  const count = readCount(buf, start, 'session', 12);
  const sessions = new Map<bigint, number>();
  let at = start + 4;
  for (let i = 0; i < count; i++, at += 12) sessions.set(buf.readBigInt64BE(at), buf.readInt32BE(at + 8));
  return { sessions, end: at };
}

/** ReferenceCountedACLCache: int size, then {long index, vector<ACL>} per entry. */
export function readAclMap(buf: Buffer, start: number): { map: Map<number, readonly ACL[]>; end: number } {
  const size = readCount(buf, start, 'ACL map', 12);
  const map = new Map<number, readonly ACL[]>();
  let at = start + 4;
  for (let i = 0; i < size; i++) {
    need(buf, at, 8, 'ACL map');
    const index = buf.readBigInt64BE(at);
    if (index < 0n || index > BigInt(Number.MAX_SAFE_INTEGER)) throw new SnapshotFormatError(`bad ACL index ${index}`, at);
    const count = readCount(buf, at + 8, 'ACL list', 12);
    at += 12;
    const list: ACL[] = [];
    for (let j = 0; j < count; j++) {
      need(buf, at, 4, 'ACL');
      const perms = buf.readInt32BE(at);
      const scheme = readUtf8(buf, at + 4, 'ACL scheme');
      const id = readUtf8(buf, scheme.end, 'ACL id');
      list.push({ perms, id: { scheme: scheme.value, id: id.value } });
      at = id.end;
    }
    map.set(Number(index), list);
  }
  return { map, end: at };
}

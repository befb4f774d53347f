// What a learner sends its leader in a REQUEST packet, in PING replies and in REVALIDATE (and the leader's answer),
// as Java's Learner writes them: a REQUEST's data is (long sessionId, int cxid, int type, the request record as the
// client sent it, or the int timeout of a createSession), and the connection's auth ids travel in the packet's
// authinfo vector, so Paddock and Apache ZooKeeper members forward requests to each other.
import { JuteReader, JuteWriter } from '../../jute/index.js';
import { OpCode, readRequestBody, writeRequestBody, type Id } from '../../protocol/index.js';
import type { WriteRequest } from '../../txn/prepRequest.js';

/** The REQUEST packet's data and authinfo; a createSession carries none (null), as ZooKeeper submits it. */
export function encodeForwardedRequest(request: WriteRequest): { data: Buffer; authinfo: Id[] | null } {
  const writer = new JuteWriter(128);
  writer.writeLong(request.sessionId).writeInt(request.cxid).writeInt(request.type);
  if (request.type === OpCode.createSession) writer.writeInt((request.body as { timeOut: number }).timeOut);
  else if (request.type !== OpCode.closeSession) writeRequestBody(request.type, writer, request.body);
  const authinfo = request.type === OpCode.createSession ? null : [...request.authInfo];
  return { data: writer.toBuffer(), authinfo };
}

export function decodeForwardedRequest(data: Buffer, authInfo: Id[]): WriteRequest {
  const reader = new JuteReader(data);
  const sessionId = reader.readLong();
  const cxid = reader.readInt();
  const type = reader.readInt();
  let body: unknown = null;
  if (type === OpCode.createSession) body = { timeOut: reader.readInt() };
  else if (type !== OpCode.closeSession) body = readRequestBody(type, reader);
  return { sessionId, cxid, type, body, authInfo } as WriteRequest;
}

/** PING payload: the sessions a learner's clients kept alive, as ZooKeeper's (long id, int timeout) pairs. */
export function encodeSessionTouches(touches: readonly { sessionId: bigint; timeout: number }[]): Buffer {
  const writer = new JuteWriter(12 * touches.length + 4);
  for (const { sessionId, timeout } of touches) writer.writeLong(sessionId).writeInt(timeout);
  return writer.toBuffer();
}

export function decodeSessionTouches(data: Buffer): bigint[] {
  const reader = new JuteReader(data);
  const ids: bigint[] = [];
  while (reader.remaining >= 12) {
    ids.push(reader.readLong());
    reader.readInt();
  }
  return ids;
}

/** REVALIDATE from a learner: the session a client re-attached there, and the timeout it asked for. */
export function encodeRevalidation(sessionId: bigint, timeout: number): Buffer {
  return new JuteWriter(12).writeLong(sessionId).writeInt(timeout).toBuffer();
}

export function decodeRevalidation(data: Buffer): { sessionId: bigint; timeout: number } {
  const reader = new JuteReader(data);
  return { sessionId: reader.readLong(), timeout: reader.readInt() };
}

/** The leader's REVALIDATE answer: whether the session is still alive (it now belongs to the asking learner). */
export function encodeRevalidationAnswer(sessionId: bigint, valid: boolean): Buffer {
  return new JuteWriter(9).writeLong(sessionId).writeBool(valid).toBuffer();
}

export function decodeRevalidationAnswer(data: Buffer): { sessionId: bigint; valid: boolean } {
  const reader = new JuteReader(data);
  return { sessionId: reader.readLong(), valid: reader.readBool() };
}

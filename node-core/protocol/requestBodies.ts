// Which record each opcode carries as its request body and reply body, in one table, so the server, the client and
// the tests decode and encode them the same way.
import type { JuteReader } from '../jute/juteReader.js';
import type { JuteWriter } from '../jute/juteWriter.js';
import { OpCode } from './opCodes.js';
import {
  AddWatchRequestCodec,
  AuthPacketCodec,
  Create2ResponseCodec,
  CreateRequestCodec,
  CreateResponseCodec,
  CreateTTLRequestCodec,
  ErrorResponseCodec,
  GetACLResponseCodec,
  GetAllChildrenNumberResponseCodec,
  GetChildren2ResponseCodec,
  GetChildrenResponseCodec,
  GetDataResponseCodec,
  GetEphemeralsRequestCodec,
  GetEphemeralsResponseCodec,
  PathRequestCodec,
  PathVersionRequestCodec,
  PathWatchRequestCodec,
  ReconfigRequestCodec,
  RemoveWatchesRequestCodec,
  SaslTokenCodec,
  SetACLRequestCodec,
  SetDataRequestCodec,
  SetWatches2Codec,
  SetWatchesCodec,
  StatResponseCodec,
  SyncResponseCodec,
  WhoAmIResponseCodec,
  type RecordCodec,
} from './records.js';
import { readMultiRequest, readMultiResponse, writeMultiRequest, writeMultiResponse, type MultiOp, type MultiResult } from './multiOps.js';

const none: RecordCodec<null> = { read: () => null, write: () => undefined };
const multiRequest: RecordCodec<MultiOp[]> = { read: readMultiRequest, write: writeMultiRequest };
const multiResponse: RecordCodec<MultiResult[]> = { read: readMultiResponse, write: writeMultiResponse };

/** Request body codec per opcode; undefined for an opcode the server does not know. */
const requestCodecs = new Map<number, RecordCodec<unknown>>([
  [OpCode.create, CreateRequestCodec],
  [OpCode.create2, CreateRequestCodec],
  [OpCode.createContainer, CreateRequestCodec],
  [OpCode.createTTL, CreateTTLRequestCodec],
  [OpCode.delete, PathVersionRequestCodec],
  [OpCode.deleteContainer, PathRequestCodec],
  [OpCode.exists, PathWatchRequestCodec],
  [OpCode.getData, PathWatchRequestCodec],
  [OpCode.setData, SetDataRequestCodec],
  [OpCode.getACL, PathRequestCodec],
  [OpCode.setACL, SetACLRequestCodec],
  [OpCode.getChildren, PathWatchRequestCodec],
  [OpCode.getChildren2, PathWatchRequestCodec],
  [OpCode.sync, PathRequestCodec],
  [OpCode.ping, none],
  [OpCode.check, PathVersionRequestCodec],
  [OpCode.multi, multiRequest],
  [OpCode.multiRead, multiRequest],
  [OpCode.reconfig, ReconfigRequestCodec],
  [OpCode.checkWatches, RemoveWatchesRequestCodec],
  [OpCode.removeWatches, RemoveWatchesRequestCodec],
  [OpCode.auth, AuthPacketCodec],
  [OpCode.sasl, SaslTokenCodec],
  [OpCode.setWatches, SetWatchesCodec],
  [OpCode.setWatches2, SetWatches2Codec],
  [OpCode.getEphemerals, GetEphemeralsRequestCodec],
  [OpCode.getAllChildrenNumber, PathRequestCodec],
  [OpCode.addWatch, AddWatchRequestCodec],
  [OpCode.whoAmI, none],
  [OpCode.closeSession, none],
] as [number, RecordCodec<unknown>][]);

/** Reply body codec per opcode (for a reply with err 0); ops whose reply is the header alone map to `none`. */
const responseCodecs = new Map<number, RecordCodec<unknown>>([
  [OpCode.create, CreateResponseCodec],
  [OpCode.create2, Create2ResponseCodec],
  [OpCode.createContainer, Create2ResponseCodec],
  [OpCode.createTTL, Create2ResponseCodec],
  [OpCode.delete, none],
  [OpCode.deleteContainer, none],
  [OpCode.exists, StatResponseCodec],
  [OpCode.getData, GetDataResponseCodec],
  [OpCode.setData, StatResponseCodec],
  [OpCode.getACL, GetACLResponseCodec],
  [OpCode.setACL, StatResponseCodec],
  [OpCode.getChildren, GetChildrenResponseCodec],
  [OpCode.getChildren2, GetChildren2ResponseCodec],
  [OpCode.sync, SyncResponseCodec],
  [OpCode.ping, none],
  [OpCode.check, none],
  [OpCode.multi, multiResponse],
  [OpCode.multiRead, multiResponse],
  [OpCode.reconfig, GetDataResponseCodec],
  [OpCode.checkWatches, none],
  [OpCode.removeWatches, none],
  [OpCode.auth, none],
  [OpCode.sasl, SaslTokenCodec],
  [OpCode.setWatches, none],
  [OpCode.setWatches2, none],
  [OpCode.getEphemerals, GetEphemeralsResponseCodec],
  [OpCode.getAllChildrenNumber, GetAllChildrenNumberResponseCodec],
  [OpCode.addWatch, ErrorResponseCodec],
  [OpCode.whoAmI, WhoAmIResponseCodec],
  [OpCode.closeSession, none],
] as [number, RecordCodec<unknown>][]);

export function isKnownOpCode(type: number): boolean {
  return requestCodecs.has(type);
}

export function readRequestBody(type: number, reader: JuteReader): unknown {
  const codec = requestCodecs.get(type);
  if (!codec) throw new Error(`no request codec for opcode ${type}`);
  return codec.read(reader);
}

export function writeRequestBody(type: number, writer: JuteWriter, body: unknown): void {
  requestCodecs.get(type)?.write(writer, body);
}

export function readResponseBody(type: number, reader: JuteReader): unknown {
  const codec = responseCodecs.get(type);
  return codec ? codec.read(reader) : null;
}

export function writeResponseBody(type: number, writer: JuteWriter, body: unknown): void {
  responseCodecs.get(type)?.write(writer, body);
}

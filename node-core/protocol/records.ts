// The client-protocol records of zookeeper.jute (requests, responses, Stat, ACL, events) with one reader and one
// writer each. Longs are bigint because session ids and zxids use all 64 bits.
import type { JuteReader } from '../jute/juteReader.js';
import type { JuteWriter } from '../jute/juteWriter.js';

export interface RecordCodec<T> {
  read(reader: JuteReader): T;
  write(writer: JuteWriter, value: T): void;
}

function codec<T>(read: (r: JuteReader) => T, write: (w: JuteWriter, v: T) => void): RecordCodec<T> {
  return { read, write };
}

// ---- data types ----

export interface Id {
  scheme: string;
  id: string;
}
export interface ACL {
  perms: number;
  id: Id;
}
export const IdCodec = codec<Id>(
  (r) => ({ scheme: r.readString(), id: r.readString() }),
  (w, v) => void w.writeString(v.scheme).writeString(v.id),
);
export const ACLCodec = codec<ACL>(
  (r) => ({ perms: r.readInt(), id: IdCodec.read(r) }),
  (w, v) => {
    w.writeInt(v.perms);
    IdCodec.write(w, v.id);
  },
);
const readAcls = (r: JuteReader) => r.readVector((x) => ACLCodec.read(x));
const writeAcls = (w: JuteWriter, acl: readonly ACL[]) => w.writeVector(acl, (x, a) => ACLCodec.write(x, a));

export interface Stat {
  czxid: bigint;
  mzxid: bigint;
  ctime: bigint;
  mtime: bigint;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
  pzxid: bigint;
}
export const StatCodec = codec<Stat>(
  (r) => ({
    czxid: r.readLong(),
    mzxid: r.readLong(),
    ctime: r.readLong(),
    mtime: r.readLong(),
    version: r.readInt(),
    cversion: r.readInt(),
    aversion: r.readInt(),
    ephemeralOwner: r.readLong(),
    dataLength: r.readInt(),
    numChildren: r.readInt(),
    pzxid: r.readLong(),
  }),
  (w, s) =>
    void w
      .writeLong(s.czxid)
      .writeLong(s.mzxid)
      .writeLong(s.ctime)
      .writeLong(s.mtime)
      .writeInt(s.version)
      .writeInt(s.cversion)
      .writeInt(s.aversion)
      .writeLong(s.ephemeralOwner)
      .writeInt(s.dataLength)
      .writeInt(s.numChildren)
      .writeLong(s.pzxid),
);

// ---- session establishment ----

export interface ConnectRequest {
  protocolVersion: number;
  lastZxidSeen: bigint;
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer;
  /** Absent when the client sent the older form without the flag; the reply must then omit it too. */
  readOnly?: boolean;
}
export const ConnectRequestCodec = codec<ConnectRequest>(
  (r) => {
    const request: ConnectRequest = {
      protocolVersion: r.readInt(),
      lastZxidSeen: r.readLong(),
      timeOut: r.readInt(),
      sessionId: r.readLong(),
      passwd: r.readBuffer() ?? Buffer.alloc(0),
    };
    if (r.hasMore()) request.readOnly = r.readBool();
    return request;
  },
  (w, v) => {
    w.writeInt(v.protocolVersion).writeLong(v.lastZxidSeen).writeInt(v.timeOut).writeLong(v.sessionId);
    w.writeBuffer(v.passwd);
    if (v.readOnly !== undefined) w.writeBool(v.readOnly);
  },
);

export interface ConnectResponse {
  protocolVersion: number;
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer;
  readOnly?: boolean;
}
export const ConnectResponseCodec = codec<ConnectResponse>(
  (r) => {
    const response: ConnectResponse = {
      protocolVersion: r.readInt(),
      timeOut: r.readInt(),
      sessionId: r.readLong(),
      passwd: r.readBuffer() ?? Buffer.alloc(0),
    };
    if (r.hasMore()) response.readOnly = r.readBool();
    return response;
  },
  (w, v) => {
    w.writeInt(v.protocolVersion).writeInt(v.timeOut).writeLong(v.sessionId).writeBuffer(v.passwd);
    if (v.readOnly !== undefined) w.writeBool(v.readOnly);
  },
);

// ---- headers ----

export interface RequestHeader {
  xid: number;
  type: number;
}
export const RequestHeaderCodec = codec<RequestHeader>(
  (r) => ({ xid: r.readInt(), type: r.readInt() }),
  (w, v) => void w.writeInt(v.xid).writeInt(v.type),
);

export interface ReplyHeader {
  xid: number;
  zxid: bigint;
  err: number;
}
export const ReplyHeaderCodec = codec<ReplyHeader>(
  (r) => ({ xid: r.readInt(), zxid: r.readLong(), err: r.readInt() }),
  (w, v) => void w.writeInt(v.xid).writeLong(v.zxid).writeInt(v.err),
);

// ---- requests ----

export interface PathRequest {
  path: string;
}
export const PathRequestCodec = codec<PathRequest>(
  (r) => ({ path: r.readString() }),
  (w, v) => void w.writeString(v.path),
);

export interface PathWatchRequest {
  path: string;
  watch: boolean;
}
export const PathWatchRequestCodec = codec<PathWatchRequest>(
  (r) => ({ path: r.readString(), watch: r.readBool() }),
  (w, v) => void w.writeString(v.path).writeBool(v.watch),
);

export interface PathVersionRequest {
  path: string;
  version: number;
}
/** DeleteRequest and CheckVersionRequest share this layout. */
export const PathVersionRequestCodec = codec<PathVersionRequest>(
  (r) => ({ path: r.readString(), version: r.readInt() }),
  (w, v) => void w.writeString(v.path).writeInt(v.version),
);

export interface CreateRequest {
  path: string;
  data: Buffer | null;
  acl: ACL[];
  flags: number;
  /** Only for createTTL (opcode 21). */
  ttl?: bigint;
}
export const CreateRequestCodec = codec<CreateRequest>(
  (r) => ({ path: r.readString(), data: r.readBuffer(), acl: readAcls(r), flags: r.readInt() }),
  (w, v) => {
    w.writeString(v.path).writeBuffer(v.data);
    writeAcls(w, v.acl);
    w.writeInt(v.flags);
  },
);
export const CreateTTLRequestCodec = codec<CreateRequest>(
  (r) => ({ path: r.readString(), data: r.readBuffer(), acl: readAcls(r), flags: r.readInt(), ttl: r.readLong() }),
  (w, v) => {
    w.writeString(v.path).writeBuffer(v.data);
    writeAcls(w, v.acl);
    w.writeInt(v.flags).writeLong(v.ttl ?? -1n);
  },
);

export interface SetDataRequest {
  path: string;
  data: Buffer | null;
  version: number;
}
export const SetDataRequestCodec = codec<SetDataRequest>(
  (r) => ({ path: r.readString(), data: r.readBuffer(), version: r.readInt() }),
  (w, v) => void w.writeString(v.path).writeBuffer(v.data).writeInt(v.version),
);

export interface SetACLRequest {
  path: string;
  acl: ACL[];
  version: number;
}
export const SetACLRequestCodec = codec<SetACLRequest>(
  (r) => ({ path: r.readString(), acl: readAcls(r), version: r.readInt() }),
  (w, v) => {
    w.writeString(v.path);
    writeAcls(w, v.acl);
    w.writeInt(v.version);
  },
);

export interface SetWatchesRequest {
  relativeZxid: bigint;
  dataWatches: string[];
  existWatches: string[];
  childWatches: string[];
  /** Present only in setWatches2 (opcode 105). */
  persistentWatches?: string[];
  persistentRecursiveWatches?: string[];
}
export const SetWatchesCodec = codec<SetWatchesRequest>(
  (r) => ({
    relativeZxid: r.readLong(),
    dataWatches: r.readStringVector(),
    existWatches: r.readStringVector(),
    childWatches: r.readStringVector(),
  }),
  (w, v) =>
    void w
      .writeLong(v.relativeZxid)
      .writeStringVector(v.dataWatches)
      .writeStringVector(v.existWatches)
      .writeStringVector(v.childWatches),
);
export const SetWatches2Codec = codec<SetWatchesRequest>(
  (r) => ({
    relativeZxid: r.readLong(),
    dataWatches: r.readStringVector(),
    existWatches: r.readStringVector(),
    childWatches: r.readStringVector(),
    persistentWatches: r.readStringVector(),
    persistentRecursiveWatches: r.readStringVector(),
  }),
  (w, v) =>
    void w
      .writeLong(v.relativeZxid)
      .writeStringVector(v.dataWatches)
      .writeStringVector(v.existWatches)
      .writeStringVector(v.childWatches)
      .writeStringVector(v.persistentWatches ?? [])
      .writeStringVector(v.persistentRecursiveWatches ?? []),
);

export interface AddWatchRequest {
  path: string;
  mode: number;
}
export const AddWatchRequestCodec = codec<AddWatchRequest>(
  (r) => ({ path: r.readString(), mode: r.readInt() }),
  (w, v) => void w.writeString(v.path).writeInt(v.mode),
);

export interface RemoveWatchesRequest {
  path: string;
  type: number;
}
/** RemoveWatches and CheckWatches share this layout. */
export const RemoveWatchesRequestCodec = codec<RemoveWatchesRequest>(
  (r) => ({ path: r.readString(), type: r.readInt() }),
  (w, v) => void w.writeString(v.path).writeInt(v.type),
);

export interface AuthPacket {
  type: number;
  scheme: string;
  auth: Buffer | null;
}
export const AuthPacketCodec = codec<AuthPacket>(
  (r) => ({ type: r.readInt(), scheme: r.readString(), auth: r.readBuffer() }),
  (w, v) => void w.writeInt(v.type).writeString(v.scheme).writeBuffer(v.auth),
);

/** GetSASLRequest and SetSASLResponse share one layout: the mechanism's token (null when there is none). */
export interface SaslToken {
  token: Buffer | null;
}
export const SaslTokenCodec = codec<SaslToken>(
  (r) => ({ token: r.readBuffer() }),
  (w, v) => void w.writeBuffer(v.token),
);

export interface GetEphemeralsRequest {
  prefixPath: string;
}
export const GetEphemeralsRequestCodec = codec<GetEphemeralsRequest>(
  (r) => ({ prefixPath: r.readString() }),
  (w, v) => void w.writeString(v.prefixPath),
);

export interface ReconfigRequest {
  joiningServers: string | null;
  leavingServers: string | null;
  newMembers: string | null;
  curConfigId: bigint;
}
export const ReconfigRequestCodec = codec<ReconfigRequest>(
  (r) => ({
    joiningServers: r.readNullableString(),
    leavingServers: r.readNullableString(),
    newMembers: r.readNullableString(),
    curConfigId: r.readLong(),
  }),
  (w, v) =>
    void w
      .writeString(v.joiningServers)
      .writeString(v.leavingServers)
      .writeString(v.newMembers)
      .writeLong(v.curConfigId),
);

// ---- responses ----

export interface CreateResponse {
  path: string;
}
export const CreateResponseCodec = PathRequestCodec as RecordCodec<CreateResponse>;

export interface Create2Response {
  path: string;
  stat: Stat;
}
export const Create2ResponseCodec = codec<Create2Response>(
  (r) => ({ path: r.readString(), stat: StatCodec.read(r) }),
  (w, v) => {
    w.writeString(v.path);
    StatCodec.write(w, v.stat);
  },
);

export interface StatResponse {
  stat: Stat;
}
/** ExistsResponse, SetDataResponse and SetACLResponse are each just a Stat. */
export const StatResponseCodec = codec<StatResponse>(
  (r) => ({ stat: StatCodec.read(r) }),
  (w, v) => StatCodec.write(w, v.stat),
);

export interface GetDataResponse {
  data: Buffer | null;
  stat: Stat;
}
export const GetDataResponseCodec = codec<GetDataResponse>(
  (r) => ({ data: r.readBuffer(), stat: StatCodec.read(r) }),
  (w, v) => {
    w.writeBuffer(v.data);
    StatCodec.write(w, v.stat);
  },
);

export interface GetACLResponse {
  acl: ACL[];
  stat: Stat;
}
export const GetACLResponseCodec = codec<GetACLResponse>(
  (r) => ({ acl: readAcls(r), stat: StatCodec.read(r) }),
  (w, v) => {
    writeAcls(w, v.acl);
    StatCodec.write(w, v.stat);
  },
);

export interface GetChildrenResponse {
  children: string[];
}
export const GetChildrenResponseCodec = codec<GetChildrenResponse>(
  (r) => ({ children: r.readStringVector() }),
  (w, v) => void w.writeStringVector(v.children),
);

export interface GetChildren2Response {
  children: string[];
  stat: Stat;
}
export const GetChildren2ResponseCodec = codec<GetChildren2Response>(
  (r) => ({ children: r.readStringVector(), stat: StatCodec.read(r) }),
  (w, v) => {
    w.writeStringVector(v.children);
    StatCodec.write(w, v.stat);
  },
);

export interface GetAllChildrenNumberResponse {
  totalNumber: number;
}
export const GetAllChildrenNumberResponseCodec = codec<GetAllChildrenNumberResponse>(
  (r) => ({ totalNumber: r.readInt() }),
  (w, v) => void w.writeInt(v.totalNumber),
);

export interface GetEphemeralsResponse {
  ephemerals: string[];
}
export const GetEphemeralsResponseCodec = codec<GetEphemeralsResponse>(
  (r) => ({ ephemerals: r.readStringVector() }),
  (w, v) => void w.writeStringVector(v.ephemerals),
);

export interface SyncResponse {
  path: string;
}
export const SyncResponseCodec = PathRequestCodec as RecordCodec<SyncResponse>;

export interface ClientInfo {
  authScheme: string;
  user: string;
}
export interface WhoAmIResponse {
  clientInfo: ClientInfo[];
}
export const WhoAmIResponseCodec = codec<WhoAmIResponse>(
  (r) => ({ clientInfo: r.readVector((x) => ({ authScheme: x.readString(), user: x.readString() })) }),
  (w, v) => void w.writeVector(v.clientInfo, (x, c) => x.writeString(c.authScheme).writeString(c.user)),
);

export interface WatcherEvent {
  type: number;
  state: number;
  path: string;
}
export const WatcherEventCodec = codec<WatcherEvent>(
  (r) => ({ type: r.readInt(), state: r.readInt(), path: r.readString() }),
  (w, v) => void w.writeInt(v.type).writeInt(v.state).writeString(v.path),
);

// ---- multi ----

export interface MultiHeader {
  type: number;
  done: boolean;
  err: number;
}
export const MultiHeaderCodec = codec<MultiHeader>(
  (r) => ({ type: r.readInt(), done: r.readBool(), err: r.readInt() }),
  (w, v) => void w.writeInt(v.type).writeBool(v.done).writeInt(v.err),
);
export const multiEnd: MultiHeader = { type: -1, done: true, err: -1 };

export interface ErrorResponse {
  err: number;
}
export const ErrorResponseCodec = codec<ErrorResponse>(
  (r) => ({ err: r.readInt() }),
  (w, v) => void w.writeInt(v.err),
);

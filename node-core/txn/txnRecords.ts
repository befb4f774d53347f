// ZooKeeper's replicated transaction records (the txn module of zookeeper.jute) and the log-entry payload they make:
// TxnHeader followed by the txn record, byte for byte as Apache ZooKeeper writes it, so logs and proposals interoperate.
import { JuteError } from '../jute/juteError.js';
import { JuteReader } from '../jute/juteReader.js';
import { JuteWriter } from '../jute/juteWriter.js';
import { OpCode } from '../protocol/opCodes.js';
import { ACLCodec, type ACL } from '../protocol/records.js';

export interface TxnHeader {
  clientId: bigint;
  cxid: number;
  zxid: bigint;
  time: bigint;
  type: number;
}

/** create (1) and create2 (15) share CreateTxn; ephemeral nodes belong to the header's clientId. */
export interface CreateTxn {
  type: typeof OpCode.create | typeof OpCode.create2;
  path: string;
  data: Buffer | null;
  acl: readonly ACL[];
  ephemeral: boolean;
  /** The parent's new persisted cversion; -1 (from a pre-3.3 CreateTxnV0) means "parent's + 1". */
  parentCVersion: number;
}
export interface CreateContainerTxn {
  type: typeof OpCode.createContainer;
  path: string;
  data: Buffer | null;
  acl: readonly ACL[];
  parentCVersion: number;
}
export interface CreateTTLTxn {
  type: typeof OpCode.createTTL;
  path: string;
  data: Buffer | null;
  acl: readonly ACL[];
  parentCVersion: number;
  ttl: bigint;
}
/** delete (2) and deleteContainer (20). */
export interface DeleteTxn {
  type: typeof OpCode.delete | typeof OpCode.deleteContainer;
  path: string;
}
/** setData (5); reconfig (16) writes the new config into /zookeeper/config with the same record. */
export interface SetDataTxn {
  type: typeof OpCode.setData | typeof OpCode.reconfig;
  path: string;
  data: Buffer | null;
  version: number;
}
export interface CheckVersionTxn {
  type: typeof OpCode.check;
  path: string;
  version: number;
}
export interface SetACLTxn {
  type: typeof OpCode.setACL;
  path: string;
  acl: readonly ACL[];
  version: number;
}
export interface CreateSessionTxn {
  type: typeof OpCode.createSession;
  timeOut: number;
}
/** paths2Delete is null for a closeSession logged without a body (before ZooKeeper 3.6). */
export interface CloseSessionTxn {
  type: typeof OpCode.closeSession;
  paths2Delete: string[] | null;
}
export interface ErrorTxn {
  type: typeof OpCode.error;
  err: number;
}
/** Each sub-txn travels as Txn {int type, buffer data}; here they are decoded. */
export interface MultiTxn {
  type: typeof OpCode.multi;
  txns: SubTxn[];
}

export type SubTxn = CreateTxn | CreateContainerTxn | CreateTTLTxn | DeleteTxn | SetDataTxn | CheckVersionTxn | ErrorTxn;
export type Txn = SubTxn | SetACLTxn | CreateSessionTxn | CloseSessionTxn | MultiTxn;

/** ZooKeeper 3.6+ may append TxnDigest {int version, long treeDigest} to a log entry; we read it and never write it. */
export interface TxnDigest {
  version: number;
  treeDigest: bigint;
}

export function writeTxnHeader(w: JuteWriter, h: TxnHeader): void {
  w.writeLong(h.clientId).writeInt(h.cxid).writeLong(h.zxid).writeLong(h.time).writeInt(h.type);
}

export function readTxnHeader(r: JuteReader): TxnHeader {
  return { clientId: r.readLong(), cxid: r.readInt(), zxid: r.readLong(), time: r.readLong(), type: r.readInt() };
}

const writeAcl = (w: JuteWriter, acl: readonly ACL[]) => w.writeVector(acl, (x, a) => ACLCodec.write(x, a));
const readAcl = (r: JuteReader) => r.readVector((x) => ACLCodec.read(x));

/** The jute record of a txn, without its header. */
export function writeTxnRecord(w: JuteWriter, txn: Txn): void {
  switch (txn.type) {
    case OpCode.create:
    case OpCode.create2:
      w.writeString(txn.path).writeBuffer(txn.data);
      writeAcl(w, txn.acl);
      w.writeBool(txn.ephemeral).writeInt(txn.parentCVersion);
      return;
    case OpCode.createContainer:
      w.writeString(txn.path).writeBuffer(txn.data);
      writeAcl(w, txn.acl);
      w.writeInt(txn.parentCVersion);
      return;
    case OpCode.createTTL:
      w.writeString(txn.path).writeBuffer(txn.data);
      writeAcl(w, txn.acl);
      w.writeInt(txn.parentCVersion).writeLong(txn.ttl);
      return;
    case OpCode.delete:
    case OpCode.deleteContainer:
      w.writeString(txn.path);
      return;
    case OpCode.setData:
    case OpCode.reconfig:
      w.writeString(txn.path).writeBuffer(txn.data).writeInt(txn.version);
      return;
    case OpCode.check:
      w.writeString(txn.path).writeInt(txn.version);
      return;
    case OpCode.setACL:
      w.writeString(txn.path);
      writeAcl(w, txn.acl);
      w.writeInt(txn.version);
      return;
    case OpCode.createSession:
      w.writeInt(txn.timeOut);
      return;
    case OpCode.closeSession:
      // No body, as ZooKeeper before 3.6 logged it, so that null reads back as null.
      if (txn.paths2Delete !== null) w.writeStringVector(txn.paths2Delete);
      return;
    case OpCode.error:
      w.writeInt(txn.err);
      return;
    case OpCode.multi:
      w.writeVector(txn.txns, (x, sub) => {
        const body = new JuteWriter();
        writeTxnRecord(body, sub);
        x.writeInt(sub.type).writeBuffer(body.toBuffer());
      });
      return;
  }
}

/** Reads the record of a txn of the given type (the header's type, or a multi's sub-txn type). */
export function readTxnRecord(r: JuteReader, type: number): Txn {
  switch (type) {
    case OpCode.create:
    case OpCode.create2: {
      const path = r.readString();
      const data = r.readBuffer();
      const acl = readAcl(r);
      const ephemeral = r.readBool();
      // CreateTxnV0 has no parentCVersion; ZooKeeper reads it as -1 and fixes it up when applying.
      const parentCVersion = type === OpCode.create && r.remaining === 0 ? -1 : r.readInt();
      return { type, path, data, acl, ephemeral, parentCVersion };
    }
    case OpCode.createContainer:
      return { type, path: r.readString(), data: r.readBuffer(), acl: readAcl(r), parentCVersion: r.readInt() };
    case OpCode.createTTL:
      return {
        type,
        path: r.readString(),
        data: r.readBuffer(),
        acl: readAcl(r),
        parentCVersion: r.readInt(),
        ttl: r.readLong(),
      };
    case OpCode.delete:
    case OpCode.deleteContainer:
      return { type, path: r.readString() };
    case OpCode.setData:
    case OpCode.reconfig:
      return { type, path: r.readString(), data: r.readBuffer(), version: r.readInt() };
    case OpCode.check:
      return { type, path: r.readString(), version: r.readInt() };
    case OpCode.setACL:
      return { type, path: r.readString(), acl: readAcl(r), version: r.readInt() };
    case OpCode.createSession:
      return { type, timeOut: r.readInt() };
    case OpCode.closeSession:
      return { type, paths2Delete: readPaths2Delete(r) };
    case OpCode.error:
      return { type, err: r.readInt() };
    case OpCode.multi:
      return { type, txns: r.readVector(readSubTxn) };
    default:
      throw new JuteError(`unsupported txn type ${type}`);
  }
}

/**
 * A closeSession body is optional (absent before 3.6 or with closeSessionTxn disabled), and ZooKeeper may follow it
 * with a 12-byte TxnDigest {int version 2, long digest}. Twelve bytes are a path list only as {count 1, one 4-byte
 * path}; any other count there is the digest's version, and the digest alone follows the header (it is skipped).
 */
function readPaths2Delete(r: JuteReader): string[] | null {
  if (r.remaining === 0) return null;
  if (r.remaining !== txnDigestBytes) return r.readStringVector();
  const count = r.readInt();
  if (count === 1) return [r.readString()];
  r.readLong();
  return null;
}

const txnDigestBytes = 12;

const subTxnTypes: ReadonlySet<number> = new Set([
  OpCode.create,
  OpCode.create2,
  OpCode.createContainer,
  OpCode.createTTL,
  OpCode.delete,
  OpCode.deleteContainer,
  OpCode.setData,
  OpCode.check,
  OpCode.error,
]);

function readSubTxn(r: JuteReader): SubTxn {
  const type = r.readInt();
  const body = r.readBuffer() ?? Buffer.alloc(0);
  if (!subTxnTypes.has(type)) throw new JuteError(`invalid type of op in multi txn: ${type}`);
  return readTxnRecord(new JuteReader(body), type) as SubTxn;
}

/** The log-entry payload: TxnHeader then the txn record (the zxid sits at offset 12). */
export function encodeTxnEntry(header: TxnHeader, txn: Txn): Buffer {
  if (header.type !== txn.type) throw new Error(`txn type ${txn.type} does not match header type ${header.type}`);
  const w = new JuteWriter(64);
  writeTxnHeader(w, header);
  writeTxnRecord(w, txn);
  return w.toBuffer();
}

export interface TxnEntry {
  header: TxnHeader;
  txn: Txn;
  digest?: TxnDigest;
}

/** Reads a payload written by encodeTxnEntry or by Apache ZooKeeper (with or without its trailing TxnDigest). */
export function decodeTxnEntry(bytes: Buffer): TxnEntry {
  const r = new JuteReader(bytes);
  const header = readTxnHeader(r);
  const txn = readTxnRecord(r, header.type);
  if (r.remaining >= txnDigestBytes) return { header, txn, digest: { version: r.readInt(), treeDigest: r.readLong() } };
  return { header, txn };
}

// Test harness for request preparation: a real DataTree, a RequestPreparer over it, and short request builders.
import { DataTree } from '../../../node-core/tree/dataTree.js';
import { applyTxn, type ApplyResult } from '../../../node-core/txn/applyTxn.js';
import { RequestPreparer, type PreparedTxn, type PreparerOptions, type WriteRequest } from '../../../node-core/txn/prepRequest.js';
import { OpCode } from '../../../node-core/protocol/opCodes.js';
import type { MultiOp } from '../../../node-core/protocol/multiOps.js';
import type { ACL, Id } from '../../../node-core/protocol/records.js';

export const openAcl: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
export const session = 0x1000n;
export const anonymous: Id[] = [{ scheme: 'ip', id: '127.0.0.1' }];

export interface CreateOptions {
  flags?: number;
  acl?: ACL[];
  data?: Buffer | null;
  type?: number;
  ttl?: bigint;
  sessionId?: bigint;
  authInfo?: Id[];
}

export function createReq(path: string, o: CreateOptions = {}): WriteRequest {
  return {
    sessionId: o.sessionId ?? session,
    cxid: 1,
    type: o.type ?? OpCode.create,
    body: { path, data: o.data === undefined ? Buffer.from('x') : o.data, acl: o.acl ?? openAcl, flags: o.flags ?? 0, ttl: o.ttl },
    authInfo: o.authInfo ?? anonymous,
  };
}

export function deleteReq(path: string, version = -1, authInfo: Id[] = anonymous): WriteRequest {
  return { sessionId: session, cxid: 2, type: OpCode.delete, body: { path, version }, authInfo };
}

export function setDataReq(path: string, version = -1, authInfo: Id[] = anonymous): WriteRequest {
  return { sessionId: session, cxid: 3, type: OpCode.setData, body: { path, data: Buffer.from('new'), version }, authInfo };
}

export function setAclReq(path: string, acl: ACL[], version = -1, authInfo: Id[] = anonymous): WriteRequest {
  return { sessionId: session, cxid: 4, type: OpCode.setACL, body: { path, acl, version }, authInfo };
}

export function checkReq(path: string, version: number): WriteRequest {
  return { sessionId: session, cxid: 5, type: OpCode.check, body: { path, version }, authInfo: anonymous };
}

export function multiReq(ops: MultiOp[], authInfo: Id[] = anonymous): WriteRequest {
  return { sessionId: session, cxid: 6, type: OpCode.multi, body: ops, authInfo };
}

export function closeReq(sessionId = session): WriteRequest {
  return { sessionId, cxid: 7, type: OpCode.closeSession, body: null, authInfo: anonymous };
}

export function harness(options: Partial<PreparerOptions> = {}) {
  const tree = new DataTree();
  const preparer = new RequestPreparer(tree, { extendedTypesEnabled: true, ...options });
  let zxid = 0n;
  const prepare = (request: WriteRequest): PreparedTxn => {
    zxid++;
    return preparer.prepare(request, zxid, 1_000_000n + zxid);
  };
  const apply = (prepared: PreparedTxn): ApplyResult => {
    const result = applyTxn(tree, prepared.header, prepared.txn);
    preparer.applied(prepared.header.zxid);
    return result;
  };
  /** Prepares and applies at once, as an idle server does; returns the error code of the prep step. */
  const run = (request: WriteRequest): { prepared: PreparedTxn; applied: ApplyResult; err: number } => {
    const prepared = prepare(request);
    const applied = apply(prepared);
    return { prepared, applied, err: errOf(prepared) };
  };
  return { tree, preparer, prepare, apply, run, get zxid() { return zxid; } };
}

/** The error a prepared txn carries (0 for a txn that will apply). */
export function errOf(prepared: PreparedTxn): number {
  return prepared.txn.type === OpCode.error ? prepared.txn.err : 0;
}

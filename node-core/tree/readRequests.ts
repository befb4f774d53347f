// Answers the read requests against the tree with ZooKeeper 3.8's FinalRequestProcessor rules: which reads check
// which permission, what a missing node returns, and which watch the request leaves behind for the server to set.
import { ErrorCode } from '../protocol/errorCodes.js';
import { OpCode } from '../protocol/opCodes.js';
import { Perms } from '../protocol/constants.js';
import type { MultiOp, MultiResult } from '../protocol/multiOps.js';
import type {
  GetACLResponse,
  GetAllChildrenNumberResponse,
  GetChildren2Response,
  GetChildrenResponse,
  GetDataResponse,
  GetEphemeralsRequest,
  GetEphemeralsResponse,
  Id,
  PathRequest,
  PathWatchRequest,
  StatResponse,
  WhoAmIResponse,
} from '../protocol/records.js';
import { checkAcl, clientInfos, maskDigestIds } from './acl.js';
import type { DataNode, DataTree } from './dataTree.js';

export interface ReadContext {
  sessionId: bigint;
  authInfo: readonly Id[];
  /** zookeeper.skipACL */
  skipAcl?: boolean;
}

export type ReadBody = PathWatchRequest | PathRequest | GetEphemeralsRequest | MultiOp[] | null;

export interface MultiReadResponse {
  results: MultiResult[];
}

export type ReadResponse =
  | StatResponse
  | GetDataResponse
  | GetChildrenResponse
  | GetChildren2Response
  | GetACLResponse
  | GetAllChildrenNumberResponse
  | GetEphemeralsResponse
  | WhoAmIResponse
  | MultiReadResponse;

/**
 * A watch the read leaves behind. `exist` is an exists watch on a missing node (ZooKeeper keeps it with the data
 * watches; it fires NodeCreated); `data` fires on change or delete; `child` on children changes.
 */
export interface ReadWatch {
  path: string;
  kind: 'data' | 'exist' | 'child';
}

export interface ReadResult {
  err: number;
  /** Present only when err is 0. */
  response?: ReadResponse;
  watch?: ReadWatch;
}

class ReadFailure {
  constructor(readonly code: number) {}
}

function fail(code: number): never {
  throw new ReadFailure(code);
}

function readableNode(tree: DataTree, path: string, perm: number, context: ReadContext): DataNode {
  const node = tree.getNode(path) ?? fail(ErrorCode.noNode);
  if (!checkAcl(node.acl, perm, context.authInfo, context.skipAcl === true)) fail(ErrorCode.noAuth);
  return node;
}

// Java's HashSet order is arbitrary, so clients cannot rely on it; sorting (by UTF-16 units, as String.compareTo)
// makes Paddock's answers reproducible.
function sortedChildren(node: DataNode): string[] {
  return Array.from(node.children).sort();
}

/** Java's String.trim: strips every character up to U+0020 at both ends. */
function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

function exists(tree: DataTree, request: PathWatchRequest): ReadResult {
  if (request.path.includes('\0')) return { err: ErrorCode.badArguments };
  const node = tree.getNode(request.path);
  // ZooKeeper registers the watch before it looks the node up, so a missing node still gets one
  if (node === undefined) {
    return request.watch ? { err: ErrorCode.noNode, watch: { path: request.path, kind: 'exist' } } : { err: ErrorCode.noNode };
  }
  const result: ReadResult = { err: ErrorCode.ok, response: { stat: tree.statOf(node) } };
  if (request.watch) result.watch = { path: request.path, kind: 'data' };
  return result;
}

function getData(tree: DataTree, request: PathWatchRequest, context: ReadContext): ReadResult {
  const node = readableNode(tree, request.path, Perms.read, context);
  const result: ReadResult = { err: ErrorCode.ok, response: { data: node.data, stat: tree.statOf(node) } };
  if (request.watch) result.watch = { path: request.path, kind: 'data' };
  return result;
}

function getChildren(tree: DataTree, request: PathWatchRequest, context: ReadContext, withStat: boolean): ReadResult {
  const node = readableNode(tree, request.path, Perms.read, context);
  const children = sortedChildren(node);
  const response = withStat ? { children, stat: tree.statOf(node) } : { children };
  const result: ReadResult = { err: ErrorCode.ok, response };
  if (request.watch) result.watch = { path: request.path, kind: 'child' };
  return result;
}

function getAcl(tree: DataTree, request: PathRequest, context: ReadContext): ReadResult {
  // READ or ADMIN lets a client see the ACL; without ADMIN the digest hashes are hidden
  const node = readableNode(tree, request.path, Perms.read | Perms.admin, context);
  const admin = checkAcl(node.acl, Perms.admin, context.authInfo, context.skipAcl === true);
  const acl = admin ? node.acl.map((a) => ({ perms: a.perms, id: { ...a.id } })) : maskDigestIds(node.acl);
  return { err: ErrorCode.ok, response: { acl, stat: tree.statOf(node) } };
}

function getEphemerals(tree: DataTree, request: GetEphemeralsRequest, context: ReadContext): ReadResult {
  const all = Array.from(tree.ephemeralsOf(context.sessionId));
  const prefix = request.prefixPath;
  const trimmed = javaTrim(prefix);
  const ephemerals = trimmed === '' || trimmed === '/' ? all : all.filter((p) => p.startsWith(prefix));
  return { err: ErrorCode.ok, response: { ephemerals: ephemerals.sort() } };
}

/** multiRead: each op answers on its own; watches are never set (ZooKeeper drops the flag when decoding). */
function multiRead(tree: DataTree, ops: readonly MultiOp[], context: ReadContext): ReadResult {
  if (ops.some((op) => op.type !== OpCode.getData && op.type !== OpCode.getChildren)) {
    return { err: ErrorCode.marshallingError };
  }
  const results = ops.map((op): MultiResult => {
    try {
      const node = readableNode(tree, op.request.path, Perms.read, context);
      return op.type === OpCode.getData
        ? { type: OpCode.getData, data: node.data, stat: tree.statOf(node) }
        : { type: OpCode.getChildren, children: sortedChildren(node) };
    } catch (error) {
      if (error instanceof ReadFailure) return { type: OpCode.error, err: error.code };
      throw error;
    }
  });
  return { err: ErrorCode.ok, response: { results } };
}

/**
 * Answers one read request. `body` is the decoded request record (null when it could not be decoded, which is a
 * MarshallingError). Reads see the applied tree only, never writes still in the pipeline, as in ZooKeeper.
 */
export function processRead(tree: DataTree, type: number, body: ReadBody, context: ReadContext): ReadResult {
  if (body === null && type !== OpCode.whoAmI) return { err: ErrorCode.marshallingError };
  try {
    switch (type) {
      case OpCode.exists:
        return exists(tree, body as PathWatchRequest);
      case OpCode.getData:
        return getData(tree, body as PathWatchRequest, context);
      case OpCode.getChildren:
        return getChildren(tree, body as PathWatchRequest, context, false);
      case OpCode.getChildren2:
        return getChildren(tree, body as PathWatchRequest, context, true);
      case OpCode.getACL:
        return getAcl(tree, body as PathRequest, context);
      case OpCode.getAllChildrenNumber: {
        const path = (body as PathRequest).path;
        readableNode(tree, path, Perms.read, context);
        return { err: ErrorCode.ok, response: { totalNumber: tree.allChildrenCount(path) } };
      }
      case OpCode.getEphemerals:
        return getEphemerals(tree, body as GetEphemeralsRequest, context);
      case OpCode.multiRead:
        return multiRead(tree, body as MultiOp[], context);
      case OpCode.whoAmI:
        return { err: ErrorCode.ok, response: { clientInfo: clientInfos(context.authInfo) } };
      default:
        throw new Error(`request type ${type} is not a read`);
    }
  } catch (error) {
    if (error instanceof ReadFailure) return { err: error.code };
    throw error;
  }
}

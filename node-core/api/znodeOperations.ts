// Single-node operations of the API over one ZkClient: paged children with stats, get/set with conflict details,
// create in every mode, ACLs and multi, each answering in the contract's JSON shapes.
import { MultiError, listChildrenPage, type TransactionOp, type ZkClient } from '../client/index.js';
import { ErrorCode, KeeperError, OpCode, type MultiResult } from '../protocol/index.js';
import { ApiFailure, keeperApiError } from './apiError.js';
import {
  createModeValue,
  decodeBase64,
  fromApiAcl,
  joinPath,
  parentOf,
  requestConcurrency,
  toApiAcl,
  toApiStat,
  toZnodeData,
} from './apiValues.js';
import type {
  ApiAcl,
  ApiError,
  ApiParams,
  ApiStat,
  ChildEntry,
  ListChildrenResult,
  MultiOpInput,
  MultiOpResult,
  ZnodeData,
} from './contract.js';
import { openAclUnsafe } from '../client/index.js';
import { refuseOversizedData } from './requestSize.js';

const defaultPageSize = 1000;

export async function listChildren(client: ZkClient, path: string, offset = 0, limit = defaultPageSize): Promise<ListChildrenResult> {
  const page = await listChildrenPage(client, path, { offset, limit, concurrency: requestConcurrency });
  const children: ChildEntry[] = page.children.map((c) => ({ name: c.name, path: c.path, stat: toApiStat(c.stat) }));
  return { path, total: page.total, offset, children, stat: toApiStat(page.stat) };
}

export async function getNode(client: ZkClient, path: string): Promise<ZnodeData> {
  const { data, stat } = await client.getData(path);
  return toZnodeData(path, data, stat);
}

/** A BadVersion failure carrying what the node holds now, so the user can compare before retrying. */
async function conflictFailure(client: ZkClient, path: string, withAcl: boolean): Promise<ApiFailure> {
  const error = keeperApiError(ErrorCode.badVersion, path);
  try {
    const current = await getNode(client, path);
    const currentAcl = withAcl ? toApiAcl((await client.getACL(path)).acl) : undefined;
    return new ApiFailure({ ...error, conflict: { current, ...(currentAcl !== undefined ? { currentAcl } : {}) } });
  } catch (err) {
    // Deleted in the meantime: the plain NoNode says more than a conflict without a current side would.
    if (err instanceof KeeperError) return new ApiFailure(keeperApiError(err.code, path));
    throw err;
  }
}

export async function setNode(client: ZkClient, path: string, data: string, expectedVersion = -1): Promise<{ stat: ApiStat }> {
  const bytes = decodeBase64(data);
  refuseOversizedData(path, bytes?.length ?? 0);
  try {
    return { stat: toApiStat(await client.setData(path, bytes, expectedVersion)) };
  } catch (err) {
    if (err instanceof KeeperError && err.code === ErrorCode.badVersion) throw await conflictFailure(client, path, false);
    throw err;
  }
}

export async function createNode(client: ZkClient, params: ApiParams<'znode.create'>): Promise<{ path: string; stat: ApiStat }> {
  const data = decodeBase64(params.data);
  refuseOversizedData(params.path, data?.length ?? 0);
  if (params.createParents === true) await createAncestors(client, params.path);
  try {
    const created = await client.createWithStat(params.path, data, {
      mode: createModeValue(params.mode),
      acl: params.acl === undefined ? openAclUnsafe : fromApiAcl(params.acl),
      ...(params.ttlMs !== undefined ? { ttl: params.ttlMs } : {}),
    });
    return { path: created.path, stat: toApiStat(created.stat) };
  } catch (err) {
    throw createFailure(err, params);
  }
}

/** A create's NoNode is about the parent and its Unimplemented about TTL support: say so, not "/a/b does not exist". */
function createFailure(err: unknown, params: ApiParams<'znode.create'>): unknown {
  if (!(err instanceof KeeperError)) return err;
  const parent = parentOf(params.path);
  if (err.code === ErrorCode.noNode) {
    return new ApiFailure({
      ...keeperApiError(err.code, params.path),
      message: `Cannot create ${params.path}: its parent ${parent} does not exist. Create ${parent} first, or tick "Create missing parents".`,
    });
  }
  const isTtl = params.mode === 'persistentWithTtl' || params.mode === 'persistentSequentialWithTtl';
  if (isTtl && (err.code === ErrorCode.unimplemented || err.code === ErrorCode.badArguments)) {
    return new ApiFailure({
      ...keeperApiError(err.code, params.path),
      message:
        `Cannot create ${params.path} with a TTL: the server does not accept TTL nodes. They need ` +
        'zookeeper.extendedTypesEnabled=true on every server (ZooKeeper 3.5.3 or newer).',
    });
  }
  return err;
}

async function createAncestors(client: ZkClient, path: string): Promise<void> {
  const missing: string[] = [];
  for (let p = parentOf(path); p !== '/'; p = parentOf(p)) {
    if ((await client.exists(p)) !== null) break;
    missing.unshift(p);
  }
  for (const p of missing) {
    try {
      await client.create(p);
    } catch (err) {
      // Someone else made it first: that is what we wanted.
      if (!(err instanceof KeeperError && err.code === ErrorCode.nodeExists)) throw err;
    }
  }
}

export async function getAcl(client: ZkClient, path: string): Promise<{ acl: ApiAcl[]; stat: ApiStat }> {
  const { acl, stat } = await client.getACL(path);
  return { acl: toApiAcl(acl), stat: toApiStat(stat) };
}

export async function setAcl(client: ZkClient, path: string, acl: ApiAcl[], expectedVersion = -1): Promise<{ stat: ApiStat }> {
  try {
    return { stat: toApiStat(await client.setACL(path, fromApiAcl(acl), expectedVersion)) };
  } catch (err) {
    if (err instanceof KeeperError && err.code === ErrorCode.badVersion) throw await conflictFailure(client, path, true);
    throw err;
  }
}

export function toTransactionOp(op: MultiOpInput): TransactionOp {
  switch (op.op) {
    case 'create':
      return {
        op: 'create',
        path: op.path,
        data: decodeBase64(op.data),
        mode: createModeValue(op.mode),
        acl: op.acl === undefined ? openAclUnsafe : fromApiAcl(op.acl),
        ...(op.ttlMs !== undefined ? { ttl: op.ttlMs } : {}),
      };
    case 'delete':
      return { op: 'delete', path: op.path, version: op.version ?? -1 };
    case 'set':
      return { op: 'setData', path: op.path, data: decodeBase64(op.data), version: op.version ?? -1 };
    case 'check':
      return { op: 'check', path: op.path, version: op.version };
  }
}

const rolledBack: ApiError = {
  code: ErrorCode.runtimeInconsistency,
  name: 'RolledBack',
  message: 'Not applied because another operation of the transaction failed.',
};

function toMultiOpResult(op: MultiOpInput, result: MultiResult | undefined): MultiOpResult {
  if (result === undefined) return { op: op.op, ok: false, error: rolledBack };
  switch (result.type) {
    case OpCode.create:
      return { op: 'create', ok: true, path: result.path };
    case OpCode.create2:
      return { op: 'create', ok: true, path: result.path, stat: toApiStat(result.stat) };
    case OpCode.setData:
      return { op: 'set', ok: true, stat: toApiStat(result.stat) };
    case OpCode.delete:
      return { op: 'delete', ok: true };
    case OpCode.check:
      return { op: 'check', ok: true };
    case OpCode.error:
      if (result.err === ErrorCode.ok || result.err === ErrorCode.runtimeInconsistency) return { op: op.op, ok: false, error: rolledBack };
      return { op: op.op, ok: false, error: keeperApiError(result.err, op.path) };
    default:
      return { op: op.op, ok: false, error: rolledBack };
  }
}

export async function runMulti(client: ZkClient, ops: MultiOpInput[]): Promise<{ results: MultiOpResult[] }> {
  try {
    const results = await client.multi(ops.map(toTransactionOp));
    return { results: ops.map((op, i) => toMultiOpResult(op, results[i])) };
  } catch (err) {
    if (err instanceof MultiError) {
      const multiResults = ops.map((op, i) => toMultiOpResult(op, err.results[i]));
      throw new ApiFailure({ ...keeperApiError(err.code, err.path), multiResults });
    }
    throw err;
  }
}

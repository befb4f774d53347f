// Operations on whole subtrees: delete preview and recursive delete, copy and move, export to JSON and import from
// it, and search. Writes go in one multi transaction when they fit, otherwise in ordered batches (and say so).
import { MultiError, openAclUnsafe, type TransactionOp, type ZkClient } from '../client/index.js';
import { ErrorCode, KeeperError, type ACL } from '../protocol/index.js';
import { ApiFailure, apiFailure, keeperApiError } from './apiError.js';
import { decodeBase64, fromApiAcl, joinPath, mapBounded, requestConcurrency, toApiAcl, toApiStat } from './apiValues.js';
import {
  type ApiAcl,
  type DeletePreview,
  type ImportPolicy,
  type ImportResult,
  type SearchMatch,
  type SearchQuery,
  type SearchResult,
  type SubtreeNode,
  type SubtreeSnapshot,
} from './contract.js';
import { subtreeNodeSchema } from './contractSchema.js';
import { validate } from './schema.js';
import { walkSubtree, type WalkedNode } from './subtreeWalk.js';

export const defaultSubtreeMax = 10_000;
// Comfortably under the server's 1 MiB jute.maxbuffer once headers and ACLs are added.
const batchBytes = 512 * 1024;
const batchOps = 1000;

function opBytes(op: TransactionOp): number {
  const data = op.op === 'create' || op.op === 'setData' ? (op.data?.length ?? 0) : 0;
  const acl = op.op === 'create' ? (op.acl ?? []).reduce((n, a) => n + a.id.scheme.length + a.id.id.length + 12, 0) : 0;
  return Buffer.byteLength(op.path) + data + acl + 32;
}

export function splitIntoBatches(ops: readonly TransactionOp[]): TransactionOp[][] {
  const batches: TransactionOp[][] = [];
  let current: TransactionOp[] = [];
  let size = 0;
  for (const op of ops) {
    const cost = opBytes(op);
    if (current.length > 0 && (current.length >= batchOps || size + cost > batchBytes)) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(op);
    size += cost;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Runs ops in order: one transaction when they fit, else several. Returns how many transactions ran. */
async function commitInBatches(client: ZkClient, ops: readonly TransactionOp[]): Promise<number> {
  const batches = splitIntoBatches(ops);
  for (const batch of batches) {
    try {
      await client.multi(batch);
    } catch (err) {
      if (err instanceof MultiError) throw new ApiFailure(keeperApiError(err.code, err.path));
      throw err;
    }
  }
  return batches.length;
}

export function refuseProtectedRoot(path: string, what: string): void {
  if (path === '/' || path === '/zookeeper') {
    throw new ApiFailure({ ...keeperApiError(ErrorCode.badArguments, path), message: `${path} cannot be ${what}: ZooKeeper itself needs it.` });
  }
}

async function walkExisting(client: ZkClient, path: string, max: number) {
  const walk = await walkSubtree(client, path, max);
  if (walk.nodes.length === 0) throw new KeeperError(ErrorCode.noNode, path);
  return walk;
}

/** Counts every node under path (3.6+ getAllChildrenNumber), or undefined on servers without it. */
async function descendantCount(client: ZkClient, path: string): Promise<number | undefined> {
  try {
    return await client.getAllChildrenNumber(path);
  } catch (err) {
    if (err instanceof KeeperError && err.code !== ErrorCode.noNode) return undefined;
    throw err;
  }
}

export async function previewDelete(client: ZkClient, path: string, max = defaultSubtreeMax): Promise<DeletePreview> {
  const walk = await walkExisting(client, path, max);
  const count = walk.complete ? walk.nodes.length : ((await descendantCount(client, path)) ?? walk.nodes.length - 1) + 1;
  const deepestFirst = [...walk.nodes].reverse();
  return {
    path,
    count,
    paths: deepestFirst.map((n) => n.path),
    truncated: !walk.complete,
    ephemeralCount: walk.nodes.filter((n) => toApiStat(n.stat).nodeType === 'ephemeral').length,
    dataBytes: walk.nodes.reduce((sum, n) => sum + n.stat.dataLength, 0),
    exceedsMax: !walk.complete,
    max,
  };
}

function tooMany(path: string, max: number, what: string): ApiFailure {
  return apiFailure('tooManyNodes', `${path} has more than ${max} nodes; raise the limit to ${what} it.`, { path });
}

export async function deleteNode(
  client: ZkClient,
  path: string,
  options: { recursive?: boolean; expectedVersion?: number; max?: number },
): Promise<{ deleted: number }> {
  refuseProtectedRoot(path, 'deleted');
  if (options.recursive !== true) {
    await client.delete(path, options.expectedVersion ?? -1);
    return { deleted: 1 };
  }
  const max = options.max ?? defaultSubtreeMax;
  const walk = await walkExisting(client, path, max);
  if (!walk.complete) throw tooMany(path, max, 'delete');
  return { deleted: await deleteDeepestFirst(client, walk.nodes, path, options.expectedVersion ?? -1) };
}

/**
 * Deletes walked nodes (parents before children in `nodes`) children first, in transactions that fit; nodes someone
 * else removed meanwhile count as done. expectedVersion guards `root` only. Returns how many this call removed.
 */
export async function deleteDeepestFirst(client: ZkClient, nodes: readonly WalkedNode[], root: string, expectedVersion: number): Promise<number> {
  const deepestFirst = [...nodes].reverse();
  const ops: TransactionOp[] = deepestFirst.map((n) => ({
    op: 'delete',
    path: n.path,
    // The version check covers the root only, so "delete what I looked at" holds for the node the user chose.
    version: n.path === root ? expectedVersion : -1,
  }));
  let deleted = 0;
  for (const batch of splitIntoBatches(ops)) {
    try {
      await client.multi(batch);
      deleted += batch.length;
    } catch (err) {
      if (!(err instanceof MultiError && err.code === ErrorCode.noNode)) {
        if (err instanceof MultiError) throw new ApiFailure(keeperApiError(err.code, err.path));
        throw err;
      }
      // Someone else removed part of the batch: finish it node by node, treating gone as done.
      for (const op of batch) {
        try {
          await client.delete(op.path, op.op === 'delete' ? (op.version ?? -1) : -1);
          deleted++;
        } catch (inner) {
          if (!(inner instanceof KeeperError && inner.code === ErrorCode.noNode)) throw inner;
        }
      }
    }
  }
  return deleted;
}

interface ReadNode {
  walked: WalkedNode;
  relative: string;
  data: Buffer | null;
  acl: ACL[];
}

async function readSubtree(client: ZkClient, path: string, max: number, what: string): Promise<ReadNode[]> {
  const walk = await walkExisting(client, path, max);
  if (!walk.complete) throw tooMany(path, max, what);
  const read = await mapBounded(walk.nodes, requestConcurrency, async (walked): Promise<ReadNode | undefined> => {
    try {
      const [{ data, stat }, { acl }] = await Promise.all([client.getData(walked.path), client.getACL(walked.path)]);
      const relative = walked.path === path ? '' : walked.path.slice(path === '/' ? 1 : path.length + 1);
      return { walked: { ...walked, stat }, relative, data, acl };
    } catch (err) {
      if (err instanceof KeeperError && err.code === ErrorCode.noNode) return undefined;
      throw err;
    }
  });
  return read.filter((n): n is ReadNode => n !== undefined);
}

function targetPath(root: string, relative: string): string {
  if (relative === '') return root;
  return root === '/' ? `/${relative}` : `${root}/${relative}`;
}

/**
 * A create that recreates a node as persistent: clients cannot tell container and TTL nodes from persistent ones, and
 * an ephemeral copy would belong to the API's own session and vanish with it.
 */
function recreateOp(path: string, data: Buffer | null, acl: ACL[]): TransactionOp {
  return { op: 'create', path, data, acl, mode: 0 };
}

function copyOps(nodes: readonly ReadNode[], to: string): TransactionOp[] {
  return nodes.map((n) => recreateOp(targetPath(to, n.relative), n.data, n.acl));
}

function refuseIntoItself(from: string, to: string): void {
  if (to === from || to.startsWith(from === '/' ? '/' : `${from}/`)) {
    throw new ApiFailure({ ...keeperApiError(ErrorCode.badArguments, to), message: `Cannot copy or move ${from} into itself (${to}).` });
  }
}

export async function copySubtree(client: ZkClient, from: string, to: string, max = defaultSubtreeMax): Promise<{ copied: number; atomic: boolean }> {
  refuseIntoItself(from, to);
  const nodes = await readSubtree(client, from, max, 'copy');
  const transactions = await commitInBatches(client, copyOps(nodes, to));
  return { copied: nodes.length, atomic: transactions === 1 };
}

export async function moveSubtree(client: ZkClient, from: string, to: string, max = defaultSubtreeMax): Promise<{ moved: number; atomic: boolean }> {
  refuseProtectedRoot(from, 'moved');
  refuseIntoItself(from, to);
  const nodes = await readSubtree(client, from, max, 'move');
  // Versions pin each deleted node to the state that was copied, so a concurrent edit fails the move instead of being lost.
  const deletes: TransactionOp[] = [...nodes].reverse().map((n) => ({ op: 'delete', path: n.walked.path, version: n.walked.stat.version }));
  const transactions = await commitInBatches(client, [...copyOps(nodes, to), ...deletes]);
  return { moved: nodes.length, atomic: transactions === 1 };
}

export async function exportSubtree(client: ZkClient, path: string, max = defaultSubtreeMax, now = new Date()): Promise<SubtreeSnapshot> {
  const nodes = await readSubtree(client, path, max, 'export');
  return {
    format: 'paddock-subtree',
    version: 1,
    root: path,
    exportedAt: now.toISOString(),
    nodes: nodes.map(
      (n): SubtreeNode => ({
        path: n.relative,
        data: n.data === null ? null : n.data.toString('base64'),
        acl: toApiAcl(n.acl),
        stat: toApiStat(n.walked.stat),
      }),
    ),
  };
}

interface ImportEntry {
  relative: string;
  target: string;
  data: Buffer | null;
  acl: ApiAcl[] | undefined;
  ephemeral: boolean;
}

function wasEphemeral(stat: unknown): boolean {
  return typeof stat === 'object' && stat !== null && (stat as { nodeType?: unknown }).nodeType === 'ephemeral';
}

function importEntries(root: string, snapshot: SubtreeSnapshot): ImportEntry[] {
  const seen = new Set<string>();
  const entries: ImportEntry[] = [];
  snapshot.nodes.forEach((raw, index) => {
    const checked = validate(subtreeNodeSchema, raw, `snapshot.nodes[${index}]`);
    if (!checked.ok) throw apiFailure('invalidSnapshot', `The snapshot is not valid: ${checked.at} ${checked.problem}.`, { field: checked.at });
    const node = checked.value;
    if (seen.has(node.path)) throw apiFailure('invalidSnapshot', `The snapshot lists "${node.path}" twice.`);
    seen.add(node.path);
    entries.push({ relative: node.path, target: targetPath(root, node.path), data: decodeBase64(node.data), acl: node.acl, ephemeral: wasEphemeral(node.stat) });
  });
  // Parents before children whatever order the file used; a missing intermediate node is an error, not a guess.
  entries.sort((a, b) => depthOf(a.relative) - depthOf(b.relative) || (a.relative < b.relative ? -1 : 1));
  for (const e of entries) {
    if (e.relative === '') continue;
    const slash = e.relative.lastIndexOf('/');
    const parent = slash < 0 ? '' : e.relative.slice(0, slash);
    if (parent !== '' && !seen.has(parent)) throw apiFailure('invalidSnapshot', `The snapshot has "${e.relative}" but not its parent "${parent}".`);
  }
  return entries;
}

function depthOf(relative: string): number {
  return relative === '' ? 0 : relative.split('/').length;
}

export async function importSubtree(client: ZkClient, root: string, snapshot: SubtreeSnapshot, policy: ImportPolicy): Promise<ImportResult> {
  const entries = importEntries(root, snapshot);
  const existing = await mapBounded(entries, requestConcurrency, (e) => client.exists(e.target));
  const notes: string[] = [];
  if (policy === 'fail') {
    const clash = entries.findIndex((_, i) => existing[i] !== null);
    if (clash >= 0) {
      const path = entries[clash]!.target;
      throw new ApiFailure({ ...keeperApiError(ErrorCode.nodeExists, path), message: `${path} already exists; nothing was imported (policy "fail").` });
    }
  }
  const ops: TransactionOp[] = [];
  const aclUpdates: Array<{ path: string; acl: ACL[] }> = [];
  let created = 0;
  let overwritten = 0;
  let skipped = 0;
  let ephemerals = 0;
  entries.forEach((e, i) => {
    const acl = e.acl === undefined ? openAclUnsafe : fromApiAcl(e.acl);
    if (existing[i] === null) {
      if (e.ephemeral) ephemerals++;
      ops.push(recreateOp(e.target, e.data, acl));
      created++;
    } else if (policy === 'overwrite') {
      ops.push({ op: 'setData', path: e.target, data: e.data, version: -1 });
      if (e.acl !== undefined) aclUpdates.push({ path: e.target, acl });
      overwritten++;
    } else {
      skipped++;
    }
  });
  const transactions = ops.length === 0 ? 0 : await commitInBatches(client, ops);
  for (const update of aclUpdates) await client.setACL(update.path, update.acl, -1);
  if (transactions > 1) notes.push(`The import was too large for one transaction and ran as ${transactions} batches; a failure part-way leaves the earlier batches applied.`);
  if (aclUpdates.length > 0) notes.push(`ACLs of ${aclUpdates.length} overwritten node(s) were set after the data transaction (ZooKeeper cannot set ACLs inside one).`);
  if (ephemerals > 0) notes.push(`${ephemerals} ephemeral node(s) were created as persistent nodes.`);
  return { created, overwritten, skipped, transactions, atomic: transactions <= 1 && aclUpdates.length === 0, notes };
}

export const defaultSearchLimit = 100;
export const defaultSearchScan = 100_000;

export async function searchSubtree(
  client: ZkClient,
  path: string,
  query: SearchQuery,
  limit = defaultSearchLimit,
  maxScan = defaultSearchScan,
): Promise<SearchResult> {
  const walk = await walkExisting(client, path, maxScan);
  const nameNeedle = query.nameContains?.toLowerCase();
  const nameRegex = query.nameRegex === undefined ? undefined : new RegExp(query.nameRegex);
  const dataNeedle = query.dataContains === undefined ? undefined : Buffer.from(query.dataContains, 'utf8');
  const matches: SearchMatch[] = [];
  let truncated = !walk.complete;
  // Fetch data in bounded chunks and stop as soon as the limit is reached, rather than reading the whole tree.
  const chunk = requestConcurrency * 4;
  let start = 0;
  for (; start < walk.nodes.length && matches.length < limit; start += chunk) {
    const slice = walk.nodes.slice(start, start + chunk);
    const found = await mapBounded(slice, requestConcurrency, async (node): Promise<SearchMatch | undefined> => {
      const name = node.path === '/' ? '' : node.path.slice(node.path.lastIndexOf('/') + 1);
      const matchedOn: Array<'name' | 'data'> = [];
      const nameWanted = nameNeedle !== undefined || nameRegex !== undefined;
      if (nameWanted) {
        const nameOk = (nameNeedle === undefined || name.toLowerCase().includes(nameNeedle)) && (nameRegex === undefined || nameRegex.test(name));
        if (!nameOk) return undefined;
        matchedOn.push('name');
      }
      let stat = node.stat;
      if (dataNeedle !== undefined) {
        if (stat.dataLength < dataNeedle.length) return undefined;
        try {
          const read = await client.getData(node.path);
          if (read.data === null || !read.data.includes(dataNeedle)) return undefined;
          stat = read.stat;
        } catch (err) {
          if (err instanceof KeeperError && (err.code === ErrorCode.noNode || err.code === ErrorCode.noAuth)) return undefined;
          throw err;
        }
        matchedOn.push('data');
      }
      return { path: node.path, stat: toApiStat(stat), matchedOn };
    });
    for (const match of found) {
      if (match === undefined) continue;
      if (matches.length >= limit) {
        truncated = true;
        break;
      }
      matches.push(match);
    }
  }
  if (start < walk.nodes.length) truncated = true;
  return { matches, scanned: Math.min(start, walk.nodes.length), truncated };
}

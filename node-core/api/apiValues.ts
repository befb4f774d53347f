// Conversions between the client's records (bigints, Buffers, numeric modes) and the contract's JSON shapes.
import {
  CreateMode,
  type ACL,
  type CreateModeValue,
  hexLong,
  type Stat,
} from '../protocol/index.js';
import type { ApiAcl, ApiStat, Base64, CreateModeName, NodeType, ZnodeData } from './contract.js';
import { detectDataFormat } from './dataFormat.js';

export function nodeTypeOf(ephemeralOwner: bigint): NodeType {
  return ephemeralOwner === 0n ? 'persistent' : 'ephemeral';
}

export function toApiStat(stat: Stat): ApiStat {
  return {
    czxid: hexLong(stat.czxid),
    mzxid: hexLong(stat.mzxid),
    pzxid: hexLong(stat.pzxid),
    ctime: Number(stat.ctime),
    mtime: Number(stat.mtime),
    version: stat.version,
    cversion: stat.cversion,
    aversion: stat.aversion,
    ephemeralOwner: hexLong(stat.ephemeralOwner),
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
    nodeType: nodeTypeOf(stat.ephemeralOwner),
  };
}

export function toApiAcl(acl: readonly ACL[]): ApiAcl[] {
  return acl.map((a) => ({ perms: a.perms, scheme: a.id.scheme, id: a.id.id }));
}

export function fromApiAcl(acl: readonly ApiAcl[]): ACL[] {
  return acl.map((a) => ({ perms: a.perms, id: { scheme: a.scheme, id: a.id } }));
}

const modeValues: Record<CreateModeName, CreateModeValue> = {
  persistent: CreateMode.persistent,
  ephemeral: CreateMode.ephemeral,
  persistentSequential: CreateMode.persistentSequential,
  ephemeralSequential: CreateMode.ephemeralSequential,
  container: CreateMode.container,
  persistentWithTtl: CreateMode.persistentWithTtl,
  persistentSequentialWithTtl: CreateMode.persistentSequentialWithTtl,
};

export function createModeValue(name: CreateModeName | undefined): CreateModeValue {
  return modeValues[name ?? 'persistent'];
}

export function decodeBase64(data: Base64 | null | undefined): Buffer | null {
  return data === null || data === undefined ? null : Buffer.from(data, 'base64');
}

export function toZnodeData(path: string, data: Buffer | null, stat: Stat): ZnodeData {
  return { path, data: data === null ? null : data.toString('base64'), format: detectDataFormat(data), stat: toApiStat(stat) };
}

export function joinPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** How many requests one listing or walk keeps in flight: enough to hide latency, few enough not to flood a server. */
export const requestConcurrency = 32;

export { mapBounded } from '../client/childrenPage.js';

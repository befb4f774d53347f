// The runtime check of the contract at the process boundary: one schema for each method's params, and the check of
// an imported snapshot's node entries. The types it checks against live in contract.ts.
import type { ApiMethod, ApiParams, Empty } from './contract.js';
import { createModeNames, type ApiAcl, type Base64, type CreateModeName } from './contractShapes.js';
import { memberActions } from './clusterContract.js';
import type { SubtreeSnapshot } from './znodeContract.js';
import {
  array,
  boolean,
  integer,
  literal,
  object,
  oneOf,
  optional,
  refine,
  string,
  tagged,
  unknownValue,
  validate,
  type Schema,
  type ValidationResult,
} from './schema.js';
import { znodePathProblem } from './znodePath.js';

const maxPath = 4096;
const znodePath = refine(string({ min: 1, max: maxPath }), znodePathProblem);
const base64 = string({ max: 64 * 1024 * 1024, pattern: /^[A-Za-z0-9+/]*={0,2}$/, patternText: 'must be base64' });
const id = string({ min: 1, max: 200 });
const version = integer({ min: -1, max: 2 ** 31 - 1 });
const limit = (max: number) => integer({ min: 1, max });
const createMode = oneOf(createModeNames);
const acl = object({ perms: integer({ min: 0, max: 31 }), scheme: string({ min: 1, max: 200 }), id: string({ max: 4096 }) });
const aclList = array(acl, { min: 1, max: 1000 });
const ttlMs = integer({ min: 1, max: 0xffffffffff });
const connection = { connectionId: id };
const empty = object({}) as Schema<Empty>;

const profileInput = object({
  id: optional(id),
  name: string({ min: 1, max: 200 }),
  connectString: string({ min: 1, max: 4096 }),
  chroot: optional(refine(string({ max: maxPath }), (c) => (c === '' || c.startsWith('/') ? undefined : 'a chroot must start with "/"'))),
  auth: optional(object({ user: string({ min: 1, max: 1000 }), password: optional(string({ max: 4096 })) })),
  tls: optional(
    object({
      caFile: optional(string({ min: 1, max: 4096 })),
      certFile: optional(string({ min: 1, max: 4096 })),
      keyFile: optional(string({ min: 1, max: 4096 })),
      verifyServer: optional(boolean()),
    }),
  ),
  readOnly: optional(boolean()),
  colour: optional(string({ max: 64 })),
  sessionTimeoutMs: optional(integer({ min: 1000, max: 600_000 })),
});

const createFields = {
  path: znodePath,
  data: optional(base64),
  mode: optional(createMode),
  ttlMs: optional(ttlMs),
  acl: optional(aclList),
};
const ttlRule = (p: { mode?: CreateModeName; ttlMs?: number }) => {
  const isTtl = p.mode === 'persistentWithTtl' || p.mode === 'persistentSequentialWithTtl';
  if (isTtl && p.ttlMs === undefined) return 'ttlMs is required for the TTL create modes';
  if (!isTtl && p.ttlMs !== undefined) return 'ttlMs applies only to the TTL create modes';
  return undefined;
};

const multiOp = tagged('op', {
  create: refine(object({ op: literal('create'), ...createFields }), ttlRule),
  delete: object({ op: literal('delete'), path: znodePath, version: optional(version) }),
  set: object({ op: literal('set'), path: znodePath, data: base64, version: optional(version) }),
  check: object({ op: literal('check'), path: znodePath, version }),
});

/** The snapshot's outer shape is checked here; node entries are checked when imported (they can be many). */
const snapshot = object({
  format: literal('paddock-subtree'),
  version: literal(1),
  root: string({ max: maxPath }),
  exportedAt: string({ max: 100 }),
  nodes: array(unknownValue(), { max: 1_000_000 }),
}) as Schema<unknown> as Schema<SubtreeSnapshot>;

export const paramSchemas: { [M in ApiMethod]: Schema<ApiParams<M>> } = {
  'profiles.list': empty,
  'profiles.save': object({ profile: profileInput }),
  'profiles.delete': object({ profileId: id }),

  'connection.test': refine(object({ profileId: optional(id), profile: optional(profileInput) }), (p) =>
    (p.profileId === undefined) === (p.profile === undefined) ? 'give exactly one of profileId and profile' : undefined,
  ),
  'connection.open': object({ profileId: id }),
  'connection.close': object(connection),
  'connection.list': empty,

  'znode.list': object({ ...connection, path: znodePath, offset: optional(integer({ min: 0 })), limit: optional(limit(100_000)) }),
  'znode.get': object({ ...connection, path: znodePath }),
  'znode.set': object({ ...connection, path: znodePath, data: base64, expectedVersion: optional(version) }),
  'znode.create': refine(object({ ...connection, ...createFields, createParents: optional(boolean()) }), ttlRule),
  'znode.deletePreview': object({ ...connection, path: znodePath, max: optional(limit(1_000_000)) }),
  'znode.delete': object({
    ...connection,
    path: znodePath,
    recursive: optional(boolean()),
    expectedVersion: optional(version),
    max: optional(limit(1_000_000)),
    step: optional(boolean()),
  }),
  'znode.copy': object({ ...connection, from: znodePath, to: znodePath, max: optional(limit(1_000_000)) }),
  'znode.move': object({ ...connection, from: znodePath, to: znodePath, max: optional(limit(1_000_000)) }),
  'znode.getAcl': object({ ...connection, path: znodePath }),
  'znode.setAcl': object({ ...connection, path: znodePath, acl: aclList, expectedVersion: optional(version) }),
  'znode.multi': object({ ...connection, ops: array(multiOp, { min: 1, max: 10_000 }) }),
  'znode.export': object({ ...connection, path: znodePath, max: optional(limit(1_000_000)) }),
  'znode.import': object({ ...connection, path: znodePath, snapshot, policy: oneOf(['skip', 'overwrite', 'fail'] as const) }),
  'znode.search': refine(
    object({
      ...connection,
      path: znodePath,
      nameContains: optional(string({ min: 1, max: 1000 })),
      nameRegex: optional(
        refine(string({ min: 1, max: 1000 }), (r) => {
          try {
            new RegExp(r);
            return undefined;
          } catch {
            return 'is not a valid regular expression';
          }
        }),
      ),
      dataContains: optional(string({ min: 1, max: 10_000 })),
      limit: optional(limit(10_000)),
      maxScan: optional(limit(1_000_000)),
    }),
    (p) =>
      p.nameContains === undefined && p.nameRegex === undefined && p.dataContains === undefined
        ? 'give at least one of nameContains, nameRegex and dataContains'
        : undefined,
  ),

  'console.run': object({ ...connection, commandLine: string({ max: 1024 * 1024 }) }),

  'watch.subscribe': object({ ...connection, path: znodePath, mode: optional(oneOf(['auto', 'oneShot'] as const)) }),
  'watch.unsubscribe': object({ subscriptionId: id }),

  'server.facts': refine(
    object({ connectionId: optional(id), connectString: optional(string({ min: 1, max: 4096 })), adminPort: optional(integer({ min: 1, max: 65535 })) }),
    (p) => ((p.connectionId === undefined) === (p.connectString === undefined) ? 'give exactly one of connectionId and connectString' : undefined),
  ),

  'cluster.backends': empty,
  'cluster.create': object({
    name: optional(string({ min: 1, max: 200 })),
    nodes: integer({ min: 1, max: 9 }),
    observers: optional(integer({ min: 0, max: 9 })),
    backend: optional(string({ min: 1, max: 100 })),
  }),
  'cluster.list': empty,
  'cluster.remove': object({ clusterId: id }),
  'cluster.member': object({ clusterId: id, memberId: integer({ min: 1, max: 255 }), action: oneOf(memberActions) }),
};

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(paramSchemas, name);
}

/** The boundary check for one request's params: a typed value, or where and why it is wrong. Never throws. */
export function validateParams<M extends ApiMethod>(method: M, params: unknown): ValidationResult<ApiParams<M>> {
  return validate(paramSchemas[method] as Schema<ApiParams<M>>, params ?? {}, 'params');
}

/** Checks one node entry of an imported snapshot. */
export const subtreeNodeSchema: Schema<{ path: string; data: Base64 | null; acl?: ApiAcl[]; stat?: unknown }> = object({
  path: refine(string({ max: maxPath }), (p) => (p.startsWith('/') || p.endsWith('/') || p.includes('//') ? 'must be a relative path like "a/b"' : undefined)),
  data: optional(base64) as Schema<string | undefined>,
  acl: optional(aclList),
  stat: optional(unknownValue()),
}) as Schema<unknown> as Schema<{ path: string; data: Base64 | null; acl?: ApiAcl[]; stat?: unknown }>;

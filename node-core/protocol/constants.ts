// Enumerations of the client protocol: create modes, permissions, watch event types and session states.

export const CreateMode = {
  persistent: 0,
  ephemeral: 1,
  persistentSequential: 2,
  ephemeralSequential: 3,
  container: 4,
  persistentWithTtl: 5,
  persistentSequentialWithTtl: 6,
} as const;

export type CreateModeValue = (typeof CreateMode)[keyof typeof CreateMode];

export function isValidCreateMode(flags: number): flags is CreateModeValue {
  return Number.isInteger(flags) && flags >= 0 && flags <= 6;
}
export const isSequentialMode = (m: number) => m === 2 || m === 3 || m === 6;
export const isEphemeralMode = (m: number) => m === 1 || m === 3;
export const isTtlMode = (m: number) => m === 5 || m === 6;

export const Perms = { read: 1, write: 2, create: 4, delete: 8, admin: 16, all: 31 } as const;

export const EventType = {
  none: -1,
  nodeCreated: 1,
  nodeDeleted: 2,
  nodeDataChanged: 3,
  nodeChildrenChanged: 4,
  dataWatchRemoved: 5,
  childWatchRemoved: 6,
  persistentWatchRemoved: 7,
} as const;

export const KeeperState = {
  disconnected: 0,
  syncConnected: 3,
  authFailed: 4,
  connectedReadOnly: 5,
  saslAuthenticated: 6,
  closed: 7,
  expired: -112,
} as const;

/** AddWatch modes. */
export const AddWatchMode = { persistent: 0, persistentRecursive: 1 } as const;

/** RemoveWatches/CheckWatches watcher types. */
export const WatcherType = { children: 1, data: 2, any: 3, persistent: 4, persistentRecursive: 5 } as const;

/** ephemeralOwner markers of the extended node types (EphemeralType in ZooKeeper). */
export const containerEphemeralOwner = -0x8000000000000000n;
export const ttlEphemeralOwnerMask = -0x100000000000000n; // 0xff00000000000000 as a signed long
export const maxTtl = 0xffffffffffn; // TTL fits in the 40 low bits (with the server id bits reserved)

export function ttlEphemeralOwner(ttl: bigint): bigint {
  return ttlEphemeralOwnerMask | ttl;
}

/** The TTL (ms) carried in an ephemeralOwner, or undefined when the owner is not a TTL marker. */
export function ttlFromEphemeralOwner(owner: bigint): bigint | undefined {
  if (owner === containerEphemeralOwner) return undefined;
  if ((owner & ttlEphemeralOwnerMask) !== ttlEphemeralOwnerMask) return undefined;
  return owner & maxTtl;
}

export const protocolVersion = 0;

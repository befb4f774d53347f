// What PrepRequestProcessor reads off a request before it meets the tree: a create's flags (CreateMode.fromFlag),
// a multi's ops as ZooKeeper's MultiOperationRecord rebuilds them, and the refusal that turns into an error txn.
import { ErrorCode } from '../protocol/errorCodes.js';
import { OpCode } from '../protocol/opCodes.js';
import type { MultiOp } from '../protocol/multiOps.js';
import type { CreateRequest, PathVersionRequest, SetDataRequest } from '../protocol/records.js';

/** A refusal: the KeeperException code ZooKeeper would throw at this point. */
export class Refusal {
  constructor(readonly code: number) {}
}

export function refuse(code: number): never {
  throw new Refusal(code);
}

// ZooKeeper's CreateMode.fromFlag plus the opcode the multi decoder gives such a create (Op.Create#getOpcode).
const modes = {
  0: { sequential: false, ephemeral: false, container: false, ttl: false },
  1: { sequential: false, ephemeral: true, container: false, ttl: false },
  2: { sequential: true, ephemeral: false, container: false, ttl: false },
  3: { sequential: true, ephemeral: true, container: false, ttl: false },
  4: { sequential: false, ephemeral: false, container: true, ttl: false },
  5: { sequential: false, ephemeral: false, container: false, ttl: true },
  6: { sequential: true, ephemeral: false, container: false, ttl: true },
} as const;
export type Mode = (typeof modes)[keyof typeof modes];

export function modeOf(flags: number): Mode | undefined {
  return (modes as Record<number, Mode | undefined>)[flags];
}

export type NormalizedOp =
  | { type: typeof OpCode.create | typeof OpCode.createContainer | typeof OpCode.createTTL; request: CreateRequest }
  | { type: typeof OpCode.delete | typeof OpCode.check; request: PathVersionRequest }
  | { type: typeof OpCode.setData; request: SetDataRequest };

/**
 * ZooKeeper's MultiOperationRecord rebuilds each create from its flags: a create, create2 or createContainer op
 * becomes createContainer for container flags and create otherwise; a createTTL op stays createTTL only with TTL
 * flags (else it becomes a plain create and its ttl is dropped). A TTL flag on a non-TTL create op cannot be
 * prepared (ZooKeeper fails on a cast) and read ops cannot be mixed into a multi: both are MarshallingError.
 */
export function normalizeMultiOp(op: MultiOp): NormalizedOp {
  switch (op.type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL: {
      const mode = modeOf(op.request.flags);
      if (op.type === OpCode.createTTL && mode?.ttl) return { type: OpCode.createTTL, request: op.request };
      if (mode?.ttl) refuse(ErrorCode.marshallingError);
      const request: CreateRequest = { path: op.request.path, data: op.request.data, acl: op.request.acl, flags: op.request.flags };
      return { type: mode?.container ? OpCode.createContainer : OpCode.create, request };
    }
    case OpCode.delete:
    case OpCode.check:
    case OpCode.setData:
      return op;
    default:
      return refuse(ErrorCode.marshallingError);
  }
}

// A multi (transaction) and its parts: the ops a multi takes, the builder that collects them, and the error a failed
// multi raises with every op's outcome.
import { KeeperError, type ACL, type CreateModeValue, type MultiResult } from '../protocol/index.js';

export type Data = Buffer | string | null | undefined;

export interface CreateOptions {
  mode?: CreateModeValue;
  acl?: ACL[];
  /** Milliseconds; only for the TTL modes. */
  ttl?: number | bigint;
}

/** An operation of a multi (transaction). */
export type TransactionOp =
  | ({ op: 'create'; path: string; data?: Data } & CreateOptions)
  | { op: 'delete'; path: string; version?: number }
  | { op: 'setData'; path: string; data: Data; version?: number }
  | { op: 'check'; path: string; version: number };

export type ReadOp = { op: 'getData'; path: string } | { op: 'getChildren'; path: string };

/** A multi failed: `code` and `path` are the first failing op's; `results` has every op's outcome. */
export class MultiError extends KeeperError {
  constructor(
    code: number,
    path: string | undefined,
    readonly results: MultiResult[],
  ) {
    super(code, path);
    this.name = 'MultiError';
  }
}

export class TransactionBuilder {
  private readonly ops: TransactionOp[] = [];

  constructor(private readonly client: { multi(ops: readonly TransactionOp[]): Promise<MultiResult[]> }) {}

  create(path: string, data?: Data, options: CreateOptions = {}): this {
    this.ops.push({ op: 'create', path, data, ...options });
    return this;
  }
  delete(path: string, version = -1): this {
    this.ops.push({ op: 'delete', path, version });
    return this;
  }
  setData(path: string, data: Data, version = -1): this {
    this.ops.push({ op: 'setData', path, data, version });
    return this;
  }
  check(path: string, version: number): this {
    this.ops.push({ op: 'check', path, version });
    return this;
  }
  commit(): Promise<MultiResult[]> {
    return this.client.multi(this.ops);
  }
}

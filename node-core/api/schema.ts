// Small hand-written schema checkers for values that cross the process boundary (JSON from a WebSocket or IPC peer):
// each schema turns `unknown` into a typed value or reports where and why the value is wrong.

export class SchemaError extends Error {
  constructor(
    readonly at: string,
    readonly problem: string,
  ) {
    super(`${at}: ${problem}`);
    this.name = 'SchemaError';
  }
}

export interface Schema<T> {
  /** Returns the checked value or throws SchemaError; only `validate` is meant to be called from outside. */
  parse(value: unknown, at: string): T;
  readonly optional?: boolean;
}

export interface OptionalSchema<T> extends Schema<T | undefined> {
  readonly optional: true;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; at: string; problem: string };

/** The boundary call: never throws, whatever the input. */
export function validate<T>(schema: Schema<T>, value: unknown, at = 'params'): ValidationResult<T> {
  try {
    return { ok: true, value: schema.parse(value, at) };
  } catch (err) {
    if (err instanceof SchemaError) return { ok: false, at: err.at, problem: err.problem };
    return { ok: false, at, problem: err instanceof Error ? err.message : String(err) };
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40) ?? ''}`.trim();
}

export function string(options: { min?: number; max?: number; pattern?: RegExp; patternText?: string } = {}): Schema<string> {
  return {
    parse(value, at) {
      if (typeof value !== 'string') throw new SchemaError(at, `expected a string, got ${describe(value)}`);
      if (options.min !== undefined && value.length < options.min) {
        throw new SchemaError(at, options.min === 1 ? 'must not be empty' : `must be at least ${options.min} characters`);
      }
      if (options.max !== undefined && value.length > options.max) throw new SchemaError(at, `must be at most ${options.max} characters`);
      if (options.pattern !== undefined && !options.pattern.test(value)) {
        throw new SchemaError(at, options.patternText ?? `does not match ${String(options.pattern)}`);
      }
      return value;
    },
  };
}

export function integer(options: { min?: number; max?: number } = {}): Schema<number> {
  return {
    parse(value, at) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new SchemaError(at, `expected an integer, got ${describe(value)}`);
      if (options.min !== undefined && value < options.min) throw new SchemaError(at, `must be at least ${options.min}`);
      if (options.max !== undefined && value > options.max) throw new SchemaError(at, `must be at most ${options.max}`);
      return value;
    },
  };
}

export function boolean(): Schema<boolean> {
  return {
    parse(value, at) {
      if (typeof value !== 'boolean') throw new SchemaError(at, `expected true or false, got ${describe(value)}`);
      return value;
    },
  };
}

export function oneOf<const T extends readonly (string | number)[]>(values: T): Schema<T[number]> {
  return {
    parse(value, at) {
      if (!values.includes(value as string | number)) {
        throw new SchemaError(at, `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`);
      }
      return value as T[number];
    },
  };
}

export function optional<T>(schema: Schema<T>): OptionalSchema<T> {
  return {
    optional: true,
    parse(value, at) {
      return value === undefined || value === null ? undefined : schema.parse(value, at);
    },
  };
}

export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  return {
    parse(value, at) {
      return value === null ? null : schema.parse(value, at);
    },
  };
}

export function array<T>(item: Schema<T>, options: { min?: number; max?: number } = {}): Schema<T[]> {
  return {
    parse(value, at) {
      if (!Array.isArray(value)) throw new SchemaError(at, `expected an array, got ${describe(value)}`);
      if (options.min !== undefined && value.length < options.min) throw new SchemaError(at, `needs at least ${options.min} item(s)`);
      if (options.max !== undefined && value.length > options.max) throw new SchemaError(at, `allows at most ${options.max} items`);
      return value.map((v, i) => item.parse(v, `${at}[${i}]`));
    },
  };
}

type Fields = Record<string, Schema<unknown>>;
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends OptionalSchema<unknown> ? K : never }[keyof F];
type Simplify<T> = { [K in keyof T]: T[K] };
export type ObjectOf<F extends Fields> = Simplify<
  { [K in Exclude<keyof F, OptionalKeys<F>>]: Infer<F[K]> } & { [K in OptionalKeys<F>]?: Exclude<Infer<F[K]>, undefined> }
>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Unknown keys are refused: a typo in a field name should fail loudly rather than be ignored. */
export function object<F extends Fields>(fields: F): Schema<ObjectOf<F>> {
  return {
    parse(value, at) {
      if (!isPlainObject(value)) throw new SchemaError(at, `expected an object, got ${describe(value)}`);
      for (const key of Object.keys(value)) {
        if (!Object.prototype.hasOwnProperty.call(fields, key)) throw new SchemaError(`${at}.${key}`, 'is not a known field');
      }
      const result: Record<string, unknown> = {};
      for (const [key, schema] of Object.entries(fields)) {
        const raw = value[key];
        if (raw === undefined && !schema.optional) throw new SchemaError(`${at}.${key}`, 'is required');
        const parsed = schema.parse(raw, `${at}.${key}`);
        if (parsed !== undefined) result[key] = parsed;
      }
      return result as ObjectOf<F>;
    },
  };
}

/** A union of object shapes told apart by one string field (e.g. `op`). */
export function tagged<K extends string, V extends Record<string, Schema<object>>>(
  tag: K,
  variants: V,
): Schema<{ [T in keyof V]: Infer<V[T]> }[keyof V]> {
  return {
    parse(value, at) {
      if (!isPlainObject(value)) throw new SchemaError(at, `expected an object, got ${describe(value)}`);
      const kind = value[tag];
      if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(variants, kind)) {
        throw new SchemaError(`${at}.${tag}`, `expected one of ${Object.keys(variants).map((v) => JSON.stringify(v)).join(', ')}`);
      }
      return variants[kind]!.parse(value, at) as { [T in keyof V]: Infer<V[T]> }[keyof V];
    },
  };
}

/** Checks a value with `base`, then a rule across its fields. */
export function refine<T>(base: Schema<T>, rule: (value: T) => string | undefined): Schema<T> {
  return {
    optional: base.optional,
    parse(value, at) {
      const parsed = base.parse(value, at);
      const problem = rule(parsed);
      if (problem !== undefined) throw new SchemaError(at, problem);
      return parsed;
    },
  };
}

export function literal<const T extends string | number | boolean>(expected: T): Schema<T> {
  return {
    parse(value, at) {
      if (value !== expected) throw new SchemaError(at, `expected ${JSON.stringify(expected)}`);
      return expected;
    },
  };
}

/** Any JSON value, kept as is (for payloads checked elsewhere). */
export function unknownValue(): Schema<unknown> {
  return { parse: (value) => value };
}

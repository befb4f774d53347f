// The JSON the AdminServer answers with, laid out as Jackson's default pretty printer does (ZooKeeper's
// JsonOutputter): key order kept, longs as integers, doubles as Java prints them.
import { JavaDouble, formatJavaDouble } from '../protocol/javaText.js';

export type JsonValue =
  | null
  | boolean
  | string
  | number
  | bigint
  | JavaDouble
  | readonly JsonValue[]
  | JsonObject;
/** A Map keeps key order even for numeric-looking keys (session ids), which plain objects would reorder. */
export type JsonObject = ReadonlyMap<string, JsonValue> | { readonly [key: string]: JsonValue };

function isMap(v: JsonObject): v is ReadonlyMap<string, JsonValue> {
  return v instanceof Map;
}

export function entriesOf(o: JsonObject): [string, JsonValue][] {
  return isMap(o) ? [...o.entries()] : Object.entries(o);
}

/** Serialises like Jackson's default pretty printer, which is what ZooKeeper's JsonOutputter uses. */
export function toJacksonJson(value: JsonValue, level = 0): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatJavaDouble(value);
  if (value instanceof JavaDouble) return value.toString();
  if (Array.isArray(value)) {
    const items = value as readonly JsonValue[];
    if (items.length === 0) return '[ ]';
    return '[ ' + items.map((v) => toJacksonJson(v, level)).join(', ') + ' ]';
  }
  const entries = entriesOf(value as JsonObject);
  if (entries.length === 0) return '{ }';
  const pad = '  '.repeat(level + 1);
  const body = entries.map(([k, v]) => `${pad}${JSON.stringify(k)} : ${toJacksonJson(v, level + 1)}`).join(',\n');
  return `{\n${body}\n${'  '.repeat(level)}}`;
}

// The contract's znode operations: child pages, delete previews, subtree export/import, search, the console and
// watch subscriptions, as their results travel to the GUI.
import type { ApiStat, ApiAcl, Base64 } from './contractShapes.js';

export interface ChildEntry {
  name: string;
  path: string;
  stat: ApiStat;
}

export interface ListChildrenResult {
  path: string;
  /** The parent's numChildren: known before any child is fetched, for paging and scroll bars. */
  total: number;
  offset: number;
  /** Sorted by name; children deleted while the page was fetched are left out. */
  children: ChildEntry[];
  stat: ApiStat;
}

export interface DeletePreview {
  path: string;
  /** Nodes that would be removed, the root included (count may exceed the listed paths when truncated). */
  count: number;
  /** Deepest first, as they would be deleted; at most `max` entries. */
  paths: string[];
  truncated: boolean;
  ephemeralCount: number;
  /** Bytes of data held by the nodes. */
  dataBytes: number;
  /** The count exceeds the limit a delete would accept. */
  exceedsMax: boolean;
  max: number;
}

export interface SubtreeNode {
  /** Relative to the exported root: "" is the root itself, "a/b" a descendant. */
  path: string;
  data: Base64 | null;
  acl: ApiAcl[];
  stat: ApiStat;
}

/** The JSON a subtree export produces and an import accepts. */
export interface SubtreeSnapshot {
  format: 'paddock-subtree';
  version: 1;
  /** The absolute path it was exported from (information only; imports go where the caller says). */
  root: string;
  exportedAt: string;
  /** Parents before children. */
  nodes: SubtreeNode[];
}

export type ImportPolicy = 'skip' | 'overwrite' | 'fail';

export interface ImportResult {
  created: number;
  overwritten: number;
  skipped: number;
  /** Number of multi transactions used. */
  transactions: number;
  /** True when everything was written in one transaction (all or nothing). */
  atomic: boolean;
  /** Anything the user should know, e.g. that batches were used or ephemeral nodes became persistent. */
  notes: string[];
}

export interface SearchQuery {
  /** Match node names containing this text (case-insensitive). */
  nameContains?: string;
  /** Match node names against this regular expression (JavaScript syntax). */
  nameRegex?: string;
  /** Match nodes whose data (as UTF-8) contains this text. */
  dataContains?: string;
}

export interface SearchMatch {
  path: string;
  stat: ApiStat;
  matchedOn: Array<'name' | 'data'>;
}

export interface SearchResult {
  matches: SearchMatch[];
  scanned: number;
  /** The match limit or the scan limit stopped the search early. */
  truncated: boolean;
}

export interface ConsoleResult {
  /** What the command printed, in zkCli's formats. */
  output: string;
  /** False when the command failed (its error text is in output). */
  ok: boolean;
  /** 'shell' is the zkCli-compatible shell; 'fallback' the API's own ls/get/stat. */
  handledBy: 'shell' | 'fallback';
}

export interface SubscribeResult {
  subscriptionId: string;
  path: string;
  /** persistentRecursive on ZooKeeper 3.6+; oneShot (re-armed, may miss rapid changes) on older servers. */
  mode: 'persistentRecursive' | 'oneShot';
}

// Quota usage as ZooKeeper 3.8's DataTree keeps it: the paths that have a zookeeper_limits node (its PathTrie), the
// count and bytes of each such subtree in its zookeeper_stats node, updated on every create, delete and setData,
// and recounted from the tree after a snapshot is loaded. Also the enforceQuota verdict on a write (checkQuota).
import { ErrorCode } from '../protocol/errorCodes.js';
import type { DataNode } from './znode.js';
import { baseName, parentPath } from './pathValidation.js';
import { StatsTrack, limitNodeName, limitPathOf, quotaRoot, statNodeName, statPathOf, usageText } from './statsTrack.js';

/** What the quota bookkeeping needs from the tree it lives in. */
export interface QuotaTree {
  getNode(path: string): DataNode | undefined;
  walk(path: string): Iterable<string>;
  /** Replaces a node's data and nothing else (no version, mzxid or size change), as updateQuotaStat does. */
  replaceDataQuietly(path: string, data: Buffer): void;
}

/** The outcome of checkQuota: the lines ZooKeeper logs (soft and hard limits alike), and whether to refuse. */
export interface QuotaVerdict {
  err: number;
  messages: string[];
}

const allowed: QuotaVerdict = { err: ErrorCode.ok, messages: [] };

export class QuotaStats {
  private readonly prefixes = new Set<string>();

  constructor(private readonly tree: QuotaTree) {}

  /** The paths that have a quota (a zookeeper_limits node). */
  get paths(): ReadonlySet<string> {
    return this.prefixes;
  }

  /** getMaxPrefixWithQuota: the deepest path with a quota at or above `path`; never the root. */
  quotaPathFor(path: string): string | undefined {
    if (this.prefixes.size === 0) return undefined;
    for (let p = path; p !== '/' && p !== ''; p = parentPath(p)) {
      if (this.prefixes.has(p)) return p;
    }
    return undefined;
  }

  created(path: string, bytes: number): void {
    const parent = parentPath(path);
    if (parent.startsWith(quotaRoot)) {
      const quoted = parent.slice(quotaRoot.length);
      const name = baseName(path);
      if (name === limitNodeName && quoted !== '') this.prefixes.add(quoted);
      if (name === statNodeName && quoted !== '') this.recount(quoted);
    }
    this.add(this.quotaPathFor(path), bytes, 1);
  }

  deleted(path: string, bytes: number): void {
    const parent = parentPath(path);
    if (parent.startsWith(quotaRoot) && baseName(path) === limitNodeName) {
      // ZooKeeper's PathTrie.deletePath drops the whole branch, quotas set below it included.
      const quoted = parent.slice(quotaRoot.length);
      for (const p of [...this.prefixes]) if (p === quoted || p.startsWith(`${quoted}/`)) this.prefixes.delete(p);
    }
    this.add(this.quotaPathFor(path), -bytes, -1);
  }

  dataChanged(path: string, bytesDiff: number): void {
    if (bytesDiff !== 0) this.add(this.quotaPathFor(path), bytesDiff, 0);
  }

  /** setupQuota after a snapshot load: every leaf zookeeper_limits node names a quota, whose usage is recounted. */
  rebuild(): void {
    this.prefixes.clear();
    const suffix = `/${limitNodeName}`;
    for (const path of this.tree.walk(quotaRoot)) {
      if (!path.endsWith(suffix) || (this.tree.getNode(path)?.children.size ?? 0) > 0) continue;
      const quoted = path.slice(quotaRoot.length, path.indexOf(suffix));
      if (quoted === '') continue;
      this.recount(quoted);
      this.prefixes.add(quoted);
    }
  }

  /**
   * checkQuota: would a write adding `bytesDiff` bytes and `countDiff` nodes under `path` pass its quota? A hard
   * limit, where one is set, replaces the soft one; going over a soft limit is only logged.
   */
  check(path: string, bytesDiff: number, countDiff: number): QuotaVerdict {
    const prefix = this.quotaPathFor(path);
    if (prefix === undefined) return allowed;
    const limitNode = this.tree.getNode(limitPathOf(prefix));
    if (limitNode === undefined) return allowed;
    const limits = StatsTrack.parse(limitNode.data);
    const checkCount = countDiff !== 0 && (limits.has('count') || limits.has('countHardLimit'));
    const checkBytes = bytesDiff !== 0 && (limits.has('bytes') || limits.has('byteHardLimit'));
    if (!checkCount && !checkBytes) return allowed;
    const statNode = this.tree.getNode(statPathOf(prefix));
    if (statNode === undefined) return allowed;
    const usage = StatsTrack.parse(statNode.data);
    const messages: string[] = [];
    const over = (what: 'count' | 'bytes', diff: number, hardKey: 'countHardLimit' | 'byteHardLimit', label: string) => {
      const hard = limits.has(hardKey);
      const limit = hard ? limits.get(hardKey) : limits.get(what);
      const value = usage.get(what) + BigInt(diff);
      if (value <= limit) return false;
      messages.push(`Quota exceeded: ${prefix} [current ${what}=${value}, ${hard ? 'hard' : 'soft'}${label}Limit=${limit}]`);
      return hard;
    };
    if (checkCount && over('count', countDiff, 'countHardLimit', 'Count')) return { err: ErrorCode.quotaExceeded, messages };
    if (checkBytes && over('bytes', bytesDiff, 'byteHardLimit', 'Byte')) return { err: ErrorCode.quotaExceeded, messages };
    return { err: ErrorCode.ok, messages };
  }

  private add(prefix: string | undefined, bytesDiff: number, countDiff: number): void {
    if (prefix === undefined) return;
    const statPath = statPathOf(prefix);
    const node = this.tree.getNode(statPath);
    if (node === undefined) return;
    const usage = StatsTrack.parse(node.data);
    usage.set('count', usage.get('count') + BigInt(countDiff)).set('bytes', usage.get('bytes') + BigInt(bytesDiff));
    this.tree.replaceDataQuietly(statPath, Buffer.from(usage.toString()));
  }

  /** updateQuotaForPath: the subtree's node count and data bytes, itself included, written to its stat node. */
  private recount(quoted: string): void {
    const statPath = statPathOf(quoted);
    if (this.tree.getNode(statPath) === undefined) return;
    let count = 0;
    let bytes = 0;
    for (const path of this.tree.walk(quoted)) {
      count++;
      bytes += this.tree.getNode(path)?.data?.length ?? 0;
    }
    this.tree.replaceDataQuietly(statPath, Buffer.from(usageText(count, bytes), 'utf8'));
  }
}

// ZooKeeper's quota text (StatsTrack) and the /zookeeper/quota layout (Quotas): one home for both, shared by the
// tree that keeps the usage, the server that enforces the limits, the shell's setquota/listquota/delquota and the GUI
// (so nothing here needs Node).

export const quotaRoot = '/zookeeper/quota';
export const limitNodeName = 'zookeeper_limits';
export const statNodeName = 'zookeeper_stats';

/** Quotas.quotaPath: the node under /zookeeper/quota that mirrors `path`. */
export const quotaPathOf = (path: string): string => quotaRoot + path;
/** Quotas.limitPath: where the limits of `path` are kept. */
export const limitPathOf = (path: string): string => `${quotaRoot}${path}/${limitNodeName}`;
/** Quotas.statPath: where the usage of `path` is kept. */
export const statPathOf = (path: string): string => `${quotaRoot}${path}/${statNodeName}`;

/** The keys ZooKeeper 3.8 writes; a stat node holds only count and bytes. */
export type StatsKey = 'count' | 'bytes' | 'countHardLimit' | 'byteHardLimit';

/**
 * A parsed StatsTrack: key -> value, in the order read. A key that is absent reads as -1 (no limit), as in
 * ZooKeeper; keys other than the four are kept so a rewrite does not lose them.
 */
export class StatsTrack {
  private readonly values = new Map<string, bigint>();

  /** `count=3,bytes=-1=;byteHardLimit=-1;countHardLimit=-1`: pairs split on `,` or `;`, a pair's extra `=` ignored. */
  static parse(text: string | Uint8Array | null): StatsTrack {
    const track = new StatsTrack();
    // TextDecoder rather than Buffer: the GUI reads quotas with this too, in the browser.
    const source = text === null ? '' : typeof text === 'string' ? text : new TextDecoder().decode(text);
    if (source === '') return track;
    for (const pair of source.split(/[,;]+/)) {
      // Java's String.split("=") drops trailing empty parts: "bytes=5=" is ["bytes", "5"].
      const [key, value] = pair.split('=');
      if (key === undefined || key === '') continue;
      // ZooKeeper reads an empty value as -1 and fails on a non-number; a damaged node must not stop the tree.
      if (value === undefined || value === '') track.values.set(key, -1n);
      else if (/^[+-]?\d+$/.test(value)) track.values.set(key, BigInt(value));
    }
    return track;
  }

  get(key: StatsKey): bigint {
    return this.values.get(key) ?? -1n;
  }

  set(key: StatsKey, value: bigint): this {
    this.values.set(key, value);
    return this;
  }

  /** True when at least one of the keys is at or above zero. */
  has(key: StatsKey): boolean {
    return this.get(key) > -1n;
  }

  /**
   * StatsTrack.toString: count and bytes first (3.4's parser reads only them), then a spurious `=` and the other
   * keys sorted, each after a `;`.
   */
  toString(): string {
    const others = [...this.values.keys()].filter((k) => k !== 'count' && k !== 'bytes').sort();
    let text = `count=${this.get('count')},bytes=${this.get('bytes')}`;
    if (others.length > 0) text += '=' + others.map((k) => `;${k}=${this.values.get(k)!}`).join('');
    return text;
  }
}

/** The usage a fresh stat node records: StatsTrack with just count and bytes. */
export function usageText(count: number, bytes: number): string {
  return `count=${count},bytes=${bytes}`;
}

// The arithmetic of the GUI benchmark, kept pure so it is unit tested: names of the big node's children, whether
// their listing fits the GUI client's frame limit, the positions of the scripted scroll, and frame-time summaries
// from requestAnimationFrame timestamps.
import { summarizeLatencies } from './stats.js';

/** The largest reply the GUI's ZooKeeper client accepts (jute.maxbuffer's default, as ZkClient sets it). */
export const guiClientMaxBuffer = 0xfffff;

/**
 * The i-th child's name: a letter and the index zero-padded to one width, so name order (how the GUI sorts a
 * listing) is creation order and child 0 is the first row shown.
 */
export function childName(index: number, total: number): string {
  const width = Math.max(1, String(Math.max(0, total - 1)).length);
  return `n${String(index).padStart(width, '0')}`;
}

/**
 * Bytes of a getChildren2 reply listing `count` children whose names are `nameLength` ASCII bytes: reply header
 * (xid, zxid, err), the vector's length, each name as length + bytes, then the parent's Stat.
 */
export function childrenReplyBytes(count: number, nameLength: number): number {
  const replyHeader = 4 + 8 + 4;
  const stat = 8 * 3 + 8 + 4 * 3 + 8 + 4 * 2 + 8;
  return replyHeader + 4 + count * (4 + nameLength) + stat;
}

/** Where the scripted scroll puts scrollTop: `steps` even jumps from the top to the end of the scroll range. */
export function scrollTargets(scrollRange: number, steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  const range = Math.max(0, scrollRange);
  return Array.from({ length: steps }, (_, i) => Math.round(((i + 1) / steps) * range));
}

/** Time between consecutive frames; timestamps out of order (never expected) count as 0. */
export function frameIntervals(timestamps: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < timestamps.length; i++) out.push(Math.max(0, timestamps[i]! - timestamps[i - 1]!));
  return out;
}

export interface FrameSummary {
  frames: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarizeFrames(timestamps: readonly number[]): FrameSummary {
  const intervals = frameIntervals(timestamps);
  if (intervals.length === 0) throw new RangeError('frame times need at least two frames');
  const summary = summarizeLatencies(intervals);
  return { frames: intervals.length, p50: summary.p50, p99: summary.p99, max: summary.max };
}

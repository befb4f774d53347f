// Samples a process's resident memory (VmRSS from /proc/PID/status) while a test loads it, keeping the peak.
import { processRssBytes } from '../../bench/procStats.js';

export interface RssSampler {
  readonly before: number;
  /** Stops sampling; returns the peak seen (at least the last reading). */
  stop(): { before: number; peak: number; after: number };
}

export const MiB = 1024 * 1024;

export function sampleRss(pid: number, everyMs = 20): RssSampler {
  const read = () => {
    const rss = processRssBytes(pid);
    if (rss === undefined) throw new Error(`process ${pid} is gone (no /proc/${pid}/status)`);
    return rss;
  };
  const before = read();
  let peak = before;
  const timer = setInterval(() => {
    const rss = processRssBytes(pid);
    if (rss !== undefined) peak = Math.max(peak, rss);
  }, everyMs);
  return {
    before,
    stop() {
      clearInterval(timer);
      const after = read();
      return { before, peak: Math.max(peak, after), after };
    },
  };
}

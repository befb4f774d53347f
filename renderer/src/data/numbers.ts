// Numbers as the GUI prints them: figures a person reads, not floating-point noise.

/** A millisecond figure: whole numbers as they are, others to at most one decimal ("2.6"); "?" when unknown. */
export function formatMs(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '?';
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 10) / 10);
}

/** srvr's latency triple as "min/avg/max" in ms. */
export function formatLatency(srvr: { latencyMin?: number; latencyAvg?: number; latencyMax?: number }): string {
  return [srvr.latencyMin, srvr.latencyAvg, srvr.latencyMax].map((v) => formatMs(v)).join('/');
}

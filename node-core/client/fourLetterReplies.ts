// Reads the replies of the monitoring four-letter words (mntr, conf, envi, cons, wchs, wchc) as Apache ZooKeeper
// 3.8 and Paddock print them, and the AdminServer's JSON answers to the same commands, into one set of shapes: the
// GUI shows a member's figures the same way whichever way they were fetched.

/** A word the server did not run: it answered with this sentence instead (4lw.commands.whitelist). */
export function notWhitelistedReply(reply: string): boolean {
  return reply.includes('is not executed because it is not in the whitelist');
}

/** mntr: one `key<TAB>value` per line; numbers become numbers. */
export function parseMntr(text: string): Record<string, string | number> {
  return parseLines(text, '\t');
}

/** conf and envi: `key=value` lines (envi starts with an "Environment:" heading, which has no `=`). */
export function parseKeyValues(text: string): Record<string, string | number> {
  return parseLines(text, '=');
}

function parseLines(text: string, separator: string): Record<string, string | number> {
  const result: Record<string, string | number> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(separator);
    if (at <= 0) continue;
    const key = line.slice(0, at).trim();
    const value = line.slice(at + separator.length).trim();
    result[key] = numeric(value) ?? value;
  }
  return result;
}

function numeric(value: string): number | undefined {
  // Hex ids and zxids stay text: "0x1a" reads as a number to Number() but means an identifier here.
  if (value === '' || /^0x/i.test(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** One client connection as cons (or the AdminServer's connections) describes it. */
export interface ClientConnectionRow {
  address: string;
  /** 0x-hex; absent for a connection that has no session yet. */
  sessionId?: string;
  queued: number;
  received: number;
  sent: number;
  lastOperation?: string;
  timeoutMs?: number;
  avgLatencyMs?: number;
  maxLatencyMs?: number;
}

/** cons: ` /127.0.0.1:51234[1](queued=0,recved=3,sent=3,sid=0x...,lop=PING,...)` per connection. */
export function parseCons(text: string): ClientConnectionRow[] {
  const rows: ClientConnectionRow[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\S+?)\[[0-9a-f]*\]\((.*)\)\s*$/.exec(line);
    if (match === null) continue;
    const fields = new Map(match[2]!.split(',').map((pair) => pair.split('=', 2) as [string, string]));
    const num = (key: string) => (fields.has(key) ? Number(fields.get(key)) : undefined);
    rows.push(
      withoutUndefined({
        address: match[1]!.replace(/^\//, ''),
        sessionId: fields.get('sid'),
        queued: num('queued') ?? 0,
        received: num('recved') ?? 0,
        sent: num('sent') ?? 0,
        lastOperation: fields.get('lop'),
        timeoutMs: num('to'),
        avgLatencyMs: num('avglat'),
        maxLatencyMs: num('maxlat'),
      }),
    );
  }
  return rows;
}

export interface WatchSummaryReply {
  connections: number;
  paths: number;
  watches: number;
}

/** wchs: "N connections watching M paths" then "Total watches:K". */
export function parseWchs(text: string): WatchSummaryReply | undefined {
  const counts = /(\d+) connections watching (\d+) paths/.exec(text);
  const total = /Total watches:\s*(\d+)/.exec(text);
  if (counts === null || total === null) return undefined;
  return { connections: Number(counts[1]), paths: Number(counts[2]), watches: Number(total[1]) };
}

export interface SessionWatches {
  sessionId: string;
  paths: string[];
}

/** wchc: a session id line, then its watched paths each on a tab-indented line. */
export function parseWchc(text: string): SessionWatches[] {
  const sessions: SessionWatches[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('\t')) sessions.at(-1)?.paths.push(line.trim());
    else sessions.push({ sessionId: line.trim(), paths: [] });
  }
  return sessions;
}

// ---------------------------------------------------------------------------------------------------------------
// The AdminServer's JSON for the same commands
// ---------------------------------------------------------------------------------------------------------------

/**
 * A session id in AdminServer JSON is a 64-bit number (often above 2^53, so the text is kept where given) or a key
 * of a JSON object (decimal text); either way it is shown as 0x-hex like the four-letter words print it.
 */
export function sessionIdHex(value: unknown): string | undefined {
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return `0x${BigInt.asUintN(64, BigInt(value)).toString(16)}`;
  if (typeof value === 'string' && /^0x[0-9a-f]+$/i.test(value)) return value.toLowerCase();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return `0x${BigInt.asUintN(64, BigInt(value)).toString(16)}`;
  return undefined;
}

/**
 * JSON.parse loses the low bits of integers above 2^53, which session ids usually are: session_id values are turned
 * into strings before parsing, so sessionIdHex gets every digit.
 */
export function parseAdminJson(text: string): Record<string, unknown> {
  const body = JSON.parse(text.replace(/("session_id"\s*:\s*)(-?\d{16,})/g, '$1"$2"')) as unknown;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not a JSON object');
  return body as Record<string, unknown>;
}

/** monitor, configuration, environment: the scalar fields; monitor's get mntr's "zk_" prefix so keys match. */
export function adminValues(body: Record<string, unknown>, prefix = ''): Record<string, string | number> {
  const result: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'command' || key === 'error') continue;
    if (typeof value === 'number') result[prefix + key] = value;
    else if (typeof value === 'string') result[prefix + key] = numeric(value) ?? value;
    else if (typeof value === 'boolean') result[prefix + key] = String(value);
  }
  return result;
}

export function adminConnections(body: Record<string, unknown>): ClientConnectionRow[] {
  const all = [body.connections, body.secure_connections].flatMap((list) => (Array.isArray(list) ? (list as unknown[]) : []));
  return all.flatMap((entry) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const c = entry as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
    return [
      withoutUndefined({
        address: String(c.remote_socket_address ?? '').replace(/^\//, ''),
        sessionId: sessionIdHex(c.session_id),
        queued: num(c.outstanding_requests) ?? 0,
        received: num(c.packets_received) ?? 0,
        sent: num(c.packets_sent) ?? 0,
        lastOperation: typeof c.last_operation === 'string' ? c.last_operation : undefined,
        timeoutMs: num(c.session_timeout),
        avgLatencyMs: num(c.avg_latency),
        maxLatencyMs: num(c.max_latency),
      }),
    ];
  });
}

export function adminWatchSummary(body: Record<string, unknown>): WatchSummaryReply | undefined {
  const { num_connections: connections, num_paths: paths, num_total_watches: watches } = body;
  if (typeof connections !== 'number' || typeof paths !== 'number' || typeof watches !== 'number') return undefined;
  return { connections, paths, watches };
}

export function adminWatches(body: Record<string, unknown>): SessionWatches[] {
  const bySession = body.session_id_to_watched_paths;
  if (typeof bySession !== 'object' || bySession === null) return [];
  return Object.entries(bySession as Record<string, unknown>).map(([id, paths]) => ({
    sessionId: sessionIdHex(id) ?? id,
    paths: Array.isArray(paths) ? paths.map(String) : [],
  }));
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

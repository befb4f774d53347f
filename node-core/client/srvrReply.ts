// Reads the reply to the `srvr` four-letter word (and the srvr part of `stat`), as Apache ZooKeeper and Paddock
// print it: "Zookeeper version: ...", "Latency min/avg/max: a/b/c", "Received: n", ..., "Mode: leader",
// "Node count: n". The one parser behind the GUI's server facts and the cluster supervisor's member status.

export interface SrvrReply {
  version?: string;
  latencyMin?: number;
  latencyAvg?: number;
  latencyMax?: number;
  received?: number;
  sent?: number;
  connections?: number;
  outstanding?: number;
  /** As printed: "0x" + hex. */
  zxid?: string;
  /** leader, follower, observer, standalone, or read-only. */
  mode?: string;
  nodeCount?: number;
}

function num(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(n) ? n : undefined;
}

/** The fields present in the reply; a field the server did not print is absent, never undefined-valued. */
export function parseSrvr(text: string): SrvrReply {
  const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const latency = field('Latency min/avg/max')?.split('/');
  const reply: SrvrReply = {
    version: field('Zookeeper version'),
    latencyMin: num(latency?.[0]),
    latencyAvg: num(latency?.[1]),
    latencyMax: num(latency?.[2]),
    received: num(field('Received')),
    sent: num(field('Sent')),
    connections: num(field('Connections')),
    outstanding: num(field('Outstanding')),
    zxid: field('Zxid'),
    mode: field('Mode'),
    nodeCount: num(field('Node count')),
  };
  return Object.fromEntries(Object.entries(reply).filter(([, v]) => v !== undefined)) as SrvrReply;
}

// The replies of the four-letter words that print server state (stat, srvr, mntr, cons, wchs, wchc, wchp, dump,
// envi, conf), byte for byte in ZooKeeper 3.8's text formats, from a ServerIntrospection snapshot.
import { formatJavaDate, formatJavaDouble, formatJavaSocketAddress, javaHex } from '../protocol/javaText.js';
import { renderConfForConfCommand } from './config/zooCfgRender.js';
import type { ConnectionInfo, ServerIntrospection } from './introspection.js';
import { monitorEntries } from './monitorEntries.js';

export function renderMntr(intro: ServerIntrospection): string {
  return monitorEntries(intro)
    .map(([k, v]) => `zk_${k}\t${typeof v === 'number' ? String(Math.trunc(v)) : v.toString()}\n`)
    .join('');
}

function serverStatsText(intro: ServerIntrospection): string {
  const s = intro.stats();
  return (
    `Latency min/avg/max: ${s.minLatency}/${formatJavaDouble(s.avgLatency)}/${s.maxLatency}\n` +
    `Received: ${s.packetsReceived}\n` +
    `Sent: ${s.packetsSent}\n` +
    `Connections: ${s.numAliveConnections}\n` +
    `Outstanding: ${s.outstandingRequests}\n` +
    `Zxid: 0x${javaHex(s.lastProcessedZxid)}\n` +
    `Mode: ${intro.serverState()}\n`
  );
}

/** ServerCnxn.dumpConnectionInfo: one line per connection, brief for stat, full for cons. */
export function connectionLine(c: ConnectionInfo, brief: boolean): string {
  let line =
    ` ${formatJavaSocketAddress(c.remoteAddress, c.remotePort)}[${c.interestOps === 0 ? '0' : c.interestOps.toString(16)}]` +
    `(queued=${c.outstandingRequests},recved=${c.packetsReceived},sent=${c.packetsSent}`;
  if (!brief && c.sessionId !== 0n) {
    line += `,sid=0x${javaHex(c.sessionId)},lop=${c.lastOperation},est=${c.established},to=${c.sessionTimeout}`;
    if (c.lastCxid >= 0) line += `,lcxid=0x${javaHex(c.lastCxid)}`;
    line +=
      `,lzxid=0x${javaHex(c.lastZxid)},lresp=${c.lastResponseTime},llat=${Math.trunc(c.lastLatency)}` +
      `,minlat=${Math.trunc(c.minLatency)},avglat=${Math.trunc(c.avgLatency)},maxlat=${Math.trunc(c.maxLatency)}`;
  }
  return line + ')';
}

export function renderStat(intro: ServerIntrospection, withClients: boolean): string {
  let out = `Zookeeper version: ${intro.version}\n`;
  if (intro.isReadOnly()) out += 'READ-ONLY mode; serving only read-only clients\n';
  if (withClients) {
    out += 'Clients:\n';
    for (const c of intro.connections()) out += connectionLine(c, true) + '\n';
    out += '\n';
  }
  out += serverStatsText(intro);
  out += `Node count: ${intro.stats().nodeCount}\n`;
  const leader = intro.quorum()?.leader;
  if (intro.serverState() === 'leader' && leader !== undefined) {
    out += `Proposal sizes last/min/max: ${leader.lastProposalSize}/${leader.minProposalSize}/${leader.maxProposalSize}\n`;
  }
  return out;
}

export function renderCons(intro: ServerIntrospection): string {
  return intro.connections().map((c) => connectionLine(c, false) + '\n').join('') + '\n';
}

export interface WatchSummary {
  numConnections: number;
  numPaths: number;
  numTotalWatches: number;
}

/** WatchManager.toString's counts: sessions with watches, distinct paths, and total (session, path) pairs. */
export function watchSummary(intro: ServerIntrospection): WatchSummary {
  const bySession = intro.watchesBySession().filter((s) => s.paths.length > 0);
  const paths = new Set<string>();
  let total = 0;
  for (const s of bySession) {
    for (const p of s.paths) paths.add(p);
    total += s.paths.length;
  }
  return { numConnections: bySession.length, numPaths: paths.size, numTotalWatches: total };
}

export function renderWchs(intro: ServerIntrospection): string {
  const s = watchSummary(intro);
  return `${s.numConnections} connections watching ${s.numPaths} paths\nTotal watches:${s.numTotalWatches}\n`;
}

export function renderWchc(intro: ServerIntrospection): string {
  let out = '';
  for (const s of intro.watchesBySession()) {
    out += `0x${javaHex(s.sessionId)}\n`;
    for (const p of s.paths) out += `\t${p}\n`;
  }
  return out + '\n';
}

export function renderWchp(intro: ServerIntrospection): string {
  let out = '';
  for (const w of intro.watchesByPath()) {
    out += `${w.path}\n`;
    for (const id of w.sessionIds) out += `\t0x${javaHex(id)}\n`;
  }
  return out + '\n';
}

export function renderDump(intro: ServerIntrospection): string {
  const buckets = [...intro.sessionExpiry()].sort((a, b) => a.expiresAtElapsed - b.expiresAtElapsed);
  const sessions = buckets.reduce((n, b) => n + b.sessionIds.length, 0);
  let out = 'SessionTracker dump:\n';
  out += `Session Sets (${buckets.length})/(${sessions}):\n`;
  for (const b of buckets) {
    out += `${b.sessionIds.length} expire at ${formatJavaDate(b.expiresAtWall)}:\n`;
    for (const id of b.sessionIds) out += `\t0x${javaHex(id)}\n`;
  }
  out += 'ephemeral nodes dump:\n';
  const ephemerals = intro.sessionsWithEphemerals();
  out += `Sessions with Ephemerals (${ephemerals.length}):\n`;
  for (const e of ephemerals) {
    out += `0x${javaHex(e.sessionId)}:\n`;
    for (const p of e.paths) out += `\t${p}\n`;
  }
  out += 'Connections dump:\n';
  const cnxns = [...intro.connectionExpiry()].sort((a, b) => a.expiresAtWall - b.expiresAtWall);
  const cnxnCount = cnxns.reduce((n, b) => n + b.connections.length, 0);
  out += `Connections Sets (${cnxns.length})/(${cnxnCount}):\n`;
  for (const b of cnxns) {
    out += `${b.connections.length} expire at ${formatJavaDate(b.expiresAtWall)}:\n`;
    for (const c of b.connections) {
      out += `\tip: ${formatJavaSocketAddress(c.remoteAddress, c.remotePort)} sessionId: 0x${javaHex(c.sessionId)}\n`;
    }
  }
  return out;
}

export function renderEnvi(intro: ServerIntrospection): string {
  return 'Environment:\n' + intro.environment().map((e) => `${e.key}=${e.value}\n`).join('');
}

export function renderConf(intro: ServerIntrospection): string {
  const quorum = intro.quorum();
  return renderConfForConfCommand(intro.config, {
    dataDirSize: intro.dataDirSize(),
    dataLogSize: intro.logDirSize(),
    quorum: quorum === null ? undefined : { myid: quorum.myid },
  });
}

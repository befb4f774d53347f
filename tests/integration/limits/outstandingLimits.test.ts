// Issue 14 point 6: a client cannot grow the server without bound. Pipelined reads whose replies are never read,
// and a flood of pipelined writes, are run against Paddock and Apache ZooKeeper 3.8 alike with the server's VmRSS
// sampled before and during; Paddock must stay within a bound, and both figures are printed for the README.
// A client that never reads its watch events is closed at clientOutputBufferLimit (Paddock's own key).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as net from 'node:net';
import { compatTargets, startTarget, type ZkTarget } from '../../helpers/zkTarget.js';
import { startPaddock } from '../../helpers/paddockServer.js';
import { fourLetterWord } from '../../helpers/fourLetterWord.js';
import { ZkConnection } from '../../../node-core/client/zkConnection.js';
import {
  AddWatchRequestCodec,
  CreateMode,
  CreateRequestCodec,
  OpCode,
  PathWatchRequestCodec,
  Perms,
  SetDataRequestCodec,
  writeMultiRequest,
  type MultiOp,
} from '../../../node-core/protocol/index.js';
import { flood, openSession, requestFrame } from './floodClient.js';
import { MiB, sampleRss } from './rssSampler.js';

const openAcl = [{ perms: Perms.all, id: { scheme: 'world', id: 'anyone' } }];
const floodMs = 8_000;

function pidOf(target: ZkTarget): number {
  const pid = target.members[0]!.pid;
  if (pid === undefined) throw new Error('the server is not running');
  return pid;
}

async function connect(target: ZkTarget): Promise<ZkConnection> {
  return ZkConnection.connect({ host: '127.0.0.1', port: target.members[0]!.clientPort, sessionTimeout: 30_000 });
}

async function create(client: ZkConnection, path: string, data: Buffer): Promise<void> {
  const reply = await client.request(OpCode.create, (w) =>
    CreateRequestCodec.write(w, { path, data, acl: openAcl, flags: CreateMode.persistent }),
  );
  if (reply.header.err !== 0) throw new Error(`create ${path} failed with ${reply.header.err}`);
}

async function stillServes(target: ZkTarget): Promise<boolean> {
  const client = await connect(target);
  try {
    const reply = await client.request(OpCode.exists, (w) => PathWatchRequestCodec.write(w, { path: '/', watch: false }));
    return reply.header.err === 0;
  } finally {
    await client.close();
  }
}

/** The queued= figure of every connection in `cons`, which both servers print; given time, as the server is busy. */
async function queuedPerConnection(target: ZkTarget): Promise<number[]> {
  const cons = await fourLetterWord('127.0.0.1', target.members[0]!.clientPort, 'cons', 10_000).catch(() => '');
  return [...cons.matchAll(/queued=(\d+)/g)].map((m) => Number(m[1]));
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;

describe.each(compatTargets())('%s: a flooding client', (kind) => {
  let target: ZkTarget;
  beforeAll(async () => {
    target = await startTarget(kind);
  });
  afterAll(async () => {
    await target?.stop();
  });

  it('that pipelines reads and never reads the replies is made to wait', async () => {
    const setup = await connect(target);
    await create(setup, '/big', Buffer.alloc(512 * 1024, 7));
    await setup.close();
    const socket = await openSession(target.members[0]!.clientPort);
    const rss = sampleRss(pidOf(target));
    const getData = requestFrame(OpCode.getData, (w) => PathWatchRequestCodec.write(w, { path: '/big', watch: false }));
    const { sent } = await flood(socket, getData, { durationMs: floodMs, readReplies: false });
    const cons = await target.fourLetterWord('cons');
    const { before, peak } = rss.stop();
    console.log(
      `${kind}: read flood, replies unread: ${sent} getData of 512 KiB sent in ${floodMs} ms; ` +
        `server RSS ${mib(before)} before, ${mib(peak)} peak`,
    );
    expect(await stillServes(target)).toBe(true);
    socket.destroy();
    // Unthrottled, every request sent would be answered into memory: sent x 512 KiB.
    expect(sent * 512 * 1024).toBeGreaterThan(1024 * MiB);
    if (kind === 'paddock') {
      expect(peak - before).toBeLessThan(96 * MiB);
      // The flooding connection shows no read interest, as ZooKeeper shows a throttled one.
      expect(cons).toMatch(/\[[04]\]\(queued=\d+/);
    }
  });

  it('that floods writes has its requests bounded by globalOutstandingLimit', async () => {
    const setup = await connect(target);
    await create(setup, '/flood', Buffer.alloc(0));
    await setup.close();
    const sockets: net.Socket[] = await Promise.all(Array.from({ length: 8 }, () => openSession(target.members[0]!.clientPort)));
    const rss = sampleRss(pidOf(target));
    const setData = requestFrame(OpCode.setData, (w) =>
      SetDataRequestCodec.write(w, { path: '/flood', data: Buffer.alloc(32 * 1024, 1), version: -1 }),
    );
    const queued: number[] = [];
    const sampling = (async () => {
      const end = Date.now() + floodMs;
      while (Date.now() < end || (queued.length === 0 && Date.now() < end + 20_000)) {
        queued.push(...(await queuedPerConnection(target)));
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();
    const results = await Promise.all(sockets.map((s) => flood(s, setData, { durationMs: floodMs, readReplies: true })));
    await sampling;
    const { before, peak } = rss.stop();
    const sent = results.reduce((sum, r) => sum + r.sent, 0);
    console.log(
      `${kind}: write flood, 8 clients: ${sent} setData of 32 KiB sent in ${floodMs} ms; ` +
        `server RSS ${mib(before)} before, ${mib(peak)} peak; largest queued= in cons ${Math.max(0, ...queued)}`,
    );
    for (const s of sockets) s.destroy();
    expect(await stillServes(target)).toBe(true);
    if (kind === 'paddock') {
      expect(queued.length).toBeGreaterThan(0);
      expect(Math.max(...queued)).toBeLessThanOrEqual(1000);
      expect(peak - before).toBeLessThan(384 * MiB);
    }
  });
});

describe('paddock: a client that never reads its watch events', () => {
  let target: ZkTarget;
  beforeAll(async () => {
    target = await startPaddock({ extraConfig: { clientOutputBufferLimit: 4 * MiB } });
  });
  afterAll(async () => {
    await target?.stop();
  });

  it('is closed once clientOutputBufferLimit bytes of events wait for it, and the writer is unaffected', async () => {
    const writer = await connect(target);
    const name = 'n'.repeat(4000);
    const path = `/w/${name}`;
    await create(writer, '/w', Buffer.alloc(0));
    await create(writer, path, Buffer.alloc(0));
    const watcher = await openSession(target.members[0]!.clientPort);
    watcher.resume();
    watcher.write(requestFrame(OpCode.addWatch, (w) => AddWatchRequestCodec.write(w, { path: '/w', mode: 1 })));
    await new Promise((resolve) => watcher.once('data', resolve));
    watcher.pause();
    const rss = sampleRss(pidOf(target));
    // 5,000 NodeDataChanged events of 4 KiB: 20 MiB, beyond the limit plus what the kernel's socket buffers hold.
    const batch: MultiOp[] = Array.from({ length: 100 }, () => ({
      type: OpCode.setData,
      request: { path, data: Buffer.alloc(1), version: -1 },
    }));
    for (let i = 0; i < 50; i++) {
      const reply = await writer.request(OpCode.multi, (w) => writeMultiRequest(w, batch));
      expect(reply.header.err).toBe(0);
    }
    const { before, peak } = rss.stop();
    console.log(`paddock: 20 MiB of unread watch events; server RSS ${mib(before)} before, ${mib(peak)} peak`);
    // The watcher finds the end of its stream after what the server had written before closing it.
    let received = 0;
    watcher.on('data', (chunk: Buffer) => (received += chunk.length));
    const ended = new Promise<void>((resolve) => watcher.once('close', () => resolve()));
    watcher.on('error', () => undefined);
    watcher.resume();
    await ended;
    expect(received).toBeLessThan(16 * MiB);
    expect(target.logTail(1, 200)).toMatch(/unread \(clientOutputBufferLimit 4194304\)/);
    expect(await stillServes(target)).toBe(true);
    await writer.close();
  });
});

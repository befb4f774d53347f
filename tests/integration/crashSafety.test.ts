// Crash safety of the standalone server: every write acknowledged before a kill -9 is there after restart, also when
// the kill lands while the snapshot worker is writing (the half-written snapshot never replaces a good one), a torn
// log tail is cut at the last valid record (with a log line saying so), and a corrupt record with valid records
// after it makes the server refuse to start rather than drop committed history.
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, statSync, truncateSync, appendFileSync } from 'node:fs';
import { verifySnapshotFile } from '../../node-core/storage/index.js';
import { join } from 'node:path';
import { dirFingerprint } from '../helpers/dirFingerprint.js';
import { startPaddock } from '../helpers/paddockServer.js';
import type { ZkTarget } from '../helpers/zkTarget.js';
import { ZkConnection } from '../../node-core/client/zkConnection.js';
import {
  CreateMode,
  CreateRequestCodec,
  ErrorCode,
  OpCode,
  PathWatchRequestCodec,
  GetDataResponseCodec,
  Perms,
} from '../../node-core/protocol/index.js';

const openAcl = [{ perms: Perms.all, id: { scheme: 'world', id: 'anyone' } }];
let target: ZkTarget | undefined;

afterEach(async () => {
  await target?.stop();
  target = undefined;
});

async function connect(hostPort: string): Promise<ZkConnection> {
  const [host, port] = hostPort.split(':') as [string, string];
  return ZkConnection.connect({ host, port: Number(port), sessionTimeout: 10_000 });
}

function create(connection: ZkConnection, path: string, data: string) {
  return connection.request(OpCode.create, (w) =>
    CreateRequestCodec.write(w, { path, data: Buffer.from(data), acl: openAcl, flags: CreateMode.persistent }),
  );
}

async function readData(connection: ZkConnection, path: string): Promise<string | undefined> {
  const reply = await connection.request(OpCode.getData, (w) => PathWatchRequestCodec.write(w, { path, watch: false }));
  if (reply.header.err === ErrorCode.noNode) return undefined;
  expect(reply.header.err).toBe(0);
  return GetDataResponseCodec.read(reply.body).data?.toString();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function logFiles(dataDir: string): string[] {
  const dir = join(dataDir, 'version-2');
  return readdirSync(dir)
    .filter((name) => name.startsWith('log.'))
    .sort((a, b) => (BigInt('0x' + a.slice(4)) < BigInt('0x' + b.slice(4)) ? -1 : 1))
    .map((name) => join(dir, name));
}

describe('crash safety', () => {
  it('keeps every acknowledged write across kill -9 during a write load', async () => {
    target = await startPaddock();
    const hostPort = target.hostPort;
    const setup = await connect(hostPort);
    expect((await create(setup, '/crash', '')).header.err).toBe(0);
    setup.destroy();

    const acknowledged: string[] = [];
    const writers = Array.from({ length: 4 }, async (_, writer) => {
      const connection = await connect(hostPort);
      let n = 0;
      try {
        for (;;) {
          // 16 writes in flight per connection, so kills land in the middle of group commits.
          const batch = Array.from({ length: 16 }, () => {
            const path = `/crash/w${writer}-${n++}`;
            return create(connection, path, path).then((reply) => {
              if (reply.header.err === 0) acknowledged.push(path);
            });
          });
          await Promise.all(batch);
        }
      } catch {
        // ConnectionLoss once the server dies: the writer stops; unacknowledged writes may or may not be there.
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(acknowledged.length).toBeGreaterThan(100);
    await target.kill(1);
    await Promise.all(writers);
    const countAtKill = acknowledged.length;

    await target.restart(1);
    const reader = await connect(hostPort);
    const missing: string[] = [];
    for (const path of acknowledged) {
      if ((await readData(reader, path)) !== path) missing.push(path);
    }
    reader.destroy();
    expect(missing).toEqual([]);
    expect(countAtKill).toBe(acknowledged.length);
  });

  it('keeps every acknowledged write across kill -9 while the snapshot worker writes, leaving no partial snapshot', async () => {
    // A snapshot every 1,000-2,000 writes of a tree growing by 1 KiB nodes: each takes long enough to be caught.
    target = await startPaddock({ extraConfig: { snapCount: 2_000 } });
    const versionDir = join(target.members[0]!.dataDir, 'version-2');
    const hostPort = target.hostPort;
    const setup = await connect(hostPort);
    expect((await create(setup, '/crash', '')).header.err).toBe(0);
    setup.destroy();
    const valueOf = (path: string) => path.padEnd(1024, '.');

    const acknowledged: string[] = [];
    let stopWriting = false;
    const writers = Array.from({ length: 4 }, async (_, writer) => {
      const connection = await connect(hostPort);
      let n = 0;
      try {
        while (!stopWriting) {
          const batch = Array.from({ length: 16 }, () => {
            const path = `/crash/w${writer}-${n++}`;
            return create(connection, path, valueOf(path)).then((reply) => {
              if (reply.header.err === 0) acknowledged.push(path);
            });
          });
          await Promise.all(batch);
        }
      } catch {
        // ConnectionLoss once the server dies; unacknowledged writes may or may not be there.
      }
    });

    // Wait for a completed snapshot, then for the next one to be in the middle of its write (its temporary file).
    const deadline = Date.now() + 120_000;
    const names = () => readdirSync(versionDir);
    while (!names().some((n) => /^snapshot\.[0-9a-f]+$/.test(n)) && Date.now() < deadline) await sleep(20);
    let caught: string | undefined;
    while (caught === undefined && Date.now() < deadline) {
      caught = names().find((n) => n.endsWith('.tmp'));
      if (caught === undefined) await sleep(2);
    }
    expect(caught, 'no snapshot was seen being written within 120 s').toBeDefined();
    await target.kill(1);
    stopWriting = true;
    await Promise.all(writers);
    expect(target.logTail(1, 2_000)).toMatch(/written in \d+ ms by the snapshot worker/);
    expect(names()).not.toContain(caught!.replace(/\.tmp$/, ''));

    await target.restart(1);
    expect(names().filter((n) => n.endsWith('.tmp'))).toEqual([]);
    for (const name of names().filter((n) => n.startsWith('snapshot.'))) {
      expect(await verifySnapshotFile(join(versionDir, name)), name).toMatchObject({ ok: true });
    }
    const reader = await connect(hostPort);
    const missing: string[] = [];
    for (const path of acknowledged) if ((await readData(reader, path)) !== valueOf(path)) missing.push(path);
    reader.destroy();
    expect(acknowledged.length).toBeGreaterThan(1_000);
    expect(missing).toEqual([]);
  });

  it('truncates a torn log tail at the last valid record and keeps what precedes it', async () => {
    target = await startPaddock();
    const member = target.members[0]!;
    const connection = await connect(target.hostPort);
    for (let i = 0; i < 20; i++) expect((await create(connection, `/torn-${i}`, `v${i}`)).header.err).toBe(0);
    connection.destroy();
    await target.kill(1);

    // Cut the newest log file in the middle of its last record (the create of /torn-19), then add garbage, as a
    // crash in the middle of a write leaves it.
    const newest = logFiles(member.dataDir).at(-1)!;
    const size = statSync(newest).size;
    truncateSync(newest, size - 7);
    appendFileSync(newest, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x13]));

    await target.restart(1);
    expect(target.logTail(1, 400)).toMatch(/Truncated torn\/corrupt log tail of log\.[0-9a-f]+ at offset \d+ after zxid 0x[0-9a-f]+/);
    const reader = await connect(target.hostPort);
    for (let i = 0; i < 19; i++) expect(await readData(reader, `/torn-${i}`)).toBe(`v${i}`);
    expect(await readData(reader, '/torn-19')).toBeUndefined();
    // The server goes on writing after the cut point.
    expect((await create(reader, '/torn-19', 'again')).header.err).toBe(0);
    expect(await readData(reader, '/torn-19')).toBe('again');
    reader.destroy();
  });

  it('refuses to start on a corrupted record in the middle of the log, changing nothing', async () => {
    target = await startPaddock();
    const member = target.members[0]!;
    const connection = await connect(target.hostPort);
    for (let i = 0; i < 10; i++) expect((await create(connection, `/flip-${i}`, `v${i}`)).header.err).toBe(0);
    connection.destroy();
    await target.kill(1);

    // Flip a byte inside the data of the last-but-two record: its checksum no longer matches.
    const newest = logFiles(member.dataDir).at(-1)!;
    const { readFileSync, writeFileSync } = await import('node:fs');
    const bytes = readFileSync(newest);
    const marker = bytes.lastIndexOf(Buffer.from('v7'));
    expect(marker).toBeGreaterThan(0);
    bytes[marker + 1] ^= 0xff;
    writeFileSync(newest, bytes);
    const before = dirFingerprint(member.dataDir);

    await expect(target.restart(1)).rejects.toThrow(/exited \(code 4\) before it served/);
    const tail = target.logTail(1, 20);
    expect(tail).toMatch(/cannot use the data dir: \S+log\.[0-9a-f]+ at offset \d+: checksum mismatch, with valid entries after it; refusing to start/);
    expect(tail).not.toMatch(/^\s+at /m);
    expect(dirFingerprint(member.dataDir)).toEqual(before);
  });
});

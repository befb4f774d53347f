// kill -9 while the snapshot worker is writing: the half-written snapshot never replaces a good one, recovery starts
// from the last complete snapshot and the log, and every acknowledged write is there afterwards.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPaddock } from '../../helpers/paddockServer.js';
import type { ZkTarget } from '../../helpers/zkTarget.js';
import { ZkConnection } from '../../../node-core/client/zkConnection.js';
import { verifySnapshotFile } from '../../../node-core/storage/index.js';
import {
  CreateMode,
  CreateRequestCodec,
  ErrorCode,
  GetDataResponseCodec,
  OpCode,
  PathWatchRequestCodec,
  Perms,
} from '../../../node-core/protocol/index.js';

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

function create(connection: ZkConnection, path: string, data: Buffer) {
  return connection.request(OpCode.create, (w) => CreateRequestCodec.write(w, { path, data, acl: openAcl, flags: CreateMode.persistent }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kill -9 during a worker snapshot', () => {
  it('recovers every acknowledged write and leaves no half-written snapshot', async () => {
    // A snapshot every 1,000-2,000 writes of a tree growing by 1 KiB nodes: each takes long enough to be caught.
    target = await startPaddock({ extraConfig: { snapCount: 2_000 } });
    const versionDir = join(target.members[0]!.dataDir, 'version-2');
    const setup = await connect(target.hostPort);
    expect((await create(setup, '/crash', Buffer.alloc(0))).header.err).toBe(0);
    setup.destroy();

    const acknowledged: string[] = [];
    let stopWriting = false;
    const writers = Array.from({ length: 4 }, async (_, writer) => {
      const connection = await connect(target!.hostPort);
      let n = 0;
      try {
        while (!stopWriting) {
          const batch = Array.from({ length: 16 }, () => {
            const path = `/crash/w${writer}-${n++}`;
            return create(connection, path, Buffer.alloc(1024, path)).then((reply) => {
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
    const complete = names().filter((n) => /^snapshot\.[0-9a-f]+$/.test(n));
    expect(complete).not.toContain(caught!.replace(/\.tmp$/, ''));

    await target.restart(1);
    expect(names().filter((n) => n.endsWith('.tmp'))).toEqual([]);
    for (const name of names().filter((n) => n.startsWith('snapshot.'))) {
      expect(await verifySnapshotFile(join(versionDir, name)), name).toMatchObject({ ok: true });
    }
    const reader = await connect(target.hostPort);
    const missing: string[] = [];
    for (const path of acknowledged) {
      const reply = await reader.request(OpCode.getData, (w) => PathWatchRequestCodec.write(w, { path, watch: false }));
      if (reply.header.err !== ErrorCode.ok || !GetDataResponseCodec.read(reply.body).data?.equals(Buffer.alloc(1024, path))) {
        missing.push(path);
      }
    }
    reader.destroy();
    expect(acknowledged.length).toBeGreaterThan(1_000);
    expect(missing).toEqual([]);
  });
});

// A data dir Paddock cannot use is refused, never damaged: `paddock server` prints one line (file, offset, what is
// wrong, what it did), exits non-zero without a stack trace, and not one byte of the directory changes. A damaged
// newest snapshot is passed over only when an older one and the log still hold everything.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient } from '../../../node-core/client/index.js';
import { dirFingerprint } from '../../helpers/dirFingerprint.js';
import { fourLetterWord } from '../../helpers/fourLetterWord.js';
import { PADDOCK_BIN, REPO_ROOT, startPaddock } from '../../helpers/paddockServer.js';
import { freePorts } from '../../helpers/ports.js';

const NODES = 60;
const work = mkdtempSync(join(tmpdir(), 'paddock-baddir-'));
let pristine: string;

/** zxid-ordered files of one kind in version-2, oldest first. */
function filesOf(dataDir: string, prefix: 'snapshot.' | 'log.'): string[] {
  return readdirSync(join(dataDir, 'version-2'))
    .filter((n) => n.startsWith(prefix) && /^[a-z]+\.[0-9a-f]+$/.test(n))
    .sort((a, b) => (BigInt('0x' + a.split('.')[1]) < BigInt('0x' + b.split('.')[1]) ? -1 : 1));
}

beforeAll(async () => {
  const target = await startPaddock({ extraConfig: { snapCount: 20 } });
  try {
    const client = await ZkClient.connect(target.connectString);
    for (let i = 0; i < NODES; i++) await client.create(`/n${i}`, `value-${i}`);
    // Snapshots are written in the background, one at a time: one that falls due while another is being written is
    // skipped, as in ZooKeeper. Keep writing until two are complete.
    for (let round = 0; round < 150 && filesOf(target.members[0]!.dataDir, 'snapshot.').length < 2; round++) {
      await client.create(`/more${round}`, 'x');
      await new Promise((r) => setTimeout(r, 100));
    }
    await client.close();
    await target.kill(1);
    pristine = join(work, 'pristine');
    cpSync(target.members[0]!.dataDir, pristine, { recursive: true });
  } finally {
    await target.stop();
  }
  expect(filesOf(pristine, 'snapshot.').length).toBeGreaterThanOrEqual(2);
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

let caseCount = 0;
async function copyCase(): Promise<{ dataDir: string; config: string; port: number }> {
  const dir = join(work, `case-${++caseCount}`);
  const dataDir = join(dir, 'data');
  cpSync(pristine, dataDir, { recursive: true });
  const [port, admin] = (await freePorts(2)) as [number, number];
  const config = join(dir, 'zoo.cfg');
  writeFileSync(
    config,
    [`dataDir=${dataDir}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'admin.serverAddress=127.0.0.1', `admin.serverPort=${admin}`, '4lw.commands.whitelist=*', ''].join('\n'),
  );
  return { dataDir, config, port };
}

interface Run {
  code: number | null;
  output: string;
}

/** Runs `paddock server` and waits for it to exit (a refusal) or, with `serve`, to answer srvr. */
function runServer(config: string, serve?: (port: number) => Promise<void>, port?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PADDOCK_BIN, 'server', config], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    child.once('error', reject);
    if (serve !== undefined && port !== undefined) {
      void (async () => {
        for (let i = 0; i < 200; i++) {
          const reply = await fourLetterWord('127.0.0.1', port, 'srvr', 500).catch(() => '');
          if (reply.includes('Mode:')) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        try {
          await serve(port);
        } finally {
          child.kill('SIGKILL');
        }
      })().catch(reject);
    }
  });
}

/** The refusal contract: exit code 4 (3 is a disk failure), one line naming file, offset and problem, no stack trace, nothing changed. */
async function expectRefusal(dataDir: string, config: string, file: string, problem: RegExp): Promise<void> {
  const before = dirFingerprint(dataDir);
  const run = await runServer(config);
  expect(run.code, run.output).toBe(4);
  const lines = run.output.split('\n').filter((l) => l.includes('cannot use the data dir'));
  expect(lines, run.output).toHaveLength(1);
  expect(lines[0]).toContain(join(dataDir, 'version-2', file) + ' at offset ');
  expect(lines[0]).toMatch(problem);
  expect(lines[0]).toMatch(/; refusing to start$/);
  expect(run.output).not.toMatch(/^\s+at /m);
  expect(dirFingerprint(dataDir)).toEqual(before);
}

function corrupt(file: string, at: (bytes: Buffer) => number): void {
  const bytes = readFileSync(file);
  bytes[at(bytes)]! ^= 0x5a;
  writeFileSync(file, bytes);
}

describe('paddock server on a data dir it cannot use', () => {
  it('refuses a snapshot of an unknown version when nothing older can replace it', async () => {
    const { dataDir, config } = await copyCase();
    const snaps = filesOf(dataDir, 'snapshot.');
    for (const older of snaps.slice(0, -1)) unlinkSync(join(dataDir, 'version-2', older));
    const newest = snaps.at(-1)!;
    const file = join(dataDir, 'version-2', newest);
    const bytes = readFileSync(file);
    bytes.writeInt32BE(7, 4);
    writeFileSync(file, bytes);
    // the log still starts at zxid 1 here, so remove the first file to leave nothing to replay from
    unlinkSync(join(dataDir, 'version-2', filesOf(dataDir, 'log.')[0]!));
    await expectRefusal(dataDir, config, newest, /unsupported snapshot version 7/);
  });

  it('falls back to the older snapshot when the newest fails its checksum and the log covers the gap', async () => {
    const { dataDir, config, port } = await copyCase();
    const snaps = filesOf(dataDir, 'snapshot.');
    const newest = snaps.at(-1)!;
    const bad = join(dataDir, 'version-2', newest);
    corrupt(bad, (b) => Math.floor(b.length / 2));
    const badBytes = readFileSync(bad);
    let served: string[] = [];
    const run = await runServer(
      config,
      async () => {
        const client = await ZkClient.connect(`127.0.0.1:${port}`);
        served = await Promise.all(Array.from({ length: NODES }, async (_, i) => (await client.getData(`/n${i}`)).data!.toString()));
        await client.close();
      },
      port,
    );
    expect(served).toEqual(Array.from({ length: NODES }, (_, i) => `value-${i}`));
    const line = run.output.split('\n').filter((l) => l.includes(`${newest} at offset`));
    expect(line, run.output).toHaveLength(1);
    expect(line[0]).toMatch(new RegExp(`checksum mismatch .*; fell back to ${snaps.at(-2)!.replace('.', '\\.')}$`));
    expect(readFileSync(bad)).toEqual(badBytes);
  });

  it('refuses a damaged newest snapshot when the log no longer holds what it covered', async () => {
    const { dataDir, config } = await copyCase();
    const snaps = filesOf(dataDir, 'snapshot.');
    const newest = snaps.at(-1)!;
    corrupt(join(dataDir, 'version-2', newest), (b) => Math.floor(b.length / 2));
    for (const log of filesOf(dataDir, 'log.')) unlinkSync(join(dataDir, 'version-2', log));
    await expectRefusal(dataDir, config, newest, /checksum mismatch .*the log does not hold zxids/);
  });

  it('refuses a log with a corrupt entry in the middle', async () => {
    const { dataDir, config } = await copyCase();
    // without snapshots every log file is read; the first value written sits early in the first file
    for (const snap of filesOf(dataDir, 'snapshot.')) unlinkSync(join(dataDir, 'version-2', snap));
    const firstLog = filesOf(dataDir, 'log.')[0]!;
    corrupt(join(dataDir, 'version-2', firstLog), (b) => b.indexOf(Buffer.from('value-0')) + 2);
    await expectRefusal(dataDir, config, firstLog, /checksum mismatch/);
  });

  it('refuses a newer compressed snapshot rather than starting without what it holds', async () => {
    const { dataDir, config } = await copyCase();
    writeFileSync(join(dataDir, 'version-2', 'snapshot.fffff.gz'), Buffer.from([0x1f, 0x8b, 8, 0]));
    await expectRefusal(dataDir, config, 'snapshot.fffff.gz', /gz-compressed snapshots are not supported/);
  });

  it('refuses a log of an unknown version', async () => {
    const { dataDir, config } = await copyCase();
    const firstLog = filesOf(dataDir, 'log.')[0]!;
    const file = join(dataDir, 'version-2', firstLog);
    const bytes = readFileSync(file);
    bytes.writeInt32BE(9, 4);
    writeFileSync(file, bytes);
    // without snapshots the whole log is read, so the first file's header is checked
    for (const snap of filesOf(dataDir, 'snapshot.')) unlinkSync(join(dataDir, 'version-2', snap));
    await expectRefusal(dataDir, config, firstLog, /unsupported log version 9/);
  });
});

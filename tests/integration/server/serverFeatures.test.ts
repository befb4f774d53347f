// Server features a client-level differential test does not reach: container and TTL reaping, snapshots and
// recovery from them, connection limits, config errors, TLS on the secure client port and a clean Ctrl-C.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as net from 'node:net';
import { startPaddock, PADDOCK_BIN } from '../../helpers/paddockServer.js';
import type { ZkTarget } from '../../helpers/zkTarget.js';
import { freePort, freePorts } from '../../helpers/ports.js';
import { fourLetterWord } from '../../helpers/fourLetterWord.js';
import { sendAndAwaitClose } from '../../helpers/rawSocket.js';
import { ZkConnection, type ZkTlsOptions } from '../../../node-core/client/zkConnection.js';
import {
  CreateMode,
  CreateRequestCodec,
  CreateTTLRequestCodec,
  OpCode,
  PathVersionRequestCodec,
  PathWatchRequestCodec,
  Perms,
} from '../../../node-core/protocol/index.js';

const openAcl = [{ perms: Perms.all, id: { scheme: 'world', id: 'anyone' } }];
let target: ZkTarget | undefined;
const tempDirs: string[] = [];

afterEach(async () => {
  await target?.stop();
  target = undefined;
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paddock-server-test-'));
  tempDirs.push(dir);
  return dir;
}

async function connect(port: number, tls?: ZkTlsOptions): Promise<ZkConnection> {
  return ZkConnection.connect({ host: '127.0.0.1', port, sessionTimeout: 10_000, tls });
}

function create(connection: ZkConnection, path: string, mode: number = CreateMode.persistent) {
  // The opcode, not the flags, makes a container (ZooKeeper accepts the container flag on a plain create).
  const type = mode === CreateMode.container ? OpCode.createContainer : OpCode.create;
  return connection.request(type, (w) =>
    CreateRequestCodec.write(w, { path, data: Buffer.from(path), acl: openAcl, flags: mode }),
  );
}

async function exists(connection: ZkConnection, path: string): Promise<boolean> {
  const reply = await connection.request(OpCode.exists, (w) => PathWatchRequestCodec.write(w, { path, watch: false }));
  return reply.header.err === 0;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

describe('container and TTL reaping', () => {
  it('removes emptied containers and expired TTL nodes, and keeps the rest', async () => {
    target = await startPaddock({ extraConfig: { 'znode.container.checkIntervalMs': 200 } });
    const c = await connect(target.members[0]!.clientPort);
    expect((await create(c, '/used', CreateMode.container)).header.err).toBe(0);
    expect((await create(c, '/unused', CreateMode.container)).header.err).toBe(0);
    expect((await create(c, '/used/child')).header.err).toBe(0);
    const ttl = await c.request(OpCode.createTTL, (w) =>
      CreateTTLRequestCodec.write(w, { path: '/short', data: null, acl: openAcl, flags: CreateMode.persistentWithTtl, ttl: 300n }),
    );
    expect(ttl.header.err).toBe(0);
    const long = await c.request(OpCode.createTTL, (w) =>
      CreateTTLRequestCodec.write(w, { path: '/long', data: null, acl: openAcl, flags: CreateMode.persistentWithTtl, ttl: 600_000n }),
    );
    expect(long.header.err).toBe(0);

    // A container with a child stays; once emptied it goes.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await exists(c, '/used')).toBe(true);
    const deleted = await c.request(OpCode.delete, (w) => PathVersionRequestCodec.write(w, { path: '/used/child', version: -1 }));
    expect(deleted.header.err).toBe(0);
    expect(await waitFor(async () => !(await exists(c, '/used')), 5_000)).toBe(true);
    expect(await waitFor(async () => !(await exists(c, '/short')), 5_000)).toBe(true);
    // Never-used containers are kept (maxNeverUsedIntervalMs is 0), and an unexpired TTL node stays.
    expect(await exists(c, '/unused')).toBe(true);
    expect(await exists(c, '/long')).toBe(true);
    c.destroy();
  });
});

describe('snapshots', () => {
  it('snapshots every snapCount transactions and recovers from snapshot plus log after kill -9', async () => {
    target = await startPaddock({ extraConfig: { snapCount: 20 } });
    const member = target.members[0]!;
    const c = await connect(member.clientPort);
    for (let i = 0; i < 120; i++) expect((await create(c, `/snap-${i}`)).header.err).toBe(0);
    c.destroy();
    const files = () => readdirSync(join(member.dataDir, 'version-2'));
    expect(await waitFor(async () => files().filter((f) => f.startsWith('snapshot.')).length >= 3, 5_000)).toBe(true);
    expect(files().filter((f) => f.startsWith('log.')).length).toBeGreaterThanOrEqual(2);

    await target.kill(1);
    await target.restart(1);
    expect(target.logTail(1, 200)).toMatch(/Recovered \d+ znodes, \d+ sessions at zxid 0x[0-9a-f]+ \(snapshot 0x[1-9a-f][0-9a-f]*/);
    const reader = await connect(member.clientPort);
    for (let i = 0; i < 120; i++) expect(await exists(reader, `/snap-${i}`)).toBe(true);
    reader.destroy();
  });
});

describe('connection limits', () => {
  it('refuses connections beyond maxClientCnxns from one address and keeps the others', async () => {
    target = await startPaddock({ extraConfig: { maxClientCnxns: 3 } });
    const port = target.members[0]!.clientPort;
    const kept = await Promise.all([connect(port), connect(port), connect(port)]);
    await expect(connect(port)).rejects.toThrow();
    expect(await exists(kept[0]!, '/')).toBe(true);
    expect(target.logTail(1, 50)).toMatch(/Too many connections from \/127\.0\.0\.1 - max is 3/);
    for (const c of kept) c.destroy();
  });
});

describe('configuration errors', () => {
  it('names the file, line and reason of a bad value and exits non-zero', () => {
    const dir = tempDir();
    const cfg = join(dir, 'zoo.cfg');
    writeFileSync(cfg, `# comment\ndataDir=${dir}/data\ntickTime=fast\nclientPort=2181\n`);
    let output = '';
    let status = 0;
    try {
      execFileSync(process.execPath, [PADDOCK_BIN, 'server', cfg], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const failure = error as { status: number; stderr: string };
      status = failure.status;
      output = failure.stderr;
    }
    expect(status).not.toBe(0);
    expect(output).toContain(`${cfg}:3: tickTime:`);
  });

  it('starts with a warning for keys that only mean something to Java', async () => {
    target = await startPaddock({ extraConfig: { serverCnxnFactory: 'org.apache.zookeeper.server.NettyServerCnxnFactory', 'authProvider.1': 'org.example.Auth' } });
    expect(await target.fourLetterWord('ruok')).toBe('imok');
    expect(target.logTail(1, 100)).toMatch(/WARN .*serverCnxnFactory/);
  });
});

describe('TLS on the secure client port', () => {
  it('serves a client that presents a certificate signed by the trusted CA', async () => {
    const dir = tempDir();
    const sh = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    sh(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=paddock-test-ca']);
    for (const name of ['server', 'client']) {
      sh(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
      writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
      sh(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
    }
    // ZooKeeper's PEM key store holds the private key and the certificate in one file.
    writeFileSync(join(dir, 'server-store.pem'), readFileSync(join(dir, 'server.key'), 'utf8') + readFileSync(join(dir, 'server.pem'), 'utf8'));
    const securePort = await freePort();
    target = await startPaddock({
      extraConfig: {
        secureClientPort: securePort,
        'ssl.keyStore.location': join(dir, 'server-store.pem'),
        'ssl.keyStore.type': 'PEM',
        'ssl.trustStore.location': join(dir, 'ca.pem'),
        'ssl.trustStore.type': 'PEM',
        'nio.sessionlessCnxnTimeout': 2000,
      },
    });
    const tls: ZkTlsOptions = {
      ca: readFileSync(join(dir, 'ca.pem')),
      cert: readFileSync(join(dir, 'client.pem')),
      key: readFileSync(join(dir, 'client.key')),
    };
    const secure = await connect(securePort, tls);
    expect((await create(secure, '/over-tls')).header.err).toBe(0);
    const plain = await connect(target.members[0]!.clientPort);
    expect(await exists(plain, '/over-tls')).toBe(true);
    // Without a client certificate the handshake is refused (ssl.clientAuth defaults to need).
    await expect(connect(securePort, { ca: tls.ca })).rejects.toThrow();
    // A peer that never starts TLS is closed after nio.sessionlessCnxnTimeout, as one on the plain port is.
    const { closedAfterMs } = await sendAndAwaitClose(securePort, Buffer.alloc(0), 20_000);
    expect(closedAfterMs).toBeGreaterThanOrEqual(1900);
    expect(closedAfterMs).toBeLessThan(8000);
    secure.destroy();
    plain.destroy();
  });
});

describe('shutdown', () => {
  it('stops cleanly on SIGINT and frees its port', async () => {
    const dir = tempDir();
    const [clientPort, adminPort] = await freePorts(2);
    const cfg = join(dir, 'zoo.cfg');
    writeFileSync(
      cfg,
      `tickTime=2000\ndataDir=${dir}/data\nclientPort=${clientPort}\nclientPortAddress=127.0.0.1\n` +
        `admin.serverAddress=127.0.0.1\nadmin.serverPort=${adminPort}\n4lw.commands.whitelist=*\n`,
    );
    const child = spawn(process.execPath, [PADDOCK_BIN, 'server', cfg], { stdio: 'ignore' });
    try {
      expect(await waitFor(() => fourLetterWord('127.0.0.1', clientPort!, 'ruok').then((a) => a === 'imok', () => false), 15_000)).toBe(true);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      const refused = await new Promise<boolean>((resolve) => {
        const socket = net.connect(clientPort!, '127.0.0.1');
        socket.on('connect', () => (socket.destroy(), resolve(false)));
        socket.on('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});



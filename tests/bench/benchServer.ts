// Runs the two servers under test on 127.0.0.1 with one identical zoo.cfg: Paddock (`node bin/paddock.mjs server`)
// and Apache ZooKeeper 3.8 (QuorumPeerMain with a production heap and the JVM's default GC). A server can be stopped
// and started again on the same data dir, and its start is timed to the first answered getData (recovery).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ZkConnection } from '../../node-core/client/zkConnection.js';
import { OpCode, PathWatchRequestCodec } from '../../node-core/protocol/index.js';
import type { HostPort } from './loadMessages.js';

export type ServerKind = 'paddock' | 'apache';
export const serverKinds: readonly ServerKind[] = ['paddock', 'apache'];
export const serverLabels: Record<ServerKind, string> = { paddock: 'Paddock', apache: 'ZooKeeper' };

const HOST = '127.0.0.1';
const JAR_DIR = '/usr/share/java';
/** Apache ZooKeeper's JVM heap: a production-sized fixed maximum, as zkEnv.sh's ZK_SERVER_HEAP would set. */
export const APACHE_HEAP = '-Xmx2g';

/** The repository root, found from this file whether it runs from tests/bench or dist/tests/bench. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'bin', 'paddock.mjs')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (bin/paddock.mjs) above the benchmark');
    dir = parent;
  }
}

export interface BenchServerOptions {
  kind: ServerKind;
  /** 1 = standalone; 3 = a quorum ensemble (server.N lines, myid files). */
  size: number;
  /** Paddock only: write a V8 CPU profile of each member process into this directory. */
  profileDir?: string;
  /** Names the profile files, so each phase's profile can be told apart. */
  profileName?: string;
  /** Raised jute.maxbuffer (zoo.cfg for Paddock, the JVM property for ZooKeeper, which reads it only there). */
  juteMaxBuffer?: number;
  /** zoo.cfg lines after the common ones (both servers get the same), e.g. `snapCount=10000`. */
  extraConfig?: string[];
}

interface Member {
  id: number;
  clientPort: number;
  quorumPort: number;
  electionPort: number;
  adminPort: number;
  dataDir: string;
  configPath: string;
  logPath: string;
  child: ChildProcess | undefined;
  exited: Promise<void>;
}

export interface BenchServer {
  readonly kind: ServerKind;
  readonly size: number;
  readonly dir: string;
  readonly targets: HostPort[];
  /** Process ids of the running members (a standalone server has one). */
  pids(): number[];
  /** Starts every member and resolves with ms from spawn until each answers a getData of `probePath`. */
  start(probePath?: string): Promise<number>;
  /** SIGTERM, then SIGKILL after 10 s; waits for the processes to exit. Data stays for a restart. */
  stop(): Promise<void>;
  /** Stops and removes the data. */
  destroy(): Promise<void>;
  logPath(id?: number): string;
  /** The Mode line of `srvr` per member (standalone, leader, follower), to catch a server ignoring server.N. */
  modes(): Promise<Array<string | undefined>>;
  /** Member ids, 1..size; targets[id - 1] is that member's client port. */
  readonly memberIds: readonly number[];
  /** "host:port,host:port,..." of every member, for a client that fails over across the ensemble. */
  readonly connectString: string;
  adminPort(id: number): number;
  /** The srvr Mode of one member; undefined while it is down or not serving. */
  mode(id: number): Promise<string | undefined>;
  isRunning(id: number): boolean;
  /** kill -9 of one member's process group; resolves once it has exited. */
  kill(id: number): Promise<void>;
  /** Starts one stopped member again on its data dir; resolves with ms from spawn until it answers a getData. */
  startMember(id: number, probePath?: string, timeoutMs?: number): Promise<number>;
}

function listenOnEphemeral(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: HOST, port: 0, exclusive: true }, () => resolve(server));
  });
}

async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < n; i++) servers.push(await listenOnEphemeral());
    return servers.map((s) => {
      const address = s.address();
      if (address === null || typeof address === 'string') throw new Error('listener has no TCP address');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

function zooCfg(member: Member, all: Member[], options: BenchServerOptions): string {
  const lines = [
    'tickTime=2000',
    'initLimit=5',
    'syncLimit=2',
    'forceSync=yes',
    `dataDir=${member.dataDir}`,
    `clientPort=${member.clientPort}`,
    `clientPortAddress=${HOST}`,
    `admin.serverAddress=${HOST}`,
    `admin.serverPort=${member.adminPort}`,
    '4lw.commands.whitelist=*',
    ...(options.extraConfig ?? []),
  ];
  if (options.juteMaxBuffer !== undefined && options.kind === 'paddock') lines.push(`jute.maxbuffer=${options.juteMaxBuffer}`);
  if (all.length > 1) for (const m of all) lines.push(`server.${m.id}=${HOST}:${m.quorumPort}:${m.electionPort}`);
  return lines.join('\n') + '\n';
}

const LOG4J_PROPERTIES = `log4j.rootLogger=INFO, CONSOLE
log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender
log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout
log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} %-5p [%t:%C{1}@%L] - %m%n
`;

// zookeeper.jar's manifest names most of its dependencies; the servlet API (for the AdminServer, which Paddock
// also runs) and a log4j binding (so a failed start can be diagnosed) have to be added.
function apacheClasspath(dir: string): string {
  const jars = ['zookeeper.jar', 'servlet-api.jar', 'slf4j-log4j12.jar', 'log4j-1.2.jar'].map((j) => join(JAR_DIR, j));
  return [dir, ...jars.filter((j) => existsSync(j))].join(delimiter);
}

function javaBinary(): string {
  const candidates = [...(process.env.JAVA_HOME ? [join(process.env.JAVA_HOME, 'bin', 'java')] : []), '/usr/bin/java'];
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) throw new Error('Apache ZooKeeper needs java (apt-get install -y zookeeper)');
  return found;
}

function launchCommand(options: BenchServerOptions, member: Member, dir: string): { file: string; args: string[] } {
  if (options.kind === 'paddock') {
    const profile =
      options.profileDir === undefined
        ? []
        : [
            '--cpu-prof',
            `--cpu-prof-dir=${options.profileDir}`,
            `--cpu-prof-name=paddock-${options.profileName ?? 'server'}-${member.id}-${Date.now()}.cpuprofile`,
          ];
    return { file: process.execPath, args: [...profile, join(repoRoot(), 'bin', 'paddock.mjs'), 'server', member.configPath] };
  }
  if (!existsSync(join(JAR_DIR, 'zookeeper.jar'))) throw new Error(`${JAR_DIR}/zookeeper.jar is missing`);
  return {
    file: javaBinary(),
    args: [
      APACHE_HEAP,
      ...(options.juteMaxBuffer === undefined ? [] : [`-Djute.maxbuffer=${options.juteMaxBuffer}`]),
      `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`,
      '-cp',
      apacheClasspath(dir),
      'org.apache.zookeeper.server.quorum.QuorumPeerMain',
      member.configPath,
    ],
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Every spawned process group, killed if the benchmark itself dies half way.
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Polls until a getData of `path` on `target` succeeds; a refused or dropped connection just means "not yet". */
async function waitForRead(target: HostPort, path: string, alive: () => boolean, deadline: number): Promise<void> {
  while (performance.now() < deadline) {
    if (!alive()) throw new Error('the server exited before it served');
    let connection: ZkConnection | undefined;
    let served = false;
    try {
      connection = await ZkConnection.connect({ ...target, sessionTimeout: 30_000, connectTimeoutMs: 2_000 });
      const reply = await connection.request(OpCode.getData, (w) => PathWatchRequestCodec.write(w, { path, watch: false }));
      served = reply.header.err === 0;
    } catch {
      // not listening or not serving yet
    }
    // close() ends the session at once instead of leaving it to expire and skew the next measurement
    if (connection !== undefined) await connection.close(1_000);
    if (served) return;
    await sleep(5);
  }
  throw new Error(`no answer to getData ${path} on ${target.host}:${target.port} in time`);
}

/** A four-letter word's reply, or '' when the member does not answer within 2 s. */
function fourLetterWord(port: number, word: string): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: HOST, port }, () => socket.write(word));
    const timer = setTimeout(() => socket.destroy(), 2_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

async function srvrMode(port: number): Promise<string | undefined> {
  return /^Mode: (\S+)/m.exec(await fourLetterWord(port, 'srvr'))?.[1];
}

/**
 * Snapshots each member has written since it started (mntr's zk_cnt_snapshottime, which ZooKeeper 3.8 and Paddock
 * both report); undefined for a member that does not answer.
 */
export async function snapshotsTaken(server: BenchServer): Promise<(number | undefined)[]> {
  const replies = await Promise.all(server.targets.map((t) => fourLetterWord(t.port, 'mntr')));
  return replies.map((text) => {
    const match = /^zk_cnt_snapshottime\s+(\d+)/m.exec(text);
    return match === null ? undefined : Number(match[1]);
  });
}

export async function createBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), `paddock-bench-${options.kind}-`));
  const ports = await freePorts(options.size * 4);
  const members: Member[] = [];
  for (let i = 0; i < options.size; i++) {
    const id = i + 1;
    const memberDir = join(dir, `server${id}`);
    members.push({
      id,
      clientPort: ports[i * 4]!,
      adminPort: ports[i * 4 + 1]!,
      quorumPort: ports[i * 4 + 2]!,
      electionPort: ports[i * 4 + 3]!,
      dataDir: join(memberDir, 'data'),
      configPath: join(memberDir, 'zoo.cfg'),
      logPath: join(memberDir, 'server.log'),
      child: undefined,
      exited: Promise.resolve(),
    });
  }
  for (const m of members) {
    mkdirSync(m.dataDir, { recursive: true });
    writeFileSync(join(m.dataDir, 'myid'), `${m.id}\n`);
    writeFileSync(m.configPath, zooCfg(m, members, options));
  }
  if (options.kind === 'apache') writeFileSync(join(dir, 'log4j.properties'), LOG4J_PROPERTIES);
  if (options.profileDir !== undefined) mkdirSync(options.profileDir, { recursive: true });

  const launch = (m: Member) => {
    const command = launchCommand(options, m, dir);
    const logFd = openSync(m.logPath, 'a');
    let child: ChildProcess;
    try {
      // its own process group, so a wrapper and its children are signalled together
      child = spawn(command.file, command.args, { cwd: dir, detached: true, stdio: ['ignore', logFd, logFd] });
    } finally {
      closeSync(logFd);
    }
    m.child = child;
    const pid = child.pid;
    if (pid !== undefined) liveGroups.add(pid);
    m.exited = new Promise<void>((resolve) => {
      const done = () => {
        if (pid !== undefined) liveGroups.delete(pid);
        if (m.child === child) m.child = undefined;
        resolve();
      };
      child.once('exit', done);
      child.once('error', done);
    });
  };

  const signal = (m: Member, name: NodeJS.Signals) => {
    const pid = m.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, name);
    } catch {
      // gone already
    }
  };

  const stopMember = async (m: Member) => {
    if (m.child === undefined) return;
    signal(m, 'SIGTERM');
    const exited = await Promise.race([m.exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!exited) {
      signal(m, 'SIGKILL');
      await m.exited;
    }
  };

  const memberOf = (id: number): Member => {
    const m = members[id - 1];
    if (m === undefined) throw new Error(`no member ${id} in a ${members.length}-member server`);
    return m;
  };

  const server: BenchServer = {
    kind: options.kind,
    size: options.size,
    dir,
    targets: members.map((m) => ({ host: HOST, port: m.clientPort })),
    pids: () => members.flatMap((m) => (m.child?.pid === undefined ? [] : [m.child.pid])),
    async start(probePath = '/') {
      const started = performance.now();
      for (const m of members) launch(m);
      const deadline = started + (options.size > 1 ? 90_000 : 600_000);
      try {
        await Promise.all(
          members.map((m) => waitForRead({ host: HOST, port: m.clientPort }, probePath, () => m.child !== undefined, deadline)),
        );
      } catch (error) {
        await Promise.all(members.map(stopMember));
        const log = members.map((m) => m.logPath).join(', ');
        throw new Error(`${serverLabels[options.kind]} did not start: ${(error as Error).message} (logs: ${log})`);
      }
      return performance.now() - started;
    },
    async stop() {
      await Promise.all(members.map(stopMember));
    },
    async destroy() {
      await Promise.all(members.map(stopMember));
      if (process.env.PADDOCK_KEEP_TMP === undefined) rmSync(dir, { recursive: true, force: true });
    },
    logPath: (id = 1) => members[id - 1]!.logPath,
    modes: () => Promise.all(members.map((m) => srvrMode(m.clientPort))),
    memberIds: members.map((m) => m.id),
    connectString: members.map((m) => `${HOST}:${m.clientPort}`).join(','),
    adminPort: (id) => memberOf(id).adminPort,
    mode: (id) => srvrMode(memberOf(id).clientPort),
    isRunning: (id) => memberOf(id).child !== undefined,
    async kill(id) {
      const m = memberOf(id);
      signal(m, 'SIGKILL');
      await m.exited;
    },
    async startMember(id, probePath = '/', timeoutMs = 90_000) {
      const m = memberOf(id);
      if (m.child !== undefined) throw new Error(`member ${id} is already running`);
      const started = performance.now();
      launch(m);
      try {
        await waitForRead({ host: HOST, port: m.clientPort }, probePath, () => m.child !== undefined, started + timeoutMs);
      } catch (error) {
        await stopMember(m);
        throw new Error(`${serverLabels[options.kind]} member ${id} did not start again: ${(error as Error).message} (log: ${m.logPath})`);
      }
      return performance.now() - started;
    },
  };
  return server;
}

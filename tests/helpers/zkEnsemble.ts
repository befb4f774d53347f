// Runs a ZooKeeper-compatible server (Apache ZooKeeper or Paddock) as real processes on 127.0.0.1 for tests:
// writes a zoo.cfg and myid per member, spawns each member in its own process group, waits until every member
// serves, and tears the processes down again. apacheZk.ts and paddockServer.ts only say how to launch one member.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fourLetterWord, serverMode } from './fourLetterWord.js';
import { freePorts } from './ports.js';

export type TargetKind = 'apache' | 'paddock';

export interface ZkStartOptions {
  /** 1 (the default) runs one standalone server; 3 or 5 run a quorum ensemble. */
  size?: number;
  /** Extra zoo.cfg keys, written after the defaults so they override them. */
  extraConfig?: Record<string, string | number | boolean>;
  /** Extra zoo.cfg keys for one member only (its own ports, say), written last. */
  memberConfig?: (id: number) => Record<string, string | number | boolean>;
  /** `user:base64(sha1("user:password"))`: enables the digest super user (a Java system property in Apache ZK). */
  superDigest?: string;
  /** How long to wait for every member to answer ruok and report a Mode. */
  startTimeoutMs?: number;
  /**
   * Member ids (counted in `size`) that join as non-voting observers: `server.N=...:observer` in every zoo.cfg and
   * `peerType=observer` in the observer's own, as ZooKeeper wants both.
   */
  observers?: number[];
  /**
   * A mixed ensemble: the launcher of each member, by id (members not named use the ensemble's launcher). Each
   * launcher's prepare runs once.
   */
  engines?: Record<number, ServerLauncher>;
}

export interface ZkMember {
  /** The server id (myid), 1-based. */
  id: number;
  clientPort: number;
  adminPort: number;
  quorumPort: number;
  electionPort: number;
  /** `127.0.0.1:<clientPort>` */
  hostPort: string;
  dataDir: string;
  configPath: string;
  /** stdout and stderr of the member process, appended across restarts. */
  logPath: string;
  /** Undefined while the member is not running. */
  pid: number | undefined;
}

export interface ZkTarget {
  kind: TargetKind;
  /** Every member, comma separated, as clients take it. */
  connectString: string;
  /** The first member only, for tools that take one server (zkCli -server, cli_mt). */
  hostPort: string;
  members: ZkMember[];
  /** Temp directory holding configs, data and logs; removed by a clean stop(). */
  dir: string;
  /** Terminates every member (SIGTERM, then SIGKILL after 5 s) and removes the temp directory. */
  stop(): Promise<void>;
  /** SIGKILLs one member's process group, like a crash. */
  kill(id: number): Promise<void>;
  /** Starts a killed member again on the same config and data, and waits until it serves. */
  restart(id: number): Promise<void>;
  /**
   * Starts a killed member with another server (Apache ZooKeeper or Paddock) on the same zoo.cfg and data dir, as a
   * migration would, and waits until it serves; later restarts use that server too.
   */
  restartWith(id: number, launcher: ServerLauncher): Promise<void>;
  /**
   * Sends `signal` to one member's process (as systemd or kill(1) would) and waits up to `timeoutMs` for it to
   * exit; a member still running then is SIGKILLed and reported as timed out.
   */
  signalAndWait(id: number, signal: NodeJS.Signals, timeoutMs?: number): Promise<MemberExit>;
  /** Waits up to `timeoutMs` for a member to exit by itself (SIGKILLed and reported as timed out after that). */
  waitForExit(id: number, timeoutMs?: number): Promise<MemberExit>;
  fourLetterWord(word: string, id?: number): Promise<string>;
  logTail(id: number, lines?: number): string;
}

export interface MemberExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From sending the signal (or starting to wait) to the process's exit, as the parent saw it. */
  elapsedMs: number;
  timedOut: boolean;
}

export interface LaunchCommand {
  file: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** What differs between Apache ZooKeeper and Paddock: how to run one member from its zoo.cfg. */
export interface ServerLauncher {
  kind: TargetKind;
  /** Used in error messages, e.g. "apache zookeeper" or "paddock server". */
  label: string;
  /** Throws a helpful error when the software is not installed or built. */
  preflight(): void;
  /** Runs once per ensemble, before any member starts (e.g. to write a logging config into dir). */
  prepare?(dir: string, options: ZkStartOptions): void;
  command(member: ZkMember, dir: string, options: ZkStartOptions): LaunchCommand;
  /** A hint appended to start failures. */
  failureHint?: string;
}

const HOST = '127.0.0.1';
const LOG_TAIL_LINES = 30;

// Processes outlive a crashed test file unless someone kills them; this is the last line of defence when a worker
// exits without running afterAll, or a caller forgets stop().
const liveProcessGroups = new Set<number>();
const unstoppedDirs = new Set<string>();
process.once('exit', () => {
  for (const pid of liveProcessGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (process.env.PADDOCK_KEEP_TMP !== undefined) return;
  for (const dir of unstoppedDirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // a dying JVM may still be writing; a stray temp dir is not worth failing the exit for
    }
  }
});

export function zooCfg(member: ZkMember, all: ZkMember[], options: ZkStartOptions): string {
  const entries: Record<string, string | number | boolean> = {
    tickTime: 2000,
    initLimit: 5,
    syncLimit: 2,
    dataDir: member.dataDir,
    clientPort: member.clientPort,
    clientPortAddress: HOST,
    'admin.serverAddress': HOST,
    'admin.serverPort': member.adminPort,
    '4lw.commands.whitelist': '*',
    // Apache ZK turns unknown zoo.cfg keys into zookeeper.<key> system properties; the launcher passes the same
    // value with -D as well, and Paddock is expected to read it from here.
    extendedTypesEnabled: true,
  };
  if (options.superDigest !== undefined) entries['DigestAuthenticationProvider.superDigest'] = options.superDigest;
  if (all.length > 1) {
    const observers = new Set(options.observers ?? []);
    for (const m of all) {
      entries[`server.${m.id}`] = `${HOST}:${m.quorumPort}:${m.electionPort}${observers.has(m.id) ? ':observer' : ''}`;
    }
    if (observers.has(member.id)) entries.peerType = 'observer';
  }
  Object.assign(entries, options.extraConfig ?? {}, options.memberConfig?.(member.id) ?? {});
  return Object.entries(entries)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('\n')
    .concat('\n');
}

function tailOf(path: string, lines = LOG_TAIL_LINES): string {
  try {
    const all = readFileSync(path, 'utf8').split('\n');
    if (all[all.length - 1] === '') all.pop();
    return all.slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  exitInfo: string | undefined;
  exitedAt?: number;
}

export async function startEnsemble(launcher: ServerLauncher, options: ZkStartOptions = {}): Promise<ZkTarget> {
  const launcherOf = new Map<number, ServerLauncher>(Object.entries(options.engines ?? {}).map(([id, l]) => [Number(id), l]));
  const engines = new Set([launcher, ...launcherOf.values()]);
  for (const l of engines) l.preflight();
  const size = options.size ?? 1;
  if (!Number.isInteger(size) || size < 1) throw new Error(`ensemble size must be a positive integer, got ${size}`);
  const timeoutMs = options.startTimeoutMs ?? (size > 1 ? 45_000 : 20_000);
  const dir = mkdtempSync(join(tmpdir(), `paddock-${launcher.kind}-`));
  const ports = await freePorts(size * 4);
  const members: ZkMember[] = [];
  for (let i = 0; i < size; i++) {
    const id = i + 1;
    const memberDir = join(dir, `server${id}`);
    const [clientPort, adminPort, quorumPort, electionPort] = ports.slice(i * 4, i * 4 + 4) as [
      number,
      number,
      number,
      number,
    ];
    members.push({
      id,
      clientPort,
      adminPort,
      quorumPort,
      electionPort,
      hostPort: `${HOST}:${clientPort}`,
      dataDir: join(memberDir, 'data'),
      configPath: join(memberDir, 'zoo.cfg'),
      logPath: join(memberDir, 'server.log'),
      pid: undefined,
    });
  }
  for (const m of members) {
    mkdirSync(m.dataDir, { recursive: true });
    writeFileSync(join(m.dataDir, 'myid'), `${m.id}\n`);
    writeFileSync(m.configPath, zooCfg(m, members, options));
  }
  for (const l of engines) l.prepare?.(dir, options);

  const running = new Map<number, Running>();
  const lastExit = new Map<number, string>();
  const lastExitStatus = new Map<number, { code: number | null; signal: NodeJS.Signals | null }>();
  const memberById = (id: number): ZkMember => {
    const m = members.find((x) => x.id === id);
    if (m === undefined) throw new Error(`no member with id ${id} (ids 1..${members.length})`);
    return m;
  };

  const launch = (m: ZkMember): void => {
    const cmd = (launcherOf.get(m.id) ?? launcher).command(m, dir, options);
    const logFd = openSync(m.logPath, 'a');
    let child: ChildProcess;
    try {
      // detached: the member leads its own process group, so wrapper scripts and their children die together.
      child = spawn(cmd.file, cmd.args, {
        cwd: cmd.cwd ?? dir,
        env: cmd.env ?? process.env,
        detached: true,
        stdio: ['ignore', logFd, logFd],
      });
    } finally {
      closeSync(logFd);
    }
    const pid = child.pid;
    const entry: Running = { child, exitInfo: undefined, exited: Promise.resolve() };
    entry.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        entry.exitedAt = performance.now();
        lastExitStatus.set(m.id, { code, signal });
        entry.exitInfo = signal !== null ? `signal ${signal}` : `code ${String(code)}`;
        lastExit.set(m.id, entry.exitInfo);
        if (pid !== undefined) liveProcessGroups.delete(pid);
        if (running.get(m.id) === entry) {
          running.delete(m.id);
          m.pid = undefined;
        }
        resolve();
      });
      child.once('error', (err) => {
        entry.exitInfo = `spawn error: ${err.message}`;
        lastExit.set(m.id, entry.exitInfo);
        if (running.get(m.id) === entry) {
          running.delete(m.id);
          m.pid = undefined;
        }
        resolve();
      });
    });
    if (pid !== undefined) liveProcessGroups.add(pid);
    m.pid = pid;
    running.set(m.id, entry);
  };

  const signalGroup = (pid: number, signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is already gone
    }
  };

  const terminate = async (m: ZkMember, graceful: boolean): Promise<void> => {
    const entry = running.get(m.id);
    const pid = entry?.child.pid;
    if (entry === undefined || pid === undefined) return;
    if (graceful) {
      signalGroup(pid, 'SIGTERM');
      const timedOut = await Promise.race([entry.exited.then(() => false), sleep(5_000).then(() => true)]);
      if (!timedOut) {
        // the leader may have exited while a helper in its group lingers
        signalGroup(pid, 'SIGKILL');
        return;
      }
    }
    signalGroup(pid, 'SIGKILL');
    await entry.exited;
  };

  const failure = (m: ZkMember, what: string): Error => {
    const memberLauncher = launcherOf.get(m.id) ?? launcher;
    const hint = memberLauncher.failureHint !== undefined ? `\n${launcher.failureHint}` : '';
    return new Error(
      `${memberLauncher.label} ${what}; see log at ${m.logPath}${hint}\n` +
        `--- last ${LOG_TAIL_LINES} lines of ${m.logPath} ---\n${tailOf(m.logPath)}`,
    );
  };

  const waitServing = async (targets: ZkMember[]): Promise<void> => {
    const started = Date.now();
    const deadline = started + timeoutMs;
    const pending = new Set(targets);
    const answeredRuok = new Set<ZkMember>();
    while (pending.size > 0) {
      for (const m of [...pending]) {
        const entry = running.get(m.id);
        if (entry === undefined) {
          throw failure(m, `(server ${m.id}) exited (${lastExit.get(m.id) ?? 'unknown'}) before it served`);
        }
        try {
          if (!answeredRuok.has(m)) {
            if ((await fourLetterWord(HOST, m.clientPort, 'ruok', 1_000)) !== 'imok') continue;
            answeredRuok.add(m);
          }
          if ((await serverMode(HOST, m.clientPort)) !== undefined) pending.delete(m);
        } catch {
          // not listening yet
        }
      }
      if (pending.size === 0) break;
      if (Date.now() > deadline) {
        const m = [...pending][0]!;
        const seconds = Math.round(timeoutMs / 1000);
        throw failure(
          m,
          answeredRuok.has(m)
            ? `(server ${m.id}) answered ruok but srvr showed no Mode within ${seconds}s (no quorum?)`
            : `(server ${m.id}) did not answer ruok within ${seconds}s`,
        );
      }
      await sleep(100);
    }
  };

  const waitForExit = async (id: number, timeoutMs: number, act: (child: ChildProcess) => void): Promise<MemberExit> => {
    const entry = running.get(id);
    const startedAt = performance.now();
    if (entry === undefined) {
      const last = lastExitStatus.get(id);
      if (last === undefined) throw new Error(`server ${id} is not running`);
      // it exited before the wait began: its code is known, how long it took is not
      return { ...last, elapsedMs: 0, timedOut: false };
    }
    act(entry.child);
    const timedOut = await Promise.race([entry.exited.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (timedOut) await terminate(memberById(id), false);
    const { exitCode: code, signalCode } = entry.child;
    return { code, signal: signalCode, elapsedMs: (entry.exitedAt ?? performance.now()) - startedAt, timedOut };
  };

  const stopAll = async (graceful: boolean): Promise<void> => {
    await Promise.all(members.map((m) => terminate(m, graceful)));
  };

  try {
    for (const m of members) launch(m);
    // a spawn error (e.g. ENOENT) surfaces on the next tick; give it that tick before polling
    await sleep(50);
    await waitServing(members);
  } catch (err) {
    await stopAll(false);
    throw err;
  }

  let stopped = false;
  unstoppedDirs.add(dir);
  return {
    kind: launcher.kind,
    connectString: members.map((m) => m.hostPort).join(','),
    hostPort: members[0]!.hostPort,
    members,
    dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopAll(true);
      unstoppedDirs.delete(dir);
      if (process.env.PADDOCK_KEEP_TMP === undefined) rmSync(dir, { recursive: true, force: true });
    },
    async kill(id: number) {
      await terminate(memberById(id), false);
    },
    async restart(id: number) {
      const m = memberById(id);
      if (running.has(id)) throw new Error(`server ${id} is still running; kill it first`);
      launch(m);
      await sleep(50);
      await waitServing([m]);
    },
    async restartWith(id: number, other: ServerLauncher) {
      const m = memberById(id);
      if (running.has(id)) throw new Error(`server ${id} is still running; kill it first`);
      other.preflight();
      other.prepare?.(dir, options);
      launcherOf.set(id, other);
      launch(m);
      await sleep(50);
      await waitServing([m]);
    },
    signalAndWait(id: number, signal: NodeJS.Signals, timeoutMs = 10_000): Promise<MemberExit> {
      return waitForExit(id, timeoutMs, (child) => child.kill(signal));
    },
    waitForExit(id: number, timeoutMs = 10_000): Promise<MemberExit> {
      return waitForExit(id, timeoutMs, () => undefined);
    },
    fourLetterWord(word: string, id = 1) {
      return fourLetterWord(HOST, memberById(id).clientPort, word);
    },
    logTail(id: number, lines = LOG_TAIL_LINES) {
      return tailOf(memberById(id).logPath, lines);
    },
  };
}

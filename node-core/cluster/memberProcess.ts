// One run of one member: spawns it through the watchdog, appends its output to member.log line by line (and
// reports each line), knows its pid, signals its process group and reports how it ended.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { WatchdogMessage } from './watchdogScript.js';
import type { NodeRuntime } from './types.js';

export interface MemberLaunch {
  file: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
}

export interface MemberExit {
  code: number | null;
  signal: string | null;
  /** Set when the process could not be started at all. */
  error?: string;
}

export function describeExit(exit: MemberExit): string {
  if (exit.error !== undefined) return `failed to start: ${exit.error}`;
  if (exit.signal !== null) return `signal ${exit.signal}`;
  return `code ${String(exit.code)}`;
}

export interface MemberProcessOptions {
  watchdogPath: string;
  node: NodeRuntime;
  launch: MemberLaunch;
  logPath: string;
  onLine: (line: string) => void;
}

function isMessage(value: unknown): value is WatchdogMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

export class MemberProcess {
  /** The member's pid, also its process group id; undefined until it has started. */
  pid: number | undefined;
  readonly started: Promise<number>;
  readonly exited: Promise<MemberExit>;
  private readonly watchdog: ChildProcess;
  private readonly log: WriteStream;
  private exitInfo: MemberExit | undefined;
  private ended = false;

  constructor(options: MemberProcessOptions) {
    this.log = createWriteStream(options.logPath, { flags: 'a' });
    this.log.on('error', () => undefined);
    const { launch } = options;
    this.watchdog = spawn(options.node.path, [options.watchdogPath, launch.file, ...launch.args], {
      cwd: launch.cwd,
      env: { ...process.env, ...options.node.env, ...launch.env },
      // The watchdog leads its own group so a terminal's Ctrl-C reaches only the supervisor, which then stops the
      // members in order; the watchdog still notices the supervisor's death through stdin and IPC.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    });
    this.watchdog.on('error', () => undefined);
    this.watchdog.stdin?.on('error', () => undefined);
    this.pipeLines(this.watchdog.stdout, options.onLine);
    this.pipeLines(this.watchdog.stderr, options.onLine);

    let resolveStarted: (pid: number) => void = () => undefined;
    let rejectStarted: (error: Error) => void = () => undefined;
    this.started = new Promise<number>((resolve, reject) => {
      resolveStarted = resolve;
      rejectStarted = reject;
    });
    // nobody may be waiting for a start that failed; the failure is also reported through exited
    this.started.catch(() => undefined);

    this.watchdog.on('message', (message: unknown) => {
      if (!isMessage(message)) return;
      if (message.type === 'started') {
        this.pid = message.pid;
        resolveStarted(message.pid);
      } else if (message.type === 'exited') {
        this.exitInfo = { code: message.code, signal: message.signal };
      } else {
        this.exitInfo = { code: null, signal: null, error: message.message };
      }
    });
    this.exited = new Promise<MemberExit>((resolve) => {
      this.watchdog.once('close', (code, signal) => {
        this.ended = true;
        const exit = this.exitInfo ?? {
          code: null,
          signal: null,
          error: `watchdog ended (${signal ?? `code ${String(code)}`}) before the member started`,
        };
        this.exitInfo = exit;
        this.pid = undefined;
        rejectStarted(new Error(describeExit(exit)));
        this.log.end();
        resolve(exit);
      });
    });
  }

  get running(): boolean {
    return !this.ended;
  }

  get watchdogPid(): number | undefined {
    return this.watchdog.pid;
  }

  /** Sends a signal to the member's whole process group; false when it is not running. */
  signal(signal: NodeJS.Signals): boolean {
    if (this.ended || this.pid === undefined) return false;
    try {
      process.kill(-this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Last resort when the supervisor itself exits: kills the member group synchronously. */
  killNow(): void {
    this.signal('SIGKILL');
    try {
      if (this.watchdog.pid !== undefined) process.kill(this.watchdog.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  private pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
    if (stream === null) return;
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.log.write(chunk);
      const text = rest + chunk;
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onLine(line.replace(/\r$/, ''));
    });
    stream.on('end', () => {
      if (rest !== '') onLine(rest);
      rest = '';
    });
  }
}

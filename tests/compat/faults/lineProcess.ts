// A long-running client program (a kazoo driver, an interactive zkCli) whose output is consumed line by line while
// the test injects faults, in its own process group so that stopping it also ends a JVM's or Python's threads.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export class LineProcess {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;
  private readonly waiters = new Set<() => void>();
  private exited = false;

  constructor(file: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(file, args, { env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.on('exit', () => {
      this.exited = true;
      this.notify();
    });
    this.child.on('error', (error) => this.lines.push(`spawn error: ${error.message}`));
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.lines.push(line);
        this.notify();
      });
    }
  }

  write(text: string): void {
    this.child.stdin!.write(text);
  }

  /** Resolves with the index of the first line at or after `from` that matches; rejects after timeoutMs or on exit. */
  waitForLine(match: (line: string) => boolean, from: number, timeoutMs: number, what: string): Promise<number> {
    return new Promise((resolve, reject) => {
      let scanned = from;
      const check = () => {
        for (; scanned < this.lines.length; scanned++) {
          if (match(this.lines[scanned]!)) return done(() => resolve(scanned));
        }
        if (this.exited) done(() => reject(this.failure(`exited before ${what}`)));
      };
      const timer = setTimeout(() => done(() => reject(this.failure(`no ${what} within ${timeoutMs} ms`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  failure(what: string): Error {
    return new Error(`${what}; last output:\n${this.lines.slice(-30).join('\n')}`);
  }

  async stop(): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      return;
    }
    await exited;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

// A client program (kazoo, zkCli) that a test drives step by step over stdin while it kills and restarts servers in
// between: lines it prints are read one at a time with a deadline, and its whole process group dies on stop().
import { spawn, type ChildProcess } from 'node:child_process';

export class SteppedProcess {
  private readonly child: ChildProcess;
  private buffered = '';
  private readonly lines: string[] = [];
  private waiter: (() => void) | undefined;
  private exited = false;
  /** Everything the program printed on stdout and stderr, for failure messages. */
  transcript = '';

  constructor(file: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(file, args, { env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => this.take(chunk.toString('utf8'), true));
    this.child.stderr!.on('data', (chunk: Buffer) => this.take(chunk.toString('utf8'), false));
    this.child.stdin!.on('error', () => undefined);
    this.child.once('exit', () => {
      this.exited = true;
      this.waiter?.();
    });
  }

  private take(text: string, stdout: boolean): void {
    this.transcript += text;
    if (!stdout) return;
    this.buffered += text;
    const parts = this.buffered.split('\n');
    this.buffered = parts.pop()!;
    this.lines.push(...parts);
    if (parts.length > 0) this.waiter?.();
  }

  /** The next stdout line that satisfies `wanted` (earlier ones are dropped); fails after timeoutMs or on exit. */
  async nextLine(wanted: (line: string) => boolean, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.lines.length > 0) {
        const line = this.lines.shift()!;
        if (wanted(line)) return line;
      }
      const left = deadline - Date.now();
      if (this.exited || left <= 0) {
        throw new Error(`${this.exited ? 'exited' : `no wanted line within ${timeoutMs} ms`}; output so far:\n${this.transcript}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Ends stdin and waits up to timeoutMs for the program to exit by itself, then kills its process group. */
  async stop(timeoutMs = 5_000): Promise<void> {
    this.child.stdin!.end();
    if (!this.exited) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (this.exited) return;
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

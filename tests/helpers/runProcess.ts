// Runs an external client program (zkCli.sh, kazoo, cli_mt) to completion with a hard time limit, killing its
// whole process group on timeout so no JVM or Python thread outlives the test.
import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

export function runProcess(file: string, args: string[], options: RunOptions = {}): Promise<ProcessResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
      reject(
        new Error(
          `${file} ${args.join(' ')} did not finish within ${timeoutMs} ms\n` +
            `--- stdout ---\n${text(out)}\n--- stderr ---\n${text(err)}`,
        ),
      );
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: text(out), stderr: text(err), durationMs: Date.now() - started });
    });
    // a program that exits without reading stdin would otherwise raise EPIPE here
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.input ?? '');
  });
}

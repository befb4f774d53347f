// Runs the GUI's web mode for the benchmark as its own process (`paddock ui --no-cluster`), the way a user starts
// it, so the admin API's work does not share an event loop with the benchmark driving the browser.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './benchServer.js';

export interface UiProcess {
  /** The page URL with its access token. */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startUiProcess(dir: string, timeoutMs = 30_000): Promise<UiProcess> {
  const args = [
    join(repoRoot(), 'bin', 'paddock.mjs'),
    'ui',
    '--no-cluster',
    '--port',
    '0',
    '--profiles',
    join(dir, 'profiles.json'),
    '--clusters',
    join(dir, 'clusters'),
  ];
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output: string[] = [];
  const remember = (line: string) => {
    output.push(line);
    if (output.length > 50) output.shift();
  };
  createInterface({ input: child.stderr }).on('line', remember);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`paddock ui printed no URL in ${timeoutMs} ms`)), timeoutMs);
    // Lines keep being read after the URL, so a chatty log never fills the pipe and stalls the process.
    createInterface({ input: child.stdout }).on('line', (line) => {
      remember(line);
      const found = /Paddock UI: (\S+)/.exec(line)?.[1];
      if (found !== undefined) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`paddock ui exited before serving:\n${output.join('\n')}`));
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('paddock ui has no process id');
  return {
    url,
    pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

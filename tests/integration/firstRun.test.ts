// The README's Quick start, played as a new user on a fresh clone: `npm ci` must succeed where Electron's binary
// cannot be downloaded (no ELECTRON_* or npm variables inherited), `npm start` must say where the GUI is and how to
// stop it, serve it, and stop with its cluster on Ctrl-C; `npm test` must build and run tests (here on one small
// folder, since the whole suite is what is running this test).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../helpers/runProcess.js';

const repoRoot = process.cwd();
const work = mkdtempSync(join(tmpdir(), 'paddock-first-run-'));
const clone = join(work, 'paddock');

/**
 * The environment of a user's shell: what this test runs under minus what npm and the test runner add, and minus
 * every ELECTRON_* switch, so nothing smooths the way. Per-user data goes to fresh directories so a run neither
 * reads nor leaves the developer's profiles and clusters.
 */
function userShellEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|ELECTRON_|VITEST|INIT_CWD$|NODE_OPTIONS$|NODE_ENV$|TEST$)/i.test(key)) continue;
    env[key] = value;
  }
  for (const name of ['XDG_DATA_HOME', 'XDG_CONFIG_HOME']) {
    env[name] = join(work, name.toLowerCase());
    mkdirSync(env[name]!, { recursive: true });
  }
  return env;
}

/** Processes whose command line mentions the clone: anything `npm start` left behind. */
function processesInClone(): string[] {
  const found = spawnSync('pgrep', ['-af', clone], { encoding: 'utf8' });
  return found.stdout.split('\n').filter((line) => line.trim() !== '' && !line.includes('pgrep'));
}

describe('README Quick start on a fresh clone', () => {
  const env = userShellEnv();
  let app: ChildProcess | undefined;

  beforeAll(async () => {
    const cloned = spawnSync('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, clone], { encoding: 'utf8' });
    expect(cloned.status, cloned.stderr).toBe(0);
  }, 60_000);

  afterAll(() => {
    if (app?.pid !== undefined && app.exitCode === null) {
      try {
        process.kill(-app.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('npm ci installs without any environment variable, Electron download or not', async () => {
    const result = await runProcess('npm', ['ci'], { cwd: clone, env, timeoutMs: 300_000 });
    expect(result.code, `npm ci failed:\n${result.stdout}\n${result.stderr}`).toBe(0);
    expect(existsSync(join(clone, 'node_modules', '.bin', 'tsc'))).toBe(true);
    expect(existsSync(join(clone, 'node_modules', '.bin', 'vitest'))).toBe(true);
  }, 320_000);

  it('npm start says where the GUI is and how to stop, serves it, and Ctrl-C stops it with its cluster', async () => {
    // Its own process group, as a terminal gives it, so Ctrl-C (SIGINT to the group) reaches npm and the app alike.
    app = spawn('npm', ['start'], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    app.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    app.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => app!.once('exit', (code) => resolve(code)));

    const deadline = Date.now() + 240_000;
    const url = () => /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output)?.[1];
    while ((url() === undefined || !/opened profile|local cluster/i.test(output)) && Date.now() < deadline) {
      if (app.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(url(), `npm start printed no GUI address:\n${output}`).toBeDefined();
    expect(output, 'npm start must say how to stop it').toMatch(/Ctrl-C/);
    const page = await fetch(url()!);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="app">|<script/);
    expect(processesInClone().some((line) => /paddock\.mjs server|server\.js/.test(line)), processesInClone().join('\n')).toBe(true);

    process.kill(-app.pid!, 'SIGINT');
    const stopDeadline = Date.now() + 30_000;
    while (app.exitCode === null && app.signalCode === null && Date.now() < stopDeadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(app.exitCode !== null || app.signalCode !== null, `npm start still running 30 s after Ctrl-C:\n${output}`).toBe(true);
    await exited;
    // Members die with the app; give their watchdogs a moment to notice.
    const goneDeadline = Date.now() + 10_000;
    while (processesInClone().length > 0 && Date.now() < goneDeadline) await new Promise((r) => setTimeout(r, 200));
    expect(processesInClone(), 'processes left behind by npm start').toEqual([]);
  }, 300_000);

  it('npm test builds and runs the suite, ending with the verdict line', async () => {
    const result = await runProcess('npm', ['test', '--', 'tests/unit/server/config'], { cwd: clone, env, timeoutMs: 300_000 });
    const text = result.stdout + result.stderr;
    expect(result.code, text).toBe(0);
    expect(text).toMatch(/^tests: [1-9]\d* passed, 0 failed$/m);
  }, 320_000);
});

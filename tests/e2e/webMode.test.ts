// `paddock ui` as a user runs it (the built CLI): it prints a URL with a token, serves the GUI there, refuses a page
// without the right token, and stops cleanly on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { screenshot } from './helpers/ui.js';

let child: ChildProcess;
let browser: TestBrowser;
let url: string;
let stdout = '';
const dir = mkdtempSync(join(tmpdir(), 'paddock-e2e-ui-'));

beforeAll(async () => {
  browser = await launchBrowser();
  child = spawn(process.execPath, ['bin/paddock.mjs', 'ui', '--no-cluster', '--profiles', join(dir, 'profiles.json'), '--clusters', join(dir, 'clusters')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const deadline = Date.now() + 20_000;
  while (!/Paddock UI: (\S+)/.test(stdout)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`paddock ui printed no URL: ${stdout}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  url = /Paddock UI: (\S+)/.exec(stdout)![1]!;
});

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('paddock ui', () => {
  it('prints a loopback URL with a random token', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  });

  it('serves the GUI, which connects to the API with the token', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByTestId('new-profile').waitFor();
    // The token leaves the address bar once used.
    expect(page.url()).not.toContain('token=');
    await page.getByTestId('nav-clusters').click();
    await page.getByTestId('cluster-create').waitFor();
    await page.getByTestId('nav-home').click();
    await screenshot(page, 'web-mode-home-light');
    await page.close();
  });

  it('refuses a page with a wrong token', async () => {
    const page = await browser.newPage();
    await page.goto(url.replace(/token=\w+/, 'token=wrong'));
    await page.getByTestId('api-failed').waitFor();
    await page.close();
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

// The first run as `npm start` does it in web mode (`paddock ui` with its local 3-member cluster): the terminal says
// which address to open and that Ctrl-C stops the app and its cluster; the page opens on the local cluster, with its
// members, its leader and its tree on one screen, in English and in Chinese; Ctrl-C stops every member.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { screenshot, screenshotIfFailed, treeRow, until } from './helpers/ui.js';

const dir = mkdtempSync(join(tmpdir(), 'paddock-e2e-first-'));
let child: ChildProcess;
let browser: TestBrowser;
let page: Page;
let stdout = '';
let url: string;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  browser = await launchBrowser();
  child = spawn(process.execPath, ['bin/paddock.mjs', 'ui', '--profiles', join(dir, 'profiles.json'), '--clusters', join(dir, 'clusters')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await until(() => /Paddock UI: (\S+)/.test(stdout) || child.exitCode !== null, 'paddock ui to print its URL', 30_000);
  url = /Paddock UI: (\S+)/.exec(stdout)?.[1] ?? '';
  if (url === '') throw new Error(`paddock ui printed no URL: ${stdout}`);
  page = await browser.newPage();
}, 60_000);

afterEach((context) => screenshotIfFailed(page, context.task));

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the first screen of `paddock ui`', () => {
  it('tells the user what to open and how to stop', () => {
    expect(stdout).toContain(`Open ${url} in a browser`);
    expect(stdout).toContain('Ctrl-C stops the app and its cluster');
  });

  let ws: Locator;

  it('opens on the local cluster: its members, its leader and its tree', async () => {
    // Opened before the cluster is up, as a user following the printed line does.
    await page.goto(url);
    ws = page.getByTestId('workspace-Local cluster (paddock ui)');
    await ws.waitFor({ timeout: 90_000 });
    await treeRow(ws, '/zookeeper').waitFor();
    const strip = ws.getByTestId('cluster-strip');
    await strip.waitFor();
    await until(async () => (await strip.getByTestId('strip-member').count()) === 3, 'three members in the strip', 60_000);
    await until(
      async () => (await strip.locator('[data-testid="strip-member"][data-serving="leading"]').count()) === 1,
      'one member shown as leader',
      60_000,
    );
    const leader = await strip.locator('[data-testid="strip-member"][data-serving="leading"]').getAttribute('data-member');
    await strip.getByTestId('strip-leader').filter({ hasText: `leader: member ${leader}` }).waitFor();
    await screenshot(page, 'first-screen-light');
  });

  it('shows the same screen in Chinese', async () => {
    await page.getByTestId('language').click();
    await page.getByText('简体中文').click();
    const strip = ws.getByTestId('cluster-strip');
    await strip.getByTestId('strip-leader').filter({ hasText: '领导者：成员' }).waitFor();
    await strip.locator('[data-testid="strip-member"][data-serving="leading"]').filter({ hasText: '领导者' }).waitFor();
    // Dates follow the locale: year first in Chinese.
    expect(await ws.getByTestId('stat-ctime').innerText()).toMatch(/^\d{4}\/\d{1,2}\/\d{1,2} /);
    await screenshot(page, 'first-screen-zh');
    await page.getByTestId('language').click();
    await page.getByText('English').click();
    expect(await ws.getByTestId('stat-ctime').innerText()).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4}, /);
  });

  it('links to the cluster dashboard, whose latencies are rounded and whose chart legends name members', async () => {
    await ws.getByTestId('strip-dashboard').click();
    const view = page.getByTestId('clusters-view');
    await view.getByTestId('member-row').nth(2).waitFor();
    await until(async () => (await view.getByTestId('member-latency').first().innerText()) !== '', 'srvr facts in the member table', 30_000);
    for (const text of await view.getByTestId('member-latency').allInnerTexts()) {
      expect(text).toMatch(/^(\d+(\.\d)?|\?)\/(\d+(\.\d)?|\?)\/(\d+(\.\d)?|\?)$/);
    }
    // Chart legends name members as the table does.
    await view.getByTestId('chart-legend').filter({ hasText: /^member [123]: / }).first().waitFor({ timeout: 30_000 });
  });

  it('stops the app and every member of its cluster on Ctrl-C (SIGINT)', async () => {
    const pids = (await page.getByTestId('member-row').evaluateAll((rows) => rows.map((r) => r.textContent ?? '')))
      .map((text) => /\((\d+)\)/.exec(text)?.[1])
      .filter((pid): pid is string => pid !== undefined)
      .map(Number);
    expect(pids.length).toBe(3);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toContain('stopped.');
    await until(() => pids.every((pid) => !isAlive(pid)), 'every member process to exit', 15_000);
  }, 60_000);
});

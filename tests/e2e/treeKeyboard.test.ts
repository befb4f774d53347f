// Issue 11 point 7, in Chromium against Paddock: the znode tree is an ARIA tree driven from the keyboard as a file
// tree is (one tab stop, Up/Down, Right expands then steps in, Left collapses then steps out, Home/End, type-ahead,
// Enter opens), Ctrl+K selects the current path in the path box and Escape returns to the tree, and every button on
// the screen has a name a screen reader can read.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { ZkClient } from '../../node-core/client/index.js';
import { startTarget, type ZkTarget } from '../helpers/zkTarget.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { openWorkspace, screenshotIfFailed, treeRow, until } from './helpers/ui.js';
import { startWebMode, type WebMode } from './helpers/webMode.js';

let web: WebMode;
let browser: TestBrowser;
let target: ZkTarget;
let zk: ZkClient;
let page: Page;
let ws: Locator;

beforeAll(async () => {
  [web, browser, target] = await Promise.all([startWebMode(), launchBrowser(), startTarget('paddock', { size: 1 })]);
  zk = await ZkClient.connect(target.connectString);
  for (const path of ['/app', '/app/config', '/app/cache', '/apple', '/beta', '/beta/x']) await zk.create(path, 'x');
  page = await browser.newPage();
  ws = await openWorkspace(page, web.url, 'keys', target.connectString);
  await treeRow(ws, '/beta').waitFor();
}, 120_000);

afterEach((context) => screenshotIfFailed(page, context.task, 'failed-tree-keys'));

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await zk?.close().catch(() => undefined);
  await target?.stop();
});

async function focusedPath(): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-path') ?? null);
}

async function press(key: string, expected: string): Promise<void> {
  await page.keyboard.press(key);
  await until(async () => (await focusedPath()) === expected, `focus on ${expected} after ${key} (it is on ${await focusedPath()})`, 5_000);
}

describe('keyboard navigation in the tree', () => {
  it('is an ARIA tree with one tab stop', async () => {
    expect(await ws.locator('[role="tree"]').count()).toBe(1);
    expect(await ws.locator('[role="treeitem"]').count()).toBeGreaterThanOrEqual(5);
    expect(await treeRow(ws, '/').getAttribute('aria-expanded')).toBe('true');
    expect(await treeRow(ws, '/apple').getAttribute('aria-expanded')).toBeNull();
    expect(await treeRow(ws, '/beta').getAttribute('aria-expanded')).toBe('false');
    expect(await ws.locator('[role="treeitem"][tabindex="0"]').count()).toBe(1);
  });

  it('moves, expands, steps in and out, and jumps as a file tree does', async () => {
    await treeRow(ws, '/').click();
    expect(await focusedPath()).toBe('/');
    await press('ArrowDown', '/app');
    await page.keyboard.press('ArrowRight');
    await treeRow(ws, '/app/cache').waitFor();
    expect(await treeRow(ws, '/app').getAttribute('aria-expanded')).toBe('true');
    expect(await focusedPath()).toBe('/app');
    await press('ArrowRight', '/app/cache');
    await press('ArrowDown', '/app/config');
    await press('ArrowLeft', '/app');
    await page.keyboard.press('ArrowLeft');
    await treeRow(ws, '/app/cache').waitFor({ state: 'detached' });
    expect(await treeRow(ws, '/app').getAttribute('aria-expanded')).toBe('false');
    await press('End', '/zookeeper');
    await press('Home', '/');
    // The tab stop follows the focus.
    expect(await ws.locator('[role="treeitem"][tabindex="0"]').getAttribute('data-path')).toBe('/');
  });

  it('jumps by type-ahead and opens with Enter', async () => {
    await press('z', '/zookeeper');
    await page.waitForTimeout(800);
    await page.keyboard.type('ap');
    await until(async () => (await focusedPath()) === '/app', 'type-ahead "ap" on /app', 5_000);
    await page.keyboard.type('pl');
    await until(async () => (await focusedPath()) === '/apple', 'type-ahead "appl" on /apple', 5_000);
    await page.waitForTimeout(800);
    await page.keyboard.type('b');
    await until(async () => (await focusedPath()) === '/beta', 'type-ahead "b" on /beta', 5_000);
    await page.keyboard.press('Enter');
    await ws.getByTestId('node-path').filter({ hasText: '/beta' }).waitFor();
    expect(await treeRow(ws, '/beta').getAttribute('aria-selected')).toBe('true');
  });

  it('Ctrl+K selects the current path in the path box; Escape goes back to the tree', async () => {
    await page.keyboard.press('Control+k');
    const input = ws.getByTestId('goto-path').locator('input');
    await until(async () => (await input.evaluate((el) => el === document.activeElement)) === true, 'the path box to take focus', 5_000);
    expect(await input.inputValue()).toBe('/beta');
    const selection = await input.evaluate((el) => [(el as HTMLInputElement).selectionStart, (el as HTMLInputElement).selectionEnd]);
    expect(selection).toEqual([0, '/beta'.length]);
    // Typing replaces the selected path.
    await page.keyboard.type('/app/config');
    expect(await input.inputValue()).toBe('/app/config');
    await page.keyboard.press('Escape');
    await until(async () => (await focusedPath()) === '/beta', 'focus back on the tree row', 5_000);
  });

  it('gives every button on the screen a name', async () => {
    await ws.getByTestId('tab-servers').click();
    await ws.getByTestId('monitor-panel').waitFor();
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('button, [role="button"]')]
        .filter((el) => el.offsetParent !== null)
        .filter((el) => (el.getAttribute('aria-label') ?? '').trim() === '' && (el.textContent ?? '').trim() === '' && el.getAttribute('aria-labelledby') === null)
        .map((el) => el.outerHTML.slice(0, 160)),
    );
    expect(unnamed).toEqual([]);
  });
});

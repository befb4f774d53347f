// Issue 11 point 5 (the rest), in Chromium against Apache ZooKeeper 3.8: Ctrl-click and Shift-click select several
// rows of the tree, and "Delete selected" removes them with everything under them (subtrees in steps) and says how
// many nodes went; a plain click drops the selection.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { ZkClient } from '../../node-core/client/index.js';
import { startTarget, type ZkTarget } from '../helpers/zkTarget.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { openWorkspace, screenshot, screenshotIfFailed, treeRow } from './helpers/ui.js';
import { startWebMode, type WebMode } from './helpers/webMode.js';

let web: WebMode;
let browser: TestBrowser;
let target: ZkTarget;
let zk: ZkClient;
let page: Page;
let ws: Locator;

beforeAll(async () => {
  [web, browser, target] = await Promise.all([startWebMode(), launchBrowser(), startTarget('apache', { size: 1 })]);
  zk = await ZkClient.connect(target.connectString);
  for (const path of ['/multi', '/multi/a', '/multi/a/1', '/multi/a/2', '/multi/a/3', '/multi/b', '/multi/c', '/multi/d']) await zk.create(path, 'x');
  page = await browser.newPage();
  ws = await openWorkspace(page, web.url, 'multi', target.connectString);
  await treeRow(ws, '/multi').getByTestId('tree-toggle').click();
  await treeRow(ws, '/multi/d').waitFor();
}, 120_000);

afterEach((context) => screenshotIfFailed(page, context.task, 'failed-multi-select'));

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await zk?.close().catch(() => undefined);
  await target?.stop();
});

async function selectedRows(): Promise<string[]> {
  return ws.locator('[role="treeitem"][aria-selected="true"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')!).sort());
}

describe('multi-select in the tree', () => {
  it('selects with Ctrl-click and Shift-click', async () => {
    await treeRow(ws, '/multi/a').click();
    await treeRow(ws, '/multi/c').click({ modifiers: ['Control'] });
    expect(await selectedRows()).toEqual(['/multi/a', '/multi/c']);
    expect(await ws.getByTestId('selection-count').getAttribute('data-count')).toBe('2');
    // Shift takes the range from the last row clicked.
    await treeRow(ws, '/multi/d').click({ modifiers: ['Shift'] });
    expect(await selectedRows()).toEqual(['/multi/c', '/multi/d']);
    await treeRow(ws, '/multi/a').click({ modifiers: ['Control'] });
    expect(await selectedRows()).toEqual(['/multi/a', '/multi/c', '/multi/d']);
    // The node panel still shows the node opened by the plain click.
    expect(await ws.getByTestId('node-path').innerText()).toContain('/multi/a');
  });

  it('deletes the selection with everything under it and says how many nodes went', async () => {
    await ws.getByTestId('selection-delete').click();
    const dialog = page.locator('.n-dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('/multi/c');
    await screenshot(page, 'multi-select-delete');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.locator('.n-message', { hasText: 'Deleted 6 node(s) under 3 selected path(s).' }).waitFor();
    expect(await zk.getChildren('/multi')).toEqual(['b']);
    await treeRow(ws, '/multi/c').waitFor({ state: 'detached' });
    await treeRow(ws, '/multi/a').waitFor({ state: 'detached' });
    expect(await ws.getByTestId('selection-bar').count()).toBe(0);
    // The open node went with the selection: the panel moved to its parent.
    await ws.getByTestId('node-path').filter({ hasText: /^\/multi$/ }).waitFor();
  });

  it('drops the selection on a plain click', async () => {
    await treeRow(ws, '/multi').click();
    await treeRow(ws, '/multi/b').click({ modifiers: ['Control'] });
    expect(await ws.getByTestId('selection-count').getAttribute('data-count')).toBe('2');
    await treeRow(ws, '/multi/b').click();
    await ws.getByTestId('selection-bar').waitFor({ state: 'detached' });
    expect(await selectedRows()).toEqual(['/multi/b']);
  });
});

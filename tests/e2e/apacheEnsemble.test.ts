// The GUI against a 3-node Apache ZooKeeper 3.8 ensemble started by the test: browse an existing tree, edit a node
// and create one through the UI, and see every member (one leader) in the servers tab.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { ZkClient } from '../../node-core/client/index.js';
import { startTarget, type ZkTarget } from '../helpers/zkTarget.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { createProfile, editor, expectEditorText, goTo, openApp, openProfile, screenshot, setTheme, treeRow, until } from './helpers/ui.js';
import { startWebMode, type WebMode } from './helpers/webMode.js';

let target: ZkTarget;
let web: WebMode;
let browser: TestBrowser;
let page: Page;
let zk: ZkClient;
let ws: Locator;

beforeAll(async () => {
  [target, web, browser] = await Promise.all([startTarget('apache', { size: 3 }), startWebMode(), launchBrowser()]);
  zk = await ZkClient.connect(target.connectString);
  await zk.create('/app', 'application root');
  await zk.create('/app/config', '{"replicas":3,"mode":"blue"}');
  await zk.create('/app/notes.xml', '<notes><note id="1">first</note></notes>');
  for (let i = 0; i < 5; i++) await zk.create(`/app/lock-`, null, { mode: 2 });
  page = await browser.newPage();
  await openApp(page, `${web.url}&lang=zh-CN`);
}, 120_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') await screenshot(page, `failed-${context.task.name.replace(/\W+/g, '-')}`).catch(() => undefined);
});

afterAll(async () => {
  await zk?.close().catch(() => undefined);
  await browser?.close();
  await web?.close();
  await target?.stop();
});

describe('the GUI against an Apache ZooKeeper 3.8 ensemble', () => {
  it('browses the tree, in Chinese', async () => {
    await createProfile(page, { name: 'apache', connectString: target.connectString });
    ws = await openProfile(page, 'apache');
    await ws.getByTestId('connection-state').filter({ hasText: /^已连接$/ }).first().waitFor();
    await treeRow(ws, '/app').getByTestId('tree-toggle').click();
    await treeRow(ws, '/app/config').waitFor();
    expect(await ws.getByTestId('tree-row').filter({ has: page.getByTestId('badge-sequential') }).count()).toBe(5);
    await goTo(ws, '/app/notes.xml');
    await expectEditorText(ws, '<notes>\n  <note id="1">first</note>\n</notes>');
    await screenshot(page, 'apache-explorer-zh-light');
  });

  it('edits a node and creates one through the UI', async () => {
    await goTo(ws, '/app/config');
    await expectEditorText(ws, '{\n  "replicas": 3,\n  "mode": "blue"\n}');
    await editor(ws).fill('{\n  "replicas": 5,\n  "mode": "green"\n}');
    await ws.getByTestId('node-save').click();
    await ws.getByTestId('node-version').filter({ hasText: 'v1' }).waitFor();
    expect(JSON.parse((await zk.getData('/app/config')).data!.toString())).toEqual({ replicas: 5, mode: 'green' });

    await goTo(ws, '/app');
    await ws.getByTestId('action-create').click();
    const form = page.getByTestId('create-form');
    await form.getByTestId('create-name').locator('input').fill('from-gui');
    await form.getByTestId('create-data').locator('textarea').fill('made in the browser');
    await form.getByTestId('create-submit').click();
    await treeRow(ws, '/app/from-gui').waitFor();
    expect((await zk.getData('/app/from-gui')).data!.toString()).toBe('made in the browser');
  });

  it('shows every member of the ensemble, one of them leading', async () => {
    await ws.getByTestId('tab-servers').click();
    const facts = ws.getByTestId('server-facts');
    await until(async () => (await facts.locator('tbody tr').count()) === 3 && (await facts.getByText('leader').count()) === 1, 'three members and one leader');
    expect(await facts.getByText('follower').count()).toBe(2);
    await setTheme(page, 'dark');
    await screenshot(page, 'apache-servers-zh-dark');
    await setTheme(page, 'light');
  });
});

// The node panel shows a node's quota (setquota's soft and hard limits) beside its usage, against a real Paddock
// server with enforceQuota=true: the usage follows creates under the node, and a node without a quota shows none.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { ZkClient } from '../../node-core/client/index.js';
import { startTarget, type ZkTarget } from '../helpers/zkTarget.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { goTo, openApp, openWorkspace, screenshot, until } from './helpers/ui.js';
import { startWebMode, type WebMode } from './helpers/webMode.js';

let target: ZkTarget;
let web: WebMode;
let browser: TestBrowser;
let page: Page;
let zk: ZkClient;

beforeAll(async () => {
  [target, web, browser] = await Promise.all([startTarget('paddock', { extraConfig: { enforceQuota: true } }), startWebMode(), launchBrowser()]);
  zk = await ZkClient.connect(target.connectString);
  await zk.create('/app', 'abc');
  await zk.create('/app/one', '12345');
  await zk.create('/plain', 'no quota');
  // What `setquota -N 3 /app` and `setquota -b 100 /app` leave behind.
  await zk.create('/zookeeper/quota/app', null);
  await zk.create('/zookeeper/quota/app/zookeeper_limits', 'count=-1,bytes=100=;byteHardLimit=-1;countHardLimit=3');
  await zk.create('/zookeeper/quota/app/zookeeper_stats', 'count=0,bytes=0');
  page = await browser.newPage();
  await openApp(page, web.url);
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

const cells = async (row: Locator) => [
  await row.getByTestId('quota-usage').innerText(),
  await row.getByTestId('quota-soft').innerText(),
  await row.getByTestId('quota-hard').innerText(),
];

describe("the node panel's quota", () => {
  it('shows the limits and the usage, and follows the usage as nodes are created under the node', async () => {
    const ws = await openWorkspace(page, web.url, 'quota', target.connectString);
    await goTo(ws, '/app');
    const panel = ws.getByTestId('quota-panel');
    await panel.waitFor();
    expect(await cells(panel.getByTestId('quota-count'))).toEqual(['2', '—', '3']);
    expect(await cells(panel.getByTestId('quota-bytes'))).toEqual(['8', '100', '—']);

    await zk.create('/app/two', 'xy');
    await until(async () => (await cells(panel.getByTestId('quota-count')))[0] === '3', 'the usage to count the new node');
    expect(await cells(panel.getByTestId('quota-bytes'))).toEqual(['10', '100', '—']);
    await screenshot(page, 'node-quota');

    await goTo(ws, '/plain');
    await ws.getByTestId('stat-table').waitFor();
    // The panel goes once /plain's quota lookup has answered, which may come after its Stat.
    await until(async () => (await ws.getByTestId('quota-panel').count()) === 0, 'the quota panel to leave a node without a quota');
  });
});

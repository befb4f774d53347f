// Deleting a subtree of any size (issue 11, point 5): 20,001 nodes, more than one delete may take, go in steps with a
// progress bar; Stop ends it between steps with the rest left intact; a second delete finishes the job. Against
// Paddock and Apache ZooKeeper 3.8.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { ZkClient } from '../../node-core/client/index.js';
import { startTarget, type TargetKind, type ZkTarget } from '../helpers/zkTarget.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { goTo, openWorkspace, screenshot, screenshotIfFailed, until } from './helpers/ui.js';
import { startWebMode, type WebMode } from './helpers/webMode.js';
import { createChildren } from './helpers/zkData.js';
import { tapApi, type ApiTap } from './helpers/apiTap.js';

let web: WebMode;
let browser: TestBrowser;

beforeAll(async () => {
  [web, browser] = await Promise.all([startWebMode(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
});

const children = 20_000;

for (const kind of ['paddock', 'apache'] as TargetKind[]) {
  describe(`deleting 20,001 nodes, on ${kind}`, () => {
    let target: ZkTarget;
    let zk: ZkClient;
    let page: Page;
    let ws: Locator;
    let tap: ApiTap;

    beforeAll(async () => {
      target = await startTarget(kind, { size: 1 });
      zk = await ZkClient.connect(target.connectString);
      await zk.create('/huge');
      await createChildren(zk, '/huge', 'n-', children);
      page = await browser.newPage();
      tap = await tapApi(page);
      ws = await openWorkspace(page, web.url, kind, target.connectString);
    }, 180_000);

    afterEach((context) => screenshotIfFailed(page, context.task, `failed-${kind}`));

    afterAll(async () => {
      await web.closeConnections();
      await page?.close();
      await zk?.close().catch(() => undefined);
      await target?.stop();
    });

    it('offers the delete with progress, and Stop leaves the rest intact', async () => {
      await goTo(ws, '/huge');
      await ws.getByTestId('action-delete').click();
      const dialog = page.getByTestId('delete-dialog');
      await dialog.getByTestId('delete-summary').filter({ hasText: '20001 node(s)' }).waitFor();
      const confirm = dialog.getByTestId('delete-confirm');
      expect(await confirm.innerText()).toBe('Delete 20001 node(s)');
      expect(await confirm.isDisabled()).toBe(false);
      // The first step's answer is held back, so Stop is pressed while a step is in flight however fast the server.
      tap.hold((request) => request.method === 'znode.delete' && request.params.step === true);
      await confirm.click();
      await until(() => tap.held === 1, 'the first step to finish on the server', 60_000);
      await dialog.getByTestId('delete-stop').click();
      await dialog.getByTestId('delete-stop').filter({ hasText: 'Stopping after this step' }).waitFor();
      if (kind === 'paddock') await screenshot(page, 'delete-in-steps');
      tap.release();
      await page.locator('.n-message', { hasText: /^Stopped: \d+ node\(s\) deleted/ }).waitFor({ timeout: 60_000 });
      await dialog.waitFor({ state: 'detached' });
      const said = Number(/Stopped: (\d+)/.exec(await page.locator('.n-message', { hasText: 'Stopped:' }).innerText())![1]);
      const left = (await zk.getChildren('/huge')).length;
      expect(said).toBeGreaterThan(0);
      expect(left).toBeGreaterThan(0);
      expect(left + said).toBe(children);
    }, 120_000);

    it('deletes the rest to the end', async () => {
      await goTo(ws, '/huge');
      await ws.getByTestId('action-delete').click();
      const dialog = page.getByTestId('delete-dialog');
      await dialog.getByTestId('delete-summary').waitFor();
      await dialog.getByTestId('delete-confirm').click();
      await page.locator('.n-message', { hasText: /^Deleted \d+ node\(s\)$/ }).waitFor({ timeout: 120_000 });
      expect(await zk.exists('/huge')).toBeNull();
      await ws.getByTestId('node-path').filter({ hasText: /^\/$/ }).waitFor();
    }, 150_000);
  });
}

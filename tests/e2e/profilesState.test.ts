// Issue 11 point 13, in Chromium against Paddock: profiles export to a JSON file (no ids, no passwords) and import
// back (duplicates skipped, a bad file refused whole); the tree has a refresh button; and an app restart (a new
// admin API on the same profiles file) reopens the tab that was open with the node that was selected, while a tab
// the user closed stays closed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ZkClient } from '../../node-core/client/index.js';
import { startTarget, type ZkTarget } from '../helpers/zkTarget.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { createProfile, goTo, openApp, openProfile, screenshotIfFailed, treeRow, until } from './helpers/ui.js';
import { startWebMode, type WebMode } from './helpers/webMode.js';

const dir = mkdtempSync(join(tmpdir(), 'paddock-e2e-profiles-'));
const profilesPath = join(dir, 'profiles.json');
let web: WebMode | undefined;
let browser: TestBrowser;
let target: ZkTarget;
let zk: ZkClient;
let page: Page;

beforeAll(async () => {
  [web, browser, target] = await Promise.all([startWebMode({ profilesPath }), launchBrowser(), startTarget('paddock', { size: 1 })]);
  zk = await ZkClient.connect(target.connectString);
  await zk.create('/fresh', 'x');
  await zk.create('/fresh/deep', 'remember me');
  page = await browser.newPage();
  // Every request the page sends to the admin API, so a test can see what a button asked for.
  await page.addInitScript(() => {
    const sent: string[] = [];
    (window as unknown as { apiSent: string[] }).apiSent = sent;
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: WebSocket, data: Parameters<WebSocket['send']>[0]) {
      if (typeof data === 'string') sent.push(data);
      return send.call(this, data);
    };
  });
  await openApp(page, web.url);
}, 120_000);

afterEach((context) => screenshotIfFailed(page, context.task, 'failed-profiles-state'));

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await zk?.close().catch(() => undefined);
  await target?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function toast(text: string): Promise<string> {
  const message = page.locator('.n-message', { hasText: text });
  await message.waitFor();
  return message.innerText();
}

describe('profiles: import/export, tree refresh, last-used state', () => {
  it('exports profiles to a JSON file and imports them back, skipping duplicates and refusing a bad file', async () => {
    await createProfile(page, { name: 'alpha', connectString: target.connectString, readOnly: true, adminPort: 18080 });
    await createProfile(page, { name: 'beta', connectString: target.connectString });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('profiles-export').click()]);
    const exported = join(dir, 'exported.json');
    await download.saveAs(exported);
    const file = JSON.parse(readFileSync(exported, 'utf8')) as { format: string; profiles: Array<Record<string, unknown>> };
    expect(file.format).toBe('paddock-profiles');
    expect(file.profiles.map((p) => p.name).sort()).toEqual(['alpha', 'beta']);
    expect(file.profiles.find((p) => p.name === 'alpha')).toMatchObject({ readOnly: true, adminPort: 18080, connectString: target.connectString });
    expect(file.profiles.every((p) => p.id === undefined)).toBe(true);

    // alpha goes, then comes back from the file; beta is already there and is not doubled.
    await page.getByTestId('profile-alpha').getByTestId('profile-delete').click();
    await page.locator('.n-dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('profile-alpha').waitFor({ state: 'detached' });
    await page.getByTestId('profiles-import-file').setInputFiles(exported);
    expect(await toast('Imported 1 profile(s)')).toContain('1 already saved were skipped');
    await page.getByTestId('profile-alpha').waitFor();
    expect(await page.locator('[data-testid="profile-beta"]').count()).toBe(1);

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'paddock-profiles', version: 1, profiles: [{ name: 'gamma', connectString: 'h:1' }, { name: 'delta' }] }));
    await page.getByTestId('profiles-import-file').setInputFiles(bad);
    expect(await toast('bad.json was not imported')).toContain('profile 2 "delta": connectString is required');
    expect(await page.locator('[data-testid="profile-gamma"]').count()).toBe(0);
  });

  it('re-reads the tree with the refresh button', async () => {
    const ws = await openProfile(page, 'beta');
    const button = ws.getByTestId('tree-refresh');
    expect(await button.getAttribute('aria-label')).toBe('Refresh');
    const listsOfRoot = () =>
      page.evaluate(() => (window as unknown as { apiSent: string[] }).apiSent.filter((m) => m.includes('"znode.list"') && m.includes('"path":"/"')).length);
    const before = await listsOfRoot();
    await button.click();
    await until(async () => (await listsOfRoot()) > before, 'the refresh button to re-read the root listing', 5_000);
    await treeRow(ws, '/fresh').waitFor();
    await goTo(ws, '/fresh/deep');
  });

  it('reopens the tab that was open, on the node that was selected, after a restart; a closed tab stays closed', async () => {
    // Give the remembered selection its moment to be written (it waits for a pause in the user's moves).
    await until(() => readFileSync(profilesPath, 'utf8').includes('"path": "/fresh/deep"'), 'the selection in the profiles file', 5_000);
    await page.close();
    await web!.close();
    web = await startWebMode({ profilesPath });
    page = await browser.newPage();
    await page.goto(web.url);
    const ws = page.getByTestId('workspace-beta');
    await ws.getByTestId('node-path').filter({ hasText: '/fresh/deep' }).waitFor({ timeout: 30_000 });
    expect(await treeRow(ws, '/fresh/deep').getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('[data-testid="conn-tab-alpha"]').count()).toBe(0);

    // Closed by the user: not reopened by the next start.
    await page.getByTestId('conn-tab-beta').locator('xpath=ancestor::div[contains(@class,"n-tabs-tab")]').locator('.n-base-close').click();
    await page.getByTestId('conn-tab-beta').waitFor({ state: 'detached' });
    await until(() => readFileSync(profilesPath, 'utf8').includes('"open": false'), 'the closed tab in the profiles file', 5_000);
    await page.close();
    await web!.close();
    web = await startWebMode({ profilesPath });
    page = await browser.newPage();
    await openApp(page, web.url);
    await page.getByTestId('profile-beta').waitFor();
    await page.waitForTimeout(1500);
    expect(await page.locator('[data-testid="conn-tab-beta"]').count()).toBe(0);
  }, 90_000);
});

// Issue 11 point 8, in Chromium against a 3-member Paddock cluster made from the GUI: wiping a member's data asks
// first (Cancel keeps the data) and says what it did; removing the cluster shows its progress while the members
// stop, closes the connection tab opened on it and removes the profile that pointed at its ports, and says so.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { openApp, screenshotIfFailed, until } from './helpers/ui.js';
import { startWebMode, type WebMode } from './helpers/webMode.js';

let web: WebMode;
let browser: TestBrowser;
let page: Page;
let view: Locator;
const name = 'paddock-1';

beforeAll(async () => {
  [web, browser] = await Promise.all([startWebMode({ clusterEngines: ['paddock'], tickTime: 1000 }), launchBrowser()]);
  page = await browser.newPage();
  await openApp(page, web.url);
});

afterEach((context) => screenshotIfFailed(page, context.task, 'failed-cluster-removal'));

afterAll(async () => {
  await browser?.close();
  await web?.close();
});

/** The data dir the dialog names, for checking the files themselves. */
function dataDirIn(text: string): string {
  const match = /\((\/[^)]+)\)/.exec(text);
  if (match === null) throw new Error(`no data directory in "${text}"`);
  return match[1]!;
}

describe('removing a local cluster', () => {
  it('creates a cluster and opens a connection to it', async () => {
    await page.getByTestId('nav-clusters').click();
    view = page.getByTestId('clusters-view');
    await view.getByTestId('cluster-create').click();
    await until(async () => (await view.locator('[data-testid="member-row"][data-serving="leading"]').count()) === 1, 'a leader', 60_000);
    await view.getByTestId('cluster-open-connection').click();
    await page.locator(`[data-testid="workspace-cluster ${name}"] [data-testid="tree-row"][data-path="/zookeeper"]`).waitFor({ timeout: 30_000 });
  }, 90_000);

  it('asks before wiping a member and reports the result', async () => {
    await page.getByTestId('nav-clusters').click();
    const follower = view.locator('[data-testid="member-row"][data-serving="following"]').first();
    const id = (await follower.getAttribute('data-member'))!;
    await view.getByTestId(`member-${id}-stop`).click();
    await view.getByTestId(`member-${id}-wipe`).waitFor({ timeout: 20_000 });

    await view.getByTestId(`member-${id}-wipe`).click();
    const dialog = page.locator('.n-dialog');
    await dialog.waitFor();
    const dir = dataDirIn(await dialog.innerText());
    expect(existsSync(join(dir, 'version-2'))).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Cancel keeps the data.
    expect(existsSync(join(dir, 'version-2'))).toBe(true);

    await view.getByTestId(`member-${id}-wipe`).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Wipe data' }).click();
    await page.locator('.n-message', { hasText: `Member ${id}: data directory deleted` }).waitFor();
    expect(readdirSync(dir)).toEqual(['myid']);
  }, 60_000);

  it('shows progress while removing, closes the tab on it and removes its profile', async () => {
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { removalStages: string[] }).removalStages = seen;
      new MutationObserver(() => {
        const stage = document.querySelector('[data-testid="cluster-removing"]')?.getAttribute('data-stage');
        if (stage !== undefined && stage !== null && seen.at(-1) !== stage) seen.push(stage);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await view.getByTestId('cluster-remove').click();
    const dialog = page.locator('.n-dialog');
    await dialog.waitFor();
    const started = Date.now();
    await dialog.getByRole('button', { name: 'Remove cluster' }).click();
    // Members stop within a second or two, so the progress is recorded as it renders rather than polled for.
    const toast = page.locator('.n-message', { hasText: `Cluster "${name}" removed.` });
    await toast.waitFor({ timeout: 30_000 });
    console.log(`cluster removed in ${Date.now() - started} ms`);
    const said = await toast.innerText();
    expect(said).toContain(`Closed its connection tab(s): cluster ${name}.`);
    expect(said).toContain(`Removed the profile(s) that pointed at it: cluster ${name}.`);
    const stages = await page.evaluate(() => (window as unknown as { removalStages: string[] }).removalStages);
    console.log(`removal stages shown: ${stages.join(' → ')}`);
    expect(stages).toContain('stoppingMembers');
    expect(await view.getByTestId('cluster-removing').count()).toBe(0);
    expect(await page.getByTestId(`conn-tab-cluster ${name}`).count()).toBe(0);
    await page.getByTestId('nav-home').click();
    await page.getByTestId('new-profile').waitFor();
    expect(await page.getByTestId(`profile-cluster ${name}`).count()).toBe(0);
  }, 60_000);
});

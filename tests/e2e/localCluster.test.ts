// The local-cluster dashboard end to end: a 3-member cluster created from the GUI (Paddock's own ensemble, the
// default engine) shows exactly one leader; killing the leader from the dashboard shows a new leader in the
// election timeline, with the election's duration as the members reported it; the cluster opens as a connection.
// Screenshots of the dashboard in both themes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { openApp, screenshot, setTheme, until } from './helpers/ui.js';
import { startWebMode, type WebMode } from './helpers/webMode.js';

let web: WebMode;
let browser: TestBrowser;
let page: Page;
let view: Locator;

beforeAll(async () => {
  // paddock first: it is the engine the form offers by default.
  [web, browser] = await Promise.all([startWebMode({ clusterEngines: ['paddock', 'apache'], tickTime: 1000 }), launchBrowser()]);
  page = await browser.newPage();
  await openApp(page, web.url);
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') await screenshot(page, `failed-${context.task.name.replace(/\W+/g, '-')}`).catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
});

async function servingStates(): Promise<Record<string, string>> {
  const rows = view.getByTestId('member-row');
  const states: Record<string, string> = {};
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    states[(await row.getAttribute('data-member'))!] = (await row.getAttribute('data-serving'))!;
  }
  return states;
}

const leadersOf = (states: Record<string, string>) => Object.keys(states).filter((id) => states[id] === 'leading');

describe('the local cluster dashboard', () => {
  it('creates a 3-member cluster that shows exactly one leader', async () => {
    await page.getByTestId('nav-clusters').click();
    view = page.getByTestId('clusters-view');
    await view.getByTestId('cluster-create').click();
    await view.getByTestId('member-row').nth(2).waitFor({ timeout: 60_000 });
    await until(
      async () => {
        const states = await servingStates();
        return leadersOf(states).length === 1 && Object.values(states).filter((s) => s === 'following').length === 2;
      },
      'one leader and two followers',
      60_000,
    );
    await view.getByTestId('election-entry').first().waitFor();
    // A few samples so the charts have lines.
    await page.waitForTimeout(4500);
    await screenshot(page, 'cluster-dashboard-light');
    await setTheme(page, 'dark');
    await screenshot(page, 'cluster-dashboard-dark');
    await setTheme(page, 'light');
  }, 90_000);

  it('shows a new leader in the timeline after the leader is killed from the dashboard', async () => {
    const [oldLeader] = leadersOf(await servingStates());
    expect(oldLeader).toBeDefined();
    const killedAt = Date.now();
    await view.getByTestId(`member-${oldLeader}-kill`).click();
    await until(
      async () => {
        const states = await servingStates();
        const leaders = leadersOf(states);
        return states[oldLeader!] === 'unknown' && leaders.length === 1 && leaders[0] !== oldLeader;
      },
      'a new leader',
      60_000,
    );
    const [newLeader] = leadersOf(await servingStates());
    const newest = view.getByTestId('election-entry').first();
    await until(async () => (await newest.getAttribute('data-leader')) === newLeader, 'the timeline to show the new leader');
    // the duration the members measured themselves, not the polling estimate
    await until(async () => /^\d+$/.test((await newest.getAttribute('data-duration-ms')) ?? ''), 'the member-reported election duration');
    expect(Number(await newest.getAttribute('data-duration-ms'))).toBeGreaterThan(0);
    expect(await view.getByTestId('election-entry').count()).toBeGreaterThanOrEqual(2);
    // The timeline outlives a page reload.
    const seen = await view.getByTestId('election-entry').count();
    await page.reload();
    await page.getByTestId('nav-clusters').click();
    await until(async () => (await view.getByTestId('election-entry').count()) >= seen, `the ${seen} timeline entries after a reload`, 30_000);
    expect(await view.getByTestId('election-entry').first().getAttribute('data-leader')).toBe(newLeader);
    await view.getByTestId(`member-${oldLeader}-start`).waitFor();
    console.log(`leader ${oldLeader} killed; member ${newLeader} leads after ${Date.now() - killedAt} ms`);
    await screenshot(page, 'cluster-after-failover-light');
  }, 90_000);

  it('opens a connection to the cluster and browses it', async () => {
    await view.getByTestId('cluster-open-connection').click();
    const ws = page.locator('[data-testid^="workspace-cluster "]');
    await ws.locator('[data-testid="tree-row"][data-path="/zookeeper"]').waitFor({ timeout: 30_000 });
    await ws.getByTestId('connection-state').filter({ hasText: /^connected$/ }).first().waitFor();
  }, 60_000);
});

// Issue 11 point 6, in Chromium against Apache ZooKeeper 3.8 and Paddock, each with a restricted
// 4lw.commands.whitelist (srvr, cons, and ruok for the harness's health check): the servers tab shows mntr (with
// charts), conf, cons, wchs and wchc and raw output; a word that is not whitelisted is named as such with the
// server's own sentence; the profile's AdminServer port answers instead, and when it does not the view says so.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { ZkClient } from '../../node-core/client/index.js';
import { freePort } from '../helpers/ports.js';
import { startTarget, type TargetKind, type ZkTarget } from '../helpers/zkTarget.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { createProfile, openApp, openProfile, screenshot, screenshotIfFailed, until } from './helpers/ui.js';
import { startWebMode, type WebMode } from './helpers/webMode.js';

let web: WebMode;
let browser: TestBrowser;

beforeAll(async () => {
  [web, browser] = await Promise.all([startWebMode(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
});

async function showCommand(ws: Locator, command: string): Promise<void> {
  await ws.getByTestId(`monitor-command-${command}`).click();
}

async function valueOf(ws: Locator, key: string): Promise<string> {
  return ws.locator(`[data-testid="monitor-value"][data-key="${key}"] td`).nth(1).innerText();
}

for (const kind of ['apache', 'paddock'] as TargetKind[]) {
  describe(`monitoring against ${kind} with a restricted whitelist`, () => {
    let target: ZkTarget;
    let zk: ZkClient;
    let page: Page;
    let closedPort: number;

    beforeAll(async () => {
      target = await startTarget(kind, { size: 1, extraConfig: { '4lw.commands.whitelist': 'srvr,cons,ruok' } });
      zk = await ZkClient.connect(target.connectString);
      await zk.create('/watched', 'x');
      await zk.getData('/watched', () => undefined);
      // A port nothing listens on: the AdminServer fallback is refused there.
      closedPort = await freePort();
      page = await browser.newPage();
      await openApp(page, web.url);
    }, 120_000);

    afterEach((context) => screenshotIfFailed(page, context.task, `failed-monitoring-${kind}`));

    afterAll(async () => {
      await web.closeConnections();
      await page?.close();
      await zk?.close().catch(() => undefined);
      await target?.stop();
    });

    it('says plainly that mntr is not whitelisted, and that the AdminServer did not answer either', async () => {
      await createProfile(page, { name: `${kind}-no-admin`, connectString: target.connectString, adminPort: closedPort });
      const ws = await openProfile(page, `${kind}-no-admin`);
      await ws.getByTestId('tab-servers').click();
      await showCommand(ws, 'mntr');
      const notice = ws.getByTestId('monitor-not-whitelisted');
      await notice.waitFor();
      const text = await notice.innerText();
      expect(text).toContain('4lw.commands.whitelist');
      // The server's own sentence, as it said it.
      expect(text).toContain('mntr is not executed because it is not in the whitelist.');
      const adminFailed = ws.getByTestId('monitor-admin-failed');
      await adminFailed.waitFor();
      expect(await adminFailed.innerText()).toContain(`port ${closedPort}`);
      expect(await ws.getByTestId('monitor-values').count()).toBe(0);
      // A whitelisted word still comes from the client port.
      await showCommand(ws, 'srvr');
      await ws.locator('[data-testid="monitor-source"][data-source="4lw"]').waitFor();
      expect(await ws.getByTestId('monitor-not-whitelisted').count()).toBe(0);
    });

    it('shows mntr, conf, wchs and wchc from the AdminServer port of the profile, and cons from the client port', async () => {
      const member = target.members[0]!;
      await createProfile(page, { name: `${kind}-admin`, connectString: target.connectString, adminPort: member.adminPort });
      const ws = await openProfile(page, `${kind}-admin`);
      const sid = `0x${zk.sessionId.toString(16)}`;
      await ws.getByTestId('tab-servers').click();

      await showCommand(ws, 'mntr');
      await ws.getByTestId('monitor-not-whitelisted').waitFor();
      await ws.locator('[data-testid="monitor-source"][data-source="adminServer"]').waitFor();
      expect(await ws.getByTestId('monitor-source').innerText()).toContain(String(member.adminPort));
      // /watched, /zookeeper, /zookeeper/quota, /zookeeper/config and the root at least.
      await until(async () => Number(await valueOf(ws, 'zk_znode_count')) >= 5, 'the znode count from the AdminServer');
      expect(await valueOf(ws, 'zk_server_state')).toBe('standalone');
      // Charts fill in as the view samples mntr every few seconds.
      const charts = ws.getByTestId('mntr-charts');
      await until(async () => Number(await charts.getAttribute('data-samples')) >= 2, 'two mntr samples', 20_000);
      expect(await charts.getByTestId('line-chart').count()).toBe(6);
      await screenshot(page, `monitoring-mntr-${kind}`);

      await ws.getByTestId('monitor-raw-toggle').click();
      const raw = ws.getByTestId('monitor-raw');
      await until(async () => (await raw.innerText()).includes('"command": "monitor"'), 'the raw AdminServer JSON');
      await ws.getByTestId('monitor-raw-toggle').click();

      await showCommand(ws, 'conf');
      await ws.locator('[data-testid="monitor-source"][data-source="adminServer"]').waitFor();
      expect(await valueOf(ws, 'client_port')).toBe(String(member.clientPort));

      await showCommand(ws, 'wchs');
      const summary = ws.getByTestId('monitor-watch-summary');
      await summary.waitFor();
      expect(Number(await summary.getAttribute('data-watches'))).toBeGreaterThanOrEqual(1);

      await showCommand(ws, 'wchc');
      const ours = ws.locator(`[data-testid="monitor-watch-session"][data-session="${sid}"]`);
      await ours.waitFor();
      expect(await ours.getByTestId('monitor-watched-path').allInnerTexts()).toEqual(['/watched']);

      // cons is whitelisted: the client port answers, and our test client's session is among the connections.
      await showCommand(ws, 'cons');
      await ws.locator('[data-testid="monitor-source"][data-source="4lw"]').waitFor();
      await ws.locator(`[data-testid="monitor-connection"][data-session="${sid}"]`).waitFor();
      await ws.getByTestId('monitor-raw-toggle').click();
      expect(await ws.getByTestId('monitor-raw').innerText()).toContain(`sid=${sid}`);
      await ws.getByTestId('monitor-raw-toggle').click();
    });
  });
}

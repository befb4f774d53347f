// Measures the GUI browsing a node with many children on each server: `paddock ui` in web mode driven in headless
// Chromium, one profile per standalone server, so the ratio compares the same GUI in front of Paddock and Apache
// ZooKeeper. Each run opens a fresh page and a fresh connection, goes to the node, expands it and scrolls through.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../e2e/helpers/browser.js';
import { createProfile, openApp, openProfile, treeRow } from '../e2e/helpers/ui.js';
import { createBenchServer, serverKinds, serverLabels, type BenchServer, type ServerKind } from './benchServer.js';
import { createBigNode } from './bigNode.js';
import { guiFigures, type FigureStore } from './figures.js';
import { childName, childrenReplyBytes, guiClientMaxBuffer, scrollTargets, summarizeFrames } from './guiMeasures.js';
import { probeExpand, probeGotoCount, probeScroll, probeScrollRange, type ScrollRecord } from './guiProbes.js';
import { startUiProcess, type UiProcess } from './guiServer.js';
import type { BenchOptions } from './options.js';
import { openAdmin } from './treeSetup.js';
import { alternate, type Progress } from './workloadPhase.js';

const BIG_NODE = '/gui/big';
const PROBE_TIMEOUT_MS = 60_000;
const SCROLL_STEP_MS = 100;

interface GuiRun {
  countMs: number;
  firstRowsMs: number;
  scroll: ScrollRecord;
}

const profileName = (kind: ServerKind) => `bench-${kind}`;

async function closeConnectionTab(page: Page, ws: Locator, kind: ServerKind): Promise<void> {
  await page
    .locator(`[data-testid="conn-tab-${profileName(kind)}"]`)
    .locator('xpath=ancestor::div[contains(@class,"n-tabs-tab")]')
    .locator('.n-base-close')
    .click();
  await ws.waitFor({ state: 'detached' });
}

/** One pass over the node in a fresh page: go-to-path, expand, scroll through; then the connection is closed. */
async function guiRun(browser: TestBrowser, url: string, kind: ServerKind, children: number, steps: number): Promise<GuiRun> {
  const page = await browser.newPage();
  try {
    await openApp(page, url);
    const ws = await openProfile(page, profileName(kind));
    await ws.getByTestId('goto-path').locator('input').fill(BIG_NODE);
    const countMs = await ws.evaluate(probeGotoCount, {
      path: BIG_NODE,
      countText: children.toLocaleString('en-US'),
      timeoutMs: PROBE_TIMEOUT_MS,
    });
    // the node panel's own reads finish before the expand is timed
    await ws.getByTestId('node-path').filter({ hasText: BIG_NODE }).waitFor();
    const firstRowsMs = await ws.evaluate(probeExpand, {
      path: BIG_NODE,
      firstChildPath: `${BIG_NODE}/${childName(0, children)}`,
      timeoutMs: PROBE_TIMEOUT_MS,
    });
    await treeRow(ws, `${BIG_NODE}/${childName(0, children)}`).waitFor();
    const range = await ws.evaluate(probeScrollRange);
    const scroll = await ws.evaluate(probeScroll, {
      targets: scrollTargets(range, steps),
      stepMs: SCROLL_STEP_MS,
      settleTimeoutMs: PROBE_TIMEOUT_MS,
      lastRowPath: `${BIG_NODE}/${childName(children - 1, children)}`,
    });
    await closeConnectionTab(page, ws, kind);
    return { countMs, firstRowsMs, scroll };
  } finally {
    await page.close().catch(() => undefined);
  }
}

function record(store: FigureStore, kind: ServerKind, run: GuiRun): string {
  const frames = summarizeFrames(run.scroll.frames);
  const unsettled = run.scroll.settled ? 0 : 1;
  store.add(1, 'gui.countShown', kind, run.countMs);
  store.add(1, 'gui.firstRows', kind, run.firstRowsMs);
  store.add(1, 'gui.scroll.p50', kind, frames.p50);
  store.add(1, 'gui.scroll.p99', kind, frames.p99);
  store.add(1, 'gui.scroll.max', kind, frames.max);
  store.add(1, 'gui.scroll.settle', kind, run.scroll.settleMs, unsettled);
  return (
    `count ${run.countMs.toFixed(0)} ms, first rows ${run.firstRowsMs.toFixed(0)} ms, ${frames.frames} frames ` +
    `p50/p99/max ${frames.p50.toFixed(1)}/${frames.p99.toFixed(1)}/${frames.max.toFixed(1)} ms, ` +
    `settled ${run.scroll.settled ? '' : 'NOT '}in ${run.scroll.settleMs.toFixed(0)} ms`
  );
}

export async function measureGui(options: BenchOptions, store: FigureStore, progress: Progress): Promise<void> {
  const children = options.guiChildren;
  const replyBytes = childrenReplyBytes(children, childName(0, children).length);
  if (replyBytes > guiClientMaxBuffer) {
    throw new Error(`listing ${children} children takes ${replyBytes} B, over the GUI client's ${guiClientMaxBuffer} B limit`);
  }
  store.define(guiFigures(children));
  const dir = mkdtempSync(join(tmpdir(), 'paddock-bench-gui-'));
  const servers: BenchServer[] = [];
  let ui: UiProcess | undefined;
  let browser: TestBrowser | undefined;
  // Chromium starts while the servers fill, which mostly waits on the servers.
  const launching = launchBrowser();
  try {
    for (const kind of serverKinds) {
      const server = await createBenchServer({ kind, size: 1 });
      servers.push(server);
      await server.start();
      const began = performance.now();
      const admin = await openAdmin(server.targets[0]!);
      try {
        await createBigNode(admin, BIG_NODE, children);
      } finally {
        await admin.close();
      }
      progress(`gui ${serverLabels[kind]}: created ${children} children in ${((performance.now() - began) / 1000).toFixed(1)} s`);
    }
    browser = await launching;
    ui = await startUiProcess(dir);
    const setup = await browser.newPage();
    await openApp(setup, ui.url);
    for (const server of servers) {
      await createProfile(setup, { name: profileName(server.kind), connectString: server.connectString });
    }
    await setup.close();
    // One unmeasured pass per server warms the API process, the renderer's code paths and each server alike.
    if (options.guiWarmup) {
      for (const server of servers) await guiRun(browser, ui.url, server.kind, children, options.guiScrollSteps);
    }
    for (let rep = 0; rep < options.reps; rep++) {
      for (const server of alternate(servers, rep)) {
        const run = await guiRun(browser, ui.url, server.kind, children, options.guiScrollSteps);
        progress(`gui ${serverLabels[server.kind]} run ${rep + 1}/${options.reps}: ${record(store, server.kind, run)}`);
      }
    }
  } finally {
    browser ??= await launching.catch(() => undefined);
    await browser?.close();
    await ui?.stop();
    for (const server of servers) await server.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

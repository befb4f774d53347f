// Drives the renderer the way a user does (profiles, tabs, tree, node panel), by the data-testid hooks the
// components carry, and saves screenshots under test-output/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

export const screenshotDir = join('test-output', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  // Let transitions (modals, messages) settle so the picture shows the resting state.
  await page.waitForTimeout(350);
  await page.screenshot({ path });
  return path;
}

/** For afterEach: a picture of the page when the test just failed, named after it. */
export async function screenshotIfFailed(page: Page | undefined, task: { name: string; result?: { state?: string } }, prefix = 'failed'): Promise<void> {
  if (page === undefined || task.result?.state !== 'fail') return;
  await screenshot(page, `${prefix}-${task.name.replace(/\W+/g, '-')}`).catch(() => undefined);
}

export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const shell = page.locator('.shell');
  // A programmatic click, so the switch works with a modal open (its mask covers the header).
  if ((await shell.getAttribute('data-theme')) !== theme) await page.getByTestId('theme-toggle').evaluate((el) => (el as HTMLElement).click());
  await page.locator(`.shell[data-theme="${theme}"]`).waitFor();
}

export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('new-profile').waitFor();
}

export async function createProfile(
  page: Page,
  profile: { name: string; connectString: string; readOnly?: boolean; chroot?: string; adminPort?: number },
): Promise<void> {
  await page.getByTestId('nav-home').click();
  await page.getByTestId('new-profile').click();
  const form = page.getByTestId('profile-form');
  await form.getByTestId('profile-name').locator('input').fill(profile.name);
  await form.getByTestId('profile-connect').locator('input').fill(profile.connectString);
  if (profile.chroot !== undefined) await form.getByTestId('profile-chroot').locator('input').fill(profile.chroot);
  if (profile.adminPort !== undefined) await form.getByTestId('profile-admin-port').locator('input').fill(String(profile.adminPort));
  if (profile.readOnly === true) await form.getByTestId('profile-readonly').click();
  await form.getByTestId('profile-save').click();
  await page.getByTestId(`profile-${profile.name}`).waitFor();
  await form.waitFor({ state: 'detached' });
}

/** Opens a saved profile in a new tab and returns its workspace once it shows the tree. */
export async function openProfile(page: Page, name: string): Promise<Locator> {
  await page.getByTestId(`profile-${name}`).getByTestId('profile-open').click();
  const ws = page.getByTestId(`workspace-${name}`);
  await ws.locator('[data-testid="tree-row"][data-path="/"]').waitFor();
  return ws;
}

/** A fresh page's way to a server's tree: load the app, save a profile for it and open that in a tab. */
export async function openWorkspace(page: Page, url: string, name: string, connectString: string): Promise<Locator> {
  await openApp(page, url);
  await createProfile(page, { name, connectString });
  return openProfile(page, name);
}

export function treeRow(ws: Locator, path: string): Locator {
  return ws.locator(`[data-testid="tree-row"][data-path="${path}"]`);
}

export async function goTo(ws: Locator, path: string): Promise<void> {
  const input = ws.getByTestId('goto-path').locator('input');
  await input.fill(path);
  await input.press('Enter');
  await ws.getByTestId('node-path').filter({ hasText: path }).waitFor();
}

export function editor(ws: Locator): Locator {
  return ws.getByTestId('data-editor').locator('textarea');
}

/** Waits for the editor to show exactly text. */
export async function expectEditorText(ws: Locator, text: string, timeoutMs = 10_000): Promise<void> {
  const area = editor(ws);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await area.inputValue();
    if (last === text) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the editor shows ${JSON.stringify(last)}, expected ${JSON.stringify(text)}`);
}

export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

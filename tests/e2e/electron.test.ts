// The desktop shell (electron/): builds it with electron-vite and checks what the built bundles and the policy
// modules promise (locked-down window, denied window.open and navigation, one preload API, a strict CSP). Where an
// Electron binary is installed it then launches the built app with Playwright and checks the same things live;
// where none is (ELECTRON_SKIP_BINARY_DOWNLOAD, as on CI), that last test says so plainly instead of skipping.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../node-core/api/wsServer.js';
import { cspDirectives, desktopContentSecurityPolicy } from '../../electron/contentSecurityPolicy.js';
import { outsideAsar, serverLaunch } from '../../electron/serverLaunch.js';
import { appEntryUrl, mayNavigate, secureWebPreferences } from '../../electron/windowPolicy.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const built = {
  main: join(root, 'out', 'main', 'main.js'),
  apiHost: join(root, 'out', 'main', 'apiHost.js'),
  preload: join(root, 'out', 'preload', 'preload.cjs'),
  page: join(root, 'out', 'renderer', 'index.html'),
};

/** The binary the electron package names, if it was downloaded. */
function electronBinary(): string | undefined {
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

describe('desktop shell', () => {
  let build: SpawnSyncReturns<string>;

  beforeAll(() => {
    // A failed build must not leave an earlier build's files for the checks below to pass on.
    for (const dir of ['main', 'preload', 'renderer']) rmSync(join(root, 'out', dir), { recursive: true, force: true });
    build = spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['electron-vite', 'build'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
  }, 320_000);

  it('builds the main process, the API host, the preload and the renderer', () => {
    expect(build.status, `${build.stdout}\n${build.stderr}`.slice(-4000)).toBe(0);
    for (const file of Object.values(built)) expect(existsSync(file), file).toBe(true);
  });

  it('the built main process locks the window down', () => {
    const main = readFileSync(built.main, 'utf8');
    for (const setting of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false', 'webSecurity: true', 'webviewTag: false']) {
      expect(main).toContain(setting);
    }
    expect(main).toContain('app.enableSandbox()');
    expect(main).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: "deny" \}\)\)/);
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) expect(main).toContain(`"${event}"`);
    expect(main).toMatch(/setPermissionRequestHandler\(\([^)]*\) => callback\(false\)\)/);
    expect(main).toMatch(/setPermissionCheckHandler\(\(\) => false\)/);
    expect(main).toContain('app.requestSingleInstanceLock()');
    expect(main).toContain('utilityProcess.fork(');
    // node-core runs in the API host, never in the main process.
    const definesApiService = /\bclass ApiService\b|\bApiService = class\b/;
    expect(main).not.toMatch(definesApiService);
    expect(readFileSync(built.apiHost, 'utf8')).toMatch(definesApiService);
  });

  it('the preload is a self-contained CommonJS script exposing only window.paddock', () => {
    const preload = readFileSync(built.preload, 'utf8');
    // A sandboxed preload can require nothing but a few Electron modules and cannot be an ES module.
    expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s/m);
    expect([...preload.matchAll(/exposeInMainWorld\(\s*"([^"]+)"/g)].map((m) => m[1])).toEqual(['paddock']);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });

  it('the window preferences and navigation rules are the strict ones', () => {
    expect(secureWebPreferences('/app/preload.cjs')).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(mayNavigate(appEntryUrl)).toBe(true);
    expect(mayNavigate('app://paddock/clusters')).toBe(true);
    for (const url of ['https://example.com/', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'app://evil/index.html', 'javascript:alert(1)', 'not a url']) {
      expect(mayNavigate(url), url).toBe(false);
    }
    expect(mayNavigate('http://localhost:5173/x', 'http://localhost:5173')).toBe(true);
    expect(mayNavigate('http://localhost:5174/x', 'http://localhost:5173')).toBe(false);
  });

  it('the desktop CSP is web mode’s, with no network at all', () => {
    const desktop = cspDirectives(desktopContentSecurityPolicy());
    const web = cspDirectives(contentSecurityPolicy(4321));
    expect(desktop.get('connect-src')).toBe("'none'");
    desktop.delete('connect-src');
    web.delete('connect-src');
    expect(desktop).toEqual(web);
    expect(desktop.get('default-src')).toBe("'none'");
    expect(desktop.get('script-src')).toBe("'self'");
  });

  it('the built page carries the CSP as a meta tag before any script', () => {
    const html = readFileSync(built.page, 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
    expect(meta, 'CSP meta tag').not.toBeNull();
    const directives = cspDirectives(meta![1]!.replaceAll('&#39;', "'"));
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'none'");
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('cluster members run on Electron’s Node, from outside the asar archive', () => {
    const packaged = serverLaunch({ appRoot: join(sep, 'opt', 'Paddock', 'resources', 'app.asar'), execPath: '/opt/Paddock/paddock' });
    expect(packaged.node).toEqual({ path: '/opt/Paddock/paddock', env: { ELECTRON_RUN_AS_NODE: '1' } });
    expect(packaged.paddock.script).toBe(join(sep, 'opt', 'Paddock', 'resources', 'app.asar.unpacked', 'bin', 'paddock.mjs'));
    expect(outsideAsar(join(sep, 'a', 'app.asar', 'dist', 'x.js'))).toBe(join(sep, 'a', 'app.asar.unpacked', 'dist', 'x.js'));
    expect(outsideAsar(join(sep, 'work', 'paddock'))).toBe(join(sep, 'work', 'paddock'));
  });

  it('runs the desktop shell in Electron', async () => {
    const binary = electronBinary();
    if (binary === undefined) {
      console.log('Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD); the desktop shell test did not run here');
      expect(binary).toBeUndefined();
      return;
    }
    const { _electron } = await import('playwright-core');
    const scratch = mkdtempSync(join(tmpdir(), 'paddock-electron-'));
    const app = await _electron.launch({
      executablePath: binary,
      args: [built.main, `--user-data-dir=${join(scratch, 'user-data')}`],
      env: { ...process.env, XDG_CONFIG_HOME: join(scratch, 'config'), PADDOCK_DEFAULT_CLUSTER: '0' },
      timeout: 60_000,
    });
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      expect(page.url()).toBe(appEntryUrl);

      const header = await app.evaluate(async ({ net }, url) => (await net.fetch(url)).headers.get('content-security-policy'), appEntryUrl);
      expect(header).toBe(desktopContentSecurityPolicy());
      const inlineRan = await page.evaluate<unknown>(
        "(() => { const s = document.createElement('script'); s.textContent = 'window.__inlineRan = true'; document.head.append(s); return window.__inlineRan === true; })()",
      );
      expect(inlineRan).toBe(false);

      expect(await page.evaluate<string>('typeof window.require')).toBe('undefined');
      expect(await page.evaluate<string>('typeof process')).toBe('undefined');
      expect(await page.evaluate<string>('typeof window.paddock.call')).toBe('function');
      expect(await page.evaluate<unknown>("window.paddock.call('profiles.list', {})")).toEqual({ profiles: [] });
      const refused = await page.evaluate<{ name?: string }>("window.paddock.call('znode.get', {}).then(() => ({}), (e) => e)");
      expect(refused.name).toBe('invalidParams');

      expect(await page.evaluate<boolean>("window.open('https://example.com/') === null")).toBe(true);
      await page.evaluate<void>("void (location.href = 'https://example.com/')");
      await page.waitForTimeout(1_000);
      expect(page.url()).toBe(appEntryUrl);
      expect(app.windows()).toHaveLength(1);
    } finally {
      await app.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 120_000);
});

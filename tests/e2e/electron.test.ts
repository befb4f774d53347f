// The desktop shell (electron/): builds it with electron-vite and checks what the built bundles and the policy
// modules promise (locked-down window, denied window.open and navigation, one preload API, a strict CSP), and runs
// the built API host under Node with stand-ins for Electron's ports (requests, the default cluster, shutdown). Where an
// Electron binary is installed it then launches the built app with Playwright and checks the same things live;
// where none is (ELECTRON_SKIP_BINARY_DOWNLOAD, as on CI), that last test says so plainly instead of skipping.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiResult } from '../../node-core/api/contract.js';
import { contentSecurityPolicy } from '../../node-core/api/wsServer.js';
import { cspDirectives, desktopContentSecurityPolicy } from '../../electron/contentSecurityPolicy.js';
import type { HostConfig } from '../../electron/hostMessages.js';
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

  it('the built API host answers over its port, starts the 3-node cluster and stops it on shutdown', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'paddock-api-host-'));
    // Stands in for Electron's utility-process parentPort and MessagePortMain, relaying both over stdio as JSON lines.
    const driver = join(scratch, 'driver.mjs');
    writeFileSync(
      driver,
      `import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
const out = (from, m) => process.stdout.write(JSON.stringify({ from, m }) + '\\n');
const parent = Object.assign(new EventEmitter(), { postMessage: (m) => out('host', m) });
process.parentPort = parent;
await import(pathToFileURL(process.argv[2]).href);
const port = Object.assign(new EventEmitter(), { start() {}, close() { port.emit('close'); }, postMessage: (m) => out('port', m) });
parent.emit('message', { data: { type: 'connectPeer', label: 'test' }, ports: [port] });
let buffered = '';
process.stdin.setEncoding('utf8').on('data', (chunk) => {
  buffered += chunk;
  for (let i = buffered.indexOf('\\n'); i >= 0; i = buffered.indexOf('\\n')) {
    const message = JSON.parse(buffered.slice(0, i));
    buffered = buffered.slice(i + 1);
    if (message.toHost !== undefined) parent.emit('message', { data: message.toHost, ports: [] });
    else port.emit('message', { data: message });
  }
});
`,
    );
    const config: HostConfig = {
      serverLaunch: { node: { path: process.execPath }, paddock: { script: join(root, 'bin', 'paddock.mjs') } },
      defaultClusterNodes: 3,
      defaultClusterName: 'local',
    };
    const host = spawn(process.execPath, [driver, built.apiHost], {
      env: { ...process.env, PADDOCK_HOST_CONFIG: JSON.stringify(config), XDG_DATA_HOME: join(scratch, 'data'), XDG_CONFIG_HOME: join(scratch, 'config') },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const received: Array<{ from: 'host' | 'port'; m: Record<string, unknown> }> = [];
    const waiters: Array<() => void> = [];
    createInterface({ input: host.stdout }).on('line', (line) => {
      received.push(JSON.parse(line) as (typeof received)[number]);
      for (const wake of waiters.splice(0)) wake();
    });
    const exited = new Promise<number | null>((resolve) => host.on('exit', (code) => resolve(code)));
    const next = async (match: (r: (typeof received)[number]) => boolean, what: string, timeoutMs = 90_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(match);
        if (found !== undefined) return found.m;
        if (Date.now() > deadline) throw new Error(`the API host sent no ${what}`);
        await new Promise<void>((wake) => {
          waiters.push(wake);
          setTimeout(wake, 500);
        });
      }
    };
    const send = (message: unknown) => host.stdin.write(`${JSON.stringify(message)}\n`);
    try {
      expect(await next((r) => r.from === 'host' && r.m.type === 'ready', 'ready message')).toEqual({ type: 'ready' });
      send({ id: 1, method: 'profiles.list', params: {} });
      expect(await next((r) => r.from === 'port' && r.m.id === 1, 'profiles.list response')).toEqual({ id: 1, result: { profiles: [] } });
      send({ id: 2, method: 'znode.get', params: {} });
      expect(await next((r) => r.from === 'port' && r.m.id === 2, 'znode.get response')).toMatchObject({ id: 2, error: { name: 'invalidParams' } });

      const started = await next((r) => r.from === 'host' && r.m.type === 'defaultCluster', 'default cluster report');
      expect(started, JSON.stringify(started)).toMatchObject({ ok: true });
      send({ id: 3, method: 'cluster.list', params: {} });
      const listed = (await next((r) => r.from === 'port' && r.m.id === 3, 'cluster.list response')) as { result: ApiResult<'cluster.list'> };
      const [cluster] = listed.result.clusters;
      expect(cluster?.name).toBe('local');
      expect(cluster?.backend).toBe('paddock');
      expect(cluster?.members).toHaveLength(3);
      const pids = cluster!.members.map((m) => m.pid).filter((pid): pid is number => pid !== undefined);
      expect(pids).toHaveLength(3);
      // The GUI finds the cluster already connected, under its own profile.
      let connected: string[] = [];
      for (let id = 100; connected.length === 0 && id < 160; id++) {
        if (id > 100) await new Promise((wait) => setTimeout(wait, 500));
        send({ id, method: 'connection.list', params: {} });
        const listed = (await next((r) => r.from === 'port' && r.m.id === id, 'connection.list response')) as { result: ApiResult<'connection.list'> };
        connected = listed.result.connections.filter((c) => c.state === 'connected').map((c) => c.profileName);
      }
      expect(connected).toEqual(['Local cluster (desktop)']);

      send({ toHost: { type: 'shutdown' } });
      expect(await exited).toBe(0);
      expect(received.some((r) => r.from === 'host' && r.m.type === 'stopped')).toBe(true);
      const alive = pids.filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      });
      expect(alive, 'cluster members still running after shutdown').toEqual([]);
    } finally {
      host.kill('SIGKILL');
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 150_000);

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
      // The bridge is only a transport: request messages in, response and event messages out.
      expect(await page.evaluate<string[]>('Object.keys(window.paddock).sort()')).toEqual(['close', 'onClose', 'onMessage', 'send']);
      const roundTrip = (id: number, method: string) =>
        `new Promise((resolve) => { const stop = window.paddock.onMessage((m) => { if (m.id === ${id}) { stop(); resolve(m); } }); ` +
        `window.paddock.send({ id: ${id}, method: '${method}', params: {} }); })`;
      expect(await page.evaluate<unknown>(roundTrip(7001, 'profiles.list'))).toEqual({ id: 7001, result: { profiles: [] } });
      const refused = await page.evaluate<{ error?: { name?: string } }>(roundTrip(7002, 'znode.get'));
      expect(refused.error?.name).toBe('invalidParams');

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

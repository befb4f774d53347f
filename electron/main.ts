// Paddock's desktop main process: one locked-down window onto the renderer, the application menu, and node-core's
// admin API running in a utility process (electron/apiHost.ts) that each page reaches over its own MessagePort.
// At startup the API host creates a local 3-node cluster; quitting stops the API and every cluster member.
import { app, BrowserWindow, ipcMain, Menu, nativeTheme } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiHostProcess } from './apiHostProcess.js';
import { buildAppMenu } from './appMenu.js';
import { hardenApp } from './hardening.js';
import { apiPortChannel, type HostToMain } from './hostMessages.js';
import { registerAppScheme, serveRenderer } from './rendererProtocol.js';
import { serverLaunch } from './serverLaunch.js';
import { appEntryUrl, isAppUrl, secureWebPreferences } from './windowPolicy.js';

// out/main/main.js: the app's root (the project, or resources/app.asar) is two levels up, however Electron was
// started (`electron out/main/main.js` in development, the packaged executable otherwise).
const mainDir = dirname(fileURLToPath(import.meta.url));
const appRoot = dirname(dirname(mainDir));
const preloadPath = join(mainDir, '..', 'preload', 'preload.cjs');
const rendererDir = join(mainDir, '..', 'renderer');
const devServerOrigin = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? new URL(process.env.ELECTRON_RENDERER_URL).origin : undefined;

function defaultClusterNodes(): number {
  if (process.argv.includes('--no-cluster') || process.env.PADDOCK_DEFAULT_CLUSTER === '0') return 0;
  const fromEnv = Number(process.env.PADDOCK_DEFAULT_CLUSTER);
  return Number.isInteger(fromEnv) && fromEnv >= 1 && fromEnv <= 9 ? fromEnv : 3;
}

app.setName('Paddock');
app.setAboutPanelOptions({
  applicationName: 'Paddock',
  applicationVersion: __PADDOCK_VERSION__,
  version: `Electron ${process.versions.electron}`,
  credits: 'A ZooKeeper-compatible coordination service and its admin GUI.',
  copyright: 'Apache License 2.0',
});
// Both must happen before the app is ready.
registerAppScheme();
app.enableSandbox();

let mainWindow: BrowserWindow | undefined;
let quitState: 'running' | 'stopping' | 'stopped' = 'running';

const apiHost = new ApiHostProcess({
  entry: join(mainDir, 'apiHost.js'),
  config: {
    serverLaunch: serverLaunch({ appRoot, execPath: process.execPath }),
    defaultClusterNodes: defaultClusterNodes(),
    defaultClusterName: 'local',
  },
  // Connections and subscriptions died with the old host; a fresh page starts from what the new one knows.
  onRestarted: () => mainWindow?.webContents.reload(),
  onMessage: (message: HostToMain) => {
    if (message.type === 'defaultCluster') {
      if (message.ok) console.log(`paddock: local cluster running at ${message.connectString}`);
      else console.error(`paddock: could not start the local cluster: ${message.message}`);
    }
  },
});

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 760,
    minHeight: 480,
    show: false,
    title: 'Paddock',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#18181c' : '#ffffff',
    webPreferences: secureWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = undefined;
  });
  void window.loadURL(devServerOrigin !== undefined ? process.env.ELECTRON_RENDERER_URL! : appEntryUrl);
  return window;
}

function focusWindow(): void {
  if (mainWindow === undefined) {
    mainWindow = createWindow();
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

function start(): void {
  app.on('second-instance', focusWindow);
  // The page asks for its port once its preload runs (again after every reload); only our own page's main frame
  // may have one.
  ipcMain.on(apiPortChannel, (event) => {
    const frame = event.senderFrame;
    if (frame === null || frame !== event.sender.mainFrame || !isAppUrl(frame.url, devServerOrigin)) return;
    apiHost.connect(event.sender);
  });
  // Quitting waits for the API host to stop the local clusters; then it quits for real.
  app.on('before-quit', (event) => {
    if (quitState === 'stopped') return;
    event.preventDefault();
    if (quitState === 'stopping') return;
    quitState = 'stopping';
    void apiHost.stop().finally(() => {
      quitState = 'stopped';
      app.quit();
    });
  });
  // The window is the app: with it gone nothing should keep local clusters running, on macOS too.
  app.on('window-all-closed', () => app.quit());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  void app.whenReady().then(() => {
    hardenApp(devServerOrigin);
    serveRenderer(rendererDir);
    Menu.setApplicationMenu(buildAppMenu({ window: () => mainWindow, devTools: !app.isPackaged }));
    apiHost.start();
    mainWindow = createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
    });
  });
}

// A second copy would start a second API host and a second default cluster; it hands over to the first instead.
if (app.requestSingleInstanceLock()) start();
else app.quit();

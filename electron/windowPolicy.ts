// What the window may be and where it may go: the locked-down webPreferences and the only origin the renderer is
// served from. Pure (no Electron import at all), so tests and type checks run where the electron package is absent:
// it is an optional dependency, gone wherever its binary download failed.

/** The fields of Electron's WebPreferences this window sets; BrowserWindow accepts it as its webPreferences. */
export interface LockedDownWebPreferences {
  preload: string;
  contextIsolation: boolean;
  sandbox: boolean;
  nodeIntegration: boolean;
  nodeIntegrationInWorker: boolean;
  nodeIntegrationInSubFrames: boolean;
  webSecurity: boolean;
  allowRunningInsecureContent: boolean;
  webviewTag: boolean;
  navigateOnDragDrop: boolean;
  experimentalFeatures: boolean;
  safeDialogs: boolean;
  spellcheck: boolean;
}

/** The renderer's files are served under app://paddock/ (a privileged, standard, secure scheme), never file://. */
export const appScheme = 'app';
export const appHost = 'paddock';
export const appOrigin = `${appScheme}://${appHost}`;
export const appEntryUrl = `${appOrigin}/index.html`;

export function secureWebPreferences(preloadPath: string): LockedDownWebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    // A file dropped on the window would otherwise replace the app with that file.
    navigateOnDragDrop: false,
    experimentalFeatures: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

/** The renderer's own pages: app://paddock/..., or electron-vite's dev server while developing. */
export function isAppUrl(url: string, devServerOrigin?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${appScheme}:` && parsed.host === appHost) return true;
  return devServerOrigin !== undefined && parsed.origin === new URL(devServerOrigin).origin;
}

/**
 * Navigation stays on the page already loaded: a single-page app never needs a full navigation, and anything else
 * (a link, a redirect, location.href) could only take the window somewhere it must not go.
 */
export function mayNavigate(url: string, devServerOrigin?: string): boolean {
  return isAppUrl(url, devServerOrigin);
}

// Applies the security rules every page and the session live under: no new windows, no navigation away from the
// app, no webviews, every permission request denied, and no request to the network (the CSP says the same; this
// holds even for requests a CSP does not govern).
import { app, session, type WebContents } from 'electron';
import { desktopContentSecurityPolicy } from './contentSecurityPolicy.js';
import { mayNavigate } from './windowPolicy.js';

function hardenContents(contents: WebContents, devServerOrigin: string | undefined): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const keepHere = (event: { url: string; preventDefault(): void }) => {
    if (!mayNavigate(event.url, devServerOrigin)) {
      event.preventDefault();
      console.warn(`paddock: blocked navigation to ${event.url.slice(0, 200)}`);
    }
  };
  contents.on('will-navigate', keepHere);
  contents.on('will-frame-navigate', keepHere);
  contents.on('will-redirect', keepHere);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Call once, before the first window. devServerOrigin: electron-vite's dev server while developing, else none. */
export function hardenApp(devServerOrigin: string | undefined): void {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, devServerOrigin));

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);

  const allowed = (url: string) => devServerOrigin !== undefined && new URL(url).origin === new URL(devServerOrigin).origin;
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'file:///*'] }, (details, callback) => {
    const cancel = !allowed(details.url.replace(/^ws/, 'http'));
    if (cancel) console.warn(`paddock: blocked request to ${details.url.slice(0, 200)}`);
    callback({ cancel });
  });

  // app:// pages carry the policy from rendererProtocol.ts; pages of the dev server get it here.
  if (devServerOrigin !== undefined) {
    ses.webRequest.onHeadersReceived((details, callback) => {
      const headers = { ...details.responseHeaders };
      if (allowed(details.url)) headers['Content-Security-Policy'] = [desktopContentSecurityPolicy(devServerOrigin)];
      callback({ responseHeaders: headers });
    });
  }
}

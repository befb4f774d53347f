// Serves the built renderer under app://paddock/ with the desktop Content-Security-Policy as a response header:
// a real origin for the page (unlike file://, which would let it read any local file) and no route to anywhere else.
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { desktopContentSecurityPolicy } from './contentSecurityPolicy.js';
import { contentTypes } from '../node-core/api/contentTypes.js';
import { appHost, appScheme } from './windowPolicy.js';


/** Must run before the app is ready: a standard, secure scheme gets an origin, relative URLs and secure-context APIs. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { standard: true, secure: true } }]);
}

function securityHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': desktopContentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

export function serveRenderer(rendererDir: string): void {
  const root = resolve(rendererDir);
  protocol.handle(appScheme, async (request) => {
    const url = new URL(request.url);
    if (url.host !== appHost || request.method !== 'GET') return new Response(null, { status: 404 });
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return new Response(null, { status: 400 });
    }
    const file = resolve(root, `.${pathname.endsWith('/') ? `${pathname}index.html` : pathname}`);
    if (!file.startsWith(root + sep)) return new Response(null, { status: 403 });
    // Client-side routes have no file of their own: they get the app's page.
    const candidates = extname(file) === '' ? [file, resolve(root, 'index.html')] : [file];
    for (const candidate of candidates) {
      const body = await readFile(candidate).catch(() => undefined);
      if (body === undefined) continue;
      const type = contentTypes[extname(candidate).toLowerCase()] ?? 'application/octet-stream';
      return new Response(new Uint8Array(body), { status: 200, headers: securityHeaders(type) });
    }
    return new Response('Not found', { status: 404, headers: securityHeaders('text/plain; charset=utf-8') });
  });
}

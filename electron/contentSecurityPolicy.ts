// The desktop window's Content-Security-Policy: the same directives as web mode's (node-core/api's
// contentSecurityPolicy()) except connect-src, because the desktop renderer reaches the API through the preload's
// MessagePort and needs no network at all. Pure, so tests compare it with web mode's directive by directive.

/** devServerOrigin: electron-vite's dev server (http://localhost:5173), whose HMR socket the page must reach. */
export function desktopContentSecurityPolicy(devServerOrigin?: string): string {
  const devSocket = devServerOrigin?.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Naive UI injects its styles at run time, which needs inline styles; scripts stay strictly same-origin.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    devServerOrigin === undefined ? "connect-src 'none'" : `connect-src 'self' ${devSocket}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Directive name -> value, for comparing policies. */
export function cspDirectives(policy: string): Map<string, string> {
  const directives = new Map<string, string>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name !== undefined && name !== '') directives.set(name, values.join(' '));
  }
  return directives;
}

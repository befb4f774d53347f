// Builds the desktop app into out/: the main process and the API host (ES modules, node-core bundled in), the
// sandboxed preload (CommonJS: a sandboxed preload cannot be an ES module) and the renderer, built with the
// renderer's own Vite settings (renderer/vite.config.ts) plus the desktop Content-Security-Policy as a meta tag.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import rendererConfig from './renderer/vite.config.ts';
import { cspDirectives, desktopContentSecurityPolicy } from './electron/contentSecurityPolicy.ts';

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const { version } = JSON.parse(readFileSync(fromRoot('./package.json'), 'utf8')) as { version: string };

// electron-vite picks its Node and Chrome targets from the installed electron package, which is an optional
// dependency and absent wherever its binary could not be downloaded; the version electron-builder.yml names (the one
// the installers ship) stands in for it then, so the desktop bundles build everywhere.
if (process.env.ELECTRON_MAJOR_VER === undefined && !existsSync(fromRoot('./node_modules/electron/package.json'))) {
  const named = /^electronVersion:\s*(\d+)\./m.exec(readFileSync(fromRoot('./electron-builder.yml'), 'utf8'));
  if (named === null) throw new Error('electron-builder.yml names no electronVersion, and the electron package is not installed');
  process.env.ELECTRON_MAJOR_VER = named[1];
}

/** The policy travels as a response header too (electron/rendererProtocol.ts); the meta tag guards the page if it is ever loaded another way. */
function cspMetaTag(): Plugin {
  // Browsers ignore frame-ancestors in a meta tag and warn about it; the header carries it.
  const policy = [...cspDirectives(desktopContentSecurityPolicy())]
    .filter(([name]) => name !== 'frame-ancestors')
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
  return {
    name: 'paddock:csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'pre',
      handler: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }],
    },
  };
}

export default defineConfig({
  main: {
    define: { __PADDOCK_VERSION__: JSON.stringify(version) },
    build: {
      outDir: fromRoot('./out/main'),
      rollupOptions: {
        input: { main: fromRoot('./electron/main.ts'), apiHost: fromRoot('./electron/apiHost.ts') },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: fromRoot('./out/preload'),
      rollupOptions: {
        input: { preload: fromRoot('./electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs' },
      },
    },
  },
  renderer: mergeConfig(rendererConfig, {
    plugins: [cspMetaTag()],
    build: {
      outDir: fromRoot('./out/renderer'),
      emptyOutDir: true,
      rollupOptions: { input: { index: fromRoot('./renderer/index.html') } },
    },
  }),
});

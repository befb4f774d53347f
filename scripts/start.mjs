#!/usr/bin/env node
// `npm start`: builds what is needed and opens Paddock: the desktop app where an Electron binary is installed, web
// mode (`paddock ui`, in the browser) where none is. Both start a local 3-node cluster; arguments after `--` are
// passed on (e.g. `npm start -- --no-cluster`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function step(what, command, commandArgs) {
  process.stdout.write(`\n> ${what}\n`);
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(`npm start: ${what} failed\n`);
    process.exit(result.status ?? 1);
  }
}

/** The path the electron package names, if its binary was downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD leaves none). */
function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the app in the foreground; Ctrl-C reaches it directly (same process group) and it stops its clusters. */
function runForeground(command, commandArgs) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
}

const electron = electronBinary();
if (electron !== undefined) {
  // Local-cluster members run `paddock server` from dist/; the desktop app bundles everything else into out/.
  step('building node-core (dist/)', npx, ['tsc', '-p', 'tsconfig.build.json']);
  step('building the desktop app (out/)', npx, ['electron-vite', 'build']);
  runForeground(electron, [join(root, 'out', 'main', 'main.js'), ...args]);
} else {
  process.stdout.write('No Electron binary is installed here (ELECTRON_SKIP_BINARY_DOWNLOAD?); starting web mode instead.\n');
  step('building node-core and the renderer (dist/)', npm, ['run', 'build']);
  if (!existsSync(join(root, 'dist', 'renderer', 'index.html'))) step('building the renderer', npm, ['run', 'build:renderer']);
  runForeground(process.execPath, [join(root, 'bin', 'paddock.mjs'), 'ui', ...args]);
}

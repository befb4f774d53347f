#!/usr/bin/env node
// The `paddock` command: runs the compiled CLI from dist/ (built by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(root, 'dist', 'node-core', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(`paddock: ${entry} is missing; run \`npm run build\` first.\n`);
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));

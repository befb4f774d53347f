// node-core's structure as its folder READMEs state it: each folder imports only the folders its README's
// "May import:" line names, the pure core does no I/O, nothing depends on the desktop shell or the GUI, and no two
// modules import each other, even through others.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from './importGraph.js';

const root = join(import.meta.dirname, '..', '..', '..');
const graph = importGraph(root, 'node-core');
const folders = readdirSync(join(root, 'node-core')).filter((name) => statSync(join(root, 'node-core', name)).isDirectory());
const pureFolders = ['jute', 'protocol', 'tree', 'watch', 'txn', 'consensus'];
const folderOf = (file: string) => file.split('/')[1]!;

function allowedImports(folder: string): string[] {
  const readme = readFileSync(join(root, 'node-core', folder, 'README.md'), 'utf8');
  const line = /^May import: (.*)$/m.exec(readme)?.[1];
  if (line === undefined) throw new Error(`node-core/${folder}/README.md has no "May import:" line`);
  return line.trim() === 'nothing' ? [] : line.split(',').map((s) => s.trim());
}

describe('node-core structure', () => {
  it('every folder has a README naming its job and what it may import', () => {
    for (const folder of folders) {
      const allowed = allowedImports(folder);
      for (const name of allowed) expect(folders, `node-core/${folder}/README.md names ${name}`).toContain(name);
    }
  });

  for (const folder of folders) {
    it(`${folder}/ imports only what its README allows`, () => {
      const allowed = new Set([folder, ...allowedImports(folder)]);
      const outside = [...graph]
        .filter(([file]) => folderOf(file) === folder)
        .flatMap(([file, targets]) => targets.filter((t) => !t.startsWith('node-core/') || !allowed.has(folderOf(t))).map((t) => `${file} -> ${t}`));
      expect(outside).toEqual([]);
    });
  }

  it('the pure core touches no disk, socket, process or thread', () => {
    const io = /from\s+['"]node:(fs|fs\/promises|net|tls|http|https|dgram|child_process|worker_threads|cluster)['"]/;
    const offenders = [...graph.keys()]
      .filter((file) => pureFolders.includes(folderOf(file)))
      .filter((file) => io.test(readFileSync(join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('nothing in node-core depends on the desktop shell, the renderer or their libraries', () => {
    const forbidden = /from\s+['"](electron|vue|pinia|naive-ui)['"/]|from\s+['"][./]*(electron|renderer)\//;
    const offenders = [...graph.keys()].filter((file) => forbidden.test(readFileSync(join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('no import cycles', () => {
    expect(importCycles(graph)).toEqual([]);
  });
});

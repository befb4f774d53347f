// The README's Layout section against the tree: every folder at the top, in node-core, in renderer/src (and its
// components), in tests and in tests/fixtures is named there, and every folder it names exists.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const layout = /^## Layout\n\n```\n([\s\S]*?)```/m.exec(readme)?.[1] ?? '';
/** Build output, dependencies and local data, which .gitignore keeps out of the repository. */
const notInRepository = new Set(['node_modules', 'dist', 'out', 'test-output', '.paddock-data']);

function folders(dir: string): string[] {
  return readdirSync(join(root, dir))
    .filter((name) => !name.startsWith('.') && !notInRepository.has(name))
    .filter((name) => statSync(join(root, dir, name)).isDirectory());
}

/** Folder names the section mentions as `name/`. */
const named = new Set([...layout.matchAll(/(?:^|[\s(])([a-z][A-Za-z0-9_-]*)\//gm)].map((m) => m[1]!));

describe('README Layout section', () => {
  it('exists', () => {
    expect(layout.length).toBeGreaterThan(0);
  });

  for (const dir of ['.', 'node-core', 'renderer/src', 'renderer/src/components', 'tests', 'tests/fixtures']) {
    it(`names every folder of ${dir}`, () => {
      expect(folders(dir).filter((name) => !named.has(name))).toEqual([]);
    });
  }

  it('names no folder that does not exist', () => {
    const everywhere = new Set(
      ['.', 'node-core', 'renderer', 'renderer/src', 'renderer/src/components', 'tests', 'tests/fixtures', 'tests/unit', 'bench'].flatMap((dir) =>
        existsSync(join(root, dir)) ? folders(dir) : [],
      ),
    );
    expect([...named].filter((name) => !everywhere.has(name))).toEqual([]);
  });
});

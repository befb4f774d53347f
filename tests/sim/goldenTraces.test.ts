// Golden traces: each tests/sim/testdata/*.txt is a script of steps (deliver, drop, tick, crash, restart,
// stabilize...) run through a ScriptedEnsemble, with every message, disk write and role change written under its
// step. A change in the protocol's behaviour shows as a diff. PADDOCK_UPDATE_FIXTURES=1 rewrites the files, as the
// differential test does for its fixture; review the diff before committing it.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTraceFile, renderTraceFile, runTraceBlocks } from './traceScript.js';

const testdata = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const updating = process.env.PADDOCK_UPDATE_FIXTURES !== undefined;

/** What each trace exists to show, so that an update cannot quietly turn it into a different scenario. */
const mustShow: Record<string, RegExp[]> = {
  'election.txt': [/ 3: leading/, / 3: serving epoch 1/, / 1: serving epoch 1/],
  'diff.txt': [/ > 1 DIFF /],
  'trunc.txt': [/ > 3 TRUNC /, / 3: disk truncate after /],
  'snap.txt': [/ > 1 SNAP /, / 1: disk snapshot at /],
  'reconfig.txt': [/COMMITANDACTIVATE/, / config 0x/],
  'observer-answers.txt': [/ 4: observing leader=2/, / 4 > 3 vote leader=2 .* OBSERVING/, / 3: serving epoch 1/],
};

describe('golden consensus traces', () => {
  const files = readdirSync(testdata).filter((f) => f.endsWith('.txt')).sort();

  it('covers election, DIFF, TRUNC, SNAP and reconfig', () => {
    expect(files).toEqual(expect.arrayContaining(Object.keys(mustShow)));
  });

  it.each(files)('%s', (file) => {
    const path = join(testdata, file);
    const script = readFileSync(path, 'utf8');
    const actual = renderTraceFile(runTraceBlocks(parseTraceFile(script)));
    if (updating) writeFileSync(path, actual);
    const expected = updating ? actual : script;
    expect(actual).not.toMatch(/violation:/);
    for (const pattern of mustShow[file] ?? []) expect(actual).toMatch(pattern);
    expect(actual, `${file} differs; rerun with PADDOCK_UPDATE_FIXTURES=1 and review the diff`).toBe(expected);
  });

  it('renders the same trace on every run', () => {
    const script = readFileSync(join(testdata, 'election.txt'), 'utf8');
    const once = renderTraceFile(runTraceBlocks(parseTraceFile(script)));
    expect(renderTraceFile(runTraceBlocks(parseTraceFile(script)))).toBe(once);
  });
});

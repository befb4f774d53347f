// Runs the whole vitest suite and ends with one plain "N passed, N failed" line, which CI reads as the verdict.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';

mkdirSync('test-output', { recursive: true });
const report = 'test-output/vitest.json';
const result = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let exitCode = result.status ?? 1;
if (existsSync(report)) {
  const summary = JSON.parse(readFileSync(report, 'utf8'));
  const passed = summary.numPassedTests ?? 0;
  // A file that failed with no failed test in it (it could not load, or a beforeAll threw and its tests were
  // skipped) counts as one failure, so the line never hides a failure and never double-counts one.
  const failedFiles = (summary.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
  ).length;
  const failed = (summary.numFailedTests ?? 0) + failedFiles;
  const skipped = (summary.numPendingTests ?? 0) + (summary.numTodoTests ?? 0);
  process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  if (passed === 0) exitCode = exitCode || 1;
} else {
  process.stdout.write('\ntests: 0 passed, 1 failed\n');
  exitCode = exitCode || 1;
}
process.exit(exitCode);

// The whole test suite: unit and property tests (Node), integration tests (workerd) and
// browser tests (Debian's Chromium), in one vitest run. Ends with a plain summary line
// ("tests: N passed, N failed") so that CI can read the result as well as the exit code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'whispr-test-'));
const report = join(dir, 'results.json');
const run = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);

let summary = null;
try {
  summary = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  // vitest did not get as far as writing results
}
rmSync(dir, { recursive: true, force: true });

if (summary) {
  const skipped = summary.numPendingTests + summary.numTodoTests;
  console.log(
    `\ntests: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed` +
      (skipped ? `, ${skipped} skipped` : ''),
  );
}
process.exit(run.status ?? 1);

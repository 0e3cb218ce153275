import { afterAll, afterEach } from 'vitest';
import { formatViolation, modelCheckFigures, resetModelChecks } from '../local/models/request-check.js';
import { keepSynthesisWorker } from '../local/simulator/synth-worker-client.js';
import { recordSuiteFigures } from '../scripts/verify/suite-figures.js';
import './setup-env.js';

// Most test files start a local cloud of a catalog of their own, so the synthesis cache (keyed by the catalog and
// every source file) misses after any change to the code, and each miss would start a synthesis thread that imports
// aws-cdk-lib, SST and the stacks anew (about 7 s of CPU, then about 1.5 s to synthesize): a worker keeps its thread
// for the next files instead. The thread releases what each app leaves in aws-cdk-lib and SST (synth-release.ts:
// about 2 MB a synthesis stays, against 60 MB before), so it is ended only after this many syntheses, more than a
// worker makes in a full run (about 25).
keepSynthesisWorker(64);

// Every request that reached the local cloud in this test, and every fake response, must match AWS's API model.
const fileTotals = { requests: 0, responses: 0, violations: 0 };
afterEach(() => {
  const { violations, violationCount, requests, responses } = modelCheckFigures();
  resetModelChecks();
  fileTotals.requests += requests;
  fileTotals.responses += responses;
  fileTotals.violations += violationCount;
  if (violationCount > 0) {
    throw new Error(
      `${violationCount} request(s)/response(s) break AWS's API model:\n${violations.map(formatViolation).join('\n')}`,
    );
  }
});

// `npm run verify` (run by `npm test` after vitest) prints the suite's totals.
afterAll(() => recordSuiteFigures(fileTotals));

// For scripts/file-times.ts: the CPU this worker spent on the file. A file isolated in a process of its own counts
// from the process's start (its imports included); files sharing a worker count from the previous file's end.
const CPU_MARK = Symbol.for('goldsmith.test-file-cpu');
// biome-ignore lint/correctness/noEmptyPattern: vitest reads a hook's first parameter as fixtures: it must be a pattern
afterAll(({}, file) => {
  const marks = globalThis as { [CPU_MARK]?: number };
  const { user, system } = process.cpuUsage();
  const now = (user + system) / 1000;
  file.meta.cpuMs = now - (marks[CPU_MARK] ?? 0);
  marks[CPU_MARK] = now;
});

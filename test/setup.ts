import { afterAll, afterEach } from 'vitest';
import { formatViolation, modelCheckFigures, resetModelChecks } from '../local/models/request-check.js';
import { recordSuiteFigures } from '../scripts/verify/suite-figures.js';
import './setup-env.js';

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

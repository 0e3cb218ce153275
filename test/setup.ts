import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach } from 'vitest';
import { formatViolation, modelCheckFigures, resetModelChecks } from '../local/models/request-check.js';
import { recordSuiteFigures } from '../scripts/verify/suite-figures.js';

// Tests never reach AWS: fake credentials and a region, so a forgotten mock fails fast instead of hanging.
process.env.AWS_ACCESS_KEY_ID ??= 'AKIATESTTESTTESTTEST';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test-secret';
process.env.AWS_REGION ??= 'us-east-1';
process.env.POWERTOOLS_DEV ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.AWS_XRAY_MANUAL_MODE ??= '1';

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

import 'aws-sdk-client-mock-vitest/extend';
import { afterEach } from 'vitest';
import { formatViolation, modelCheckFigures, resetModelChecks } from '../local/models/request-check.js';

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
afterEach(() => {
  const { violations, violationCount } = modelCheckFigures();
  resetModelChecks();
  if (violationCount > 0) {
    throw new Error(
      `${violationCount} request(s)/response(s) break AWS's API model:\n${violations.map(formatViolation).join('\n')}`,
    );
  }
});

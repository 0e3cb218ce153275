import { describe, expect, it } from 'vitest';
import { expectedFunctionFrom, functionDrift, type HeldFunction } from '../../../core/audit/functions.js';

/**
 * The functions' audit compares what Lambda holds with what the deployment wrote. An environment re-encrypted with a
 * customer managed key the auditor may not use comes back as `Environment.Error` without `Variables`
 * (https://docs.aws.amazon.com/lambda/latest/api/API_EnvironmentResponse.html): that is an unreadable environment and
 * a changed key, not every variable removed.
 */

const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/test-goldsmith-Promotion-RolloutEngineRole-XyZ`;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const WRITTEN = new Date('2027-01-18T00:10:20Z');

/** The rollout engine's record as the stacks write it (no `KmsKeyArn`: Lambda's own key). */
const wanted = (properties: Record<string, unknown> = {}) =>
  expectedFunctionFrom(
    '/goldsmith/_functions/test/PromotionRolloutEngine',
    JSON.stringify({
      name: 'test-goldsmith-Promotion-RolloutEngine-AbC123',
      properties: {
        Role: ROLE,
        Handler: 'functions/rollout.handler',
        Runtime: 'nodejs22.x',
        Environment: { Variables: { LEDGER_TABLE: 'ledger', GOLDSMITH_STAGE: 'test' } },
        ...properties,
      },
    }),
    WRITTEN,
  );

/** The function as GetFunction gives it, unchanged since the deploy (LastModified before the record). */
const held = (changes: Partial<HeldFunction> = {}): HeldFunction => ({
  role: ROLE,
  handler: 'functions/rollout.handler',
  runtime: 'nodejs22.x',
  environment: { LEDGER_TABLE: 'ledger', GOLDSMITH_STAGE: 'test' },
  layers: [],
  lastModified: '2027-01-18T00:10:00.000+0000',
  ...changes,
});

const denied = { code: 'AccessDeniedException', message: 'Lambda was unable to decrypt the environment variables' };

describe("functionDrift: the environment's key", () => {
  it('finds nothing in a function on Lambda’s own key as the deployment made it', () => {
    expect(wanted().kmsKeyArn).toBeUndefined();
    expect(functionDrift(held(), wanted())).toEqual([]);
  });

  it('names the other key an environment was re-encrypted with', () => {
    expect(functionDrift(held({ kmsKeyArn: KEY }), wanted())).toEqual([
      `environment encrypted with another key (${KEY})`,
    ]);
  });

  it('reports an environment Lambda would not show as unreadable, not as its variables removed', () => {
    const drift = functionDrift(held({ kmsKeyArn: KEY, environment: {}, environmentError: denied }), wanted());
    expect(drift).toEqual([
      `environment encrypted with another key (${KEY})`,
      'environment unreadable (AccessDeniedException)',
    ]);
  });

  it('takes the key the deployment set as its own, and finds its removal', () => {
    const own = wanted({ KmsKeyArn: KEY });
    expect(own.kmsKeyArn).toBe(KEY);
    expect(functionDrift(held({ kmsKeyArn: KEY }), own)).toEqual([]);
    expect(functionDrift(held(), own)).toEqual([`environment encrypted with Lambda's own key instead of ${KEY}`]);
  });
});

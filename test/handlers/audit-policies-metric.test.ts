import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { metricNames } from '../../core/observability/metrics.js';
import type { AuditPart } from '../../functions/audit/report.js';
import { handler } from '../../functions/audit-policies.js';
import { metrics } from '../../functions/lib/powertools.js';

/** The doors' policy audit counts what it found in DriftFoundByAudit, so the drift alarm fires on a policy's drift. */

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:goldsmith-approvals';
const found: AuditPart = {
  checked: 3,
  reads: 4,
  findings: [
    {
      image: '',
      resource: 'topic-policy',
      name: TOPIC,
      found: 'a statement added',
      expected: "the deployment's policy",
      action: 'policy put back as the deployment set it, confirmed',
      repaired: true,
    },
  ],
  failures: [],
  permanentFailures: 0,
};

vi.mock('../../functions/audit/policies.js', () => ({ auditResourcePolicies: vi.fn(async () => found) }));

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('the daily policy audit and the drift alarm', () => {
  it('adds each finding to DriftFoundByAudit', async () => {
    vi.stubEnv('GOLDSMITH_STAGE', 'test');
    vi.stubEnv('EXPECTED_POLICIES', 'topic/Approvals');
    const counted: [string, number][] = [];
    vi.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
      counted.push([name, value]);
      return metrics;
    });

    const context = { functionName: 'audit-policies', awsRequestId: 'req-1' } as Context;
    expect(await handler({ audit: 'resource-policies' }, context)).toEqual(found);
    expect(counted).toContainEqual([metricNames.driftFound, 1]);
  });
});

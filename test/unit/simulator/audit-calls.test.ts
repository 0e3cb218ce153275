import { describe, expect, it } from 'vitest';
import { auditLine } from '../../../bench/simulation.js';
import { auditCalls } from '../../../local/simulator/audit-calls.js';
import { emptyCallPlan } from '../../fixtures/report.js';

const role = (name: string) => `arn:aws:iam::123456789012:role/local-goldsmith-${name}`;

describe('what the audit of outside changes costs, as the benchmark prints it', () => {
  it("counts the holdings auditor's read-backs of what AWS holds and every call of the doors' auditor and the event history's read, nothing else", () => {
    const audit = auditCalls({
      [role('Promotion-AuditHoldings')]: {
        'ec2:DescribeImageAttribute': 70,
        'ssm:GetParameters': 20,
        'ram:GetResourceShareAssociations': 10,
        'dynamodb:Query': 30,
        'sns:Publish': 4,
      },
      [role('Promotion-Reconcile')]: { 'imagebuilder:GetImage': 500, 'sfn:StartExecution': 9, 'ssm:GetParameters': 3 },
      [role('Monitoring-AuditDoors')]: { 'sns:ListSubscriptionsByTopic': 6 },
      [role('Monitoring-AuditHistory')]: { 'cloudtrail:LookupEvents': 3 },
      [role('Promotion-PromotionShare')]: { 'ec2:DescribeImageAttribute': 900 },
      [role('Triggers-WatchBaseImages')]: { 'ssm:GetParameters': 400 },
    });

    expect(audit).toEqual({
      calls: 109,
      byOperation: {
        'cloudtrail:LookupEvents': 3,
        'ec2:DescribeImageAttribute': 70,
        'ram:GetResourceShareAssociations': 10,
        'sns:ListSubscriptionsByTopic': 6,
        'ssm:GetParameters': 20,
      },
    });
    const plan = emptyCallPlan(10);
    expect(auditLine({ ...plan, audit })).toEqual([
      '  audit per promotion       10.9 calls (ec2:DescribeImageAttribute 7.0, ssm:GetParameters 2.0, ram:GetResourceShareAssociations 1.0, sns:ListSubscriptionsByTopic 0.6, cloudtrail:LookupEvents 0.3)',
    ]);
  });
});

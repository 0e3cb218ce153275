import { describe, expect, it } from 'vitest';
import { historyOf } from '../../../cli/operator/ledger-history.js';
import type { LedgerItem } from '../../../core/status/image-view.js';

const APPROVER = 'arn:aws:sts::123456789012:assumed-role/goldsmith-local-approvers/ops-lead';

/** 1.0.0/2's approval into prod, rejected in Slack, and the outcome the state machine recorded after it. */
const rejection = (decision: 'reject' | undefined): LedgerItem[] => [
  {
    sk: 'APPROVAL#1.0.0/2#prod',
    version: '1.0.0/2',
    channel: 'prod',
    approvers: ['ops-lead'],
    requestedAt: '2027-02-01T06:00:00.000Z',
    expiresAt: '2027-02-04T06:00:00.000Z',
    ...(decision
      ? { decision, by: APPROVER, via: 'slack', reason: 'breaks the agent', decidedAt: '2027-02-01T09:00:00.000Z' }
      : {}),
  },
  {
    sk: 'PROMOTION#1.0.0/2#prod',
    version: '1.0.0/2',
    channel: 'prod',
    outcome: 'rejected',
    by: decision ? APPROVER : 'goldsmith',
    reason: 'breaks the agent',
    at: '2027-02-01T09:00:01.000Z',
  },
];

describe('history of decisions', () => {
  it('tells one rejection in one line: who, through which door, and why', () => {
    const lines = historyOf(rejection('reject')).filter((e) => e.what.startsWith('rejected'));

    expect(lines).toEqual([
      {
        at: '2027-02-01T09:00:00.000Z',
        version: '1.0.0/2',
        channel: 'prod',
        what: `rejected by ${APPROVER} (approver, through Slack): breaks the agent`,
      },
    ]);
  });

  it('keeps an outcome no approval decided', () => {
    const lines = historyOf(rejection(undefined)).filter((e) => e.what.startsWith('rejected'));

    expect(lines.map((e) => e.what)).toEqual(['rejected by goldsmith: breaks the agent']);
  });
});

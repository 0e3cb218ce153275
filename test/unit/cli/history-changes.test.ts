import { describe, expect, it } from 'vitest';
import { historyOf } from '../../../cli/operator/ledger-history.js';
import { renderStatus } from '../../../cli/operator/render.js';
import { firstInChannel } from '../../../core/sbom/approval-summary.js';
import { imageView, type LedgerItem } from '../../../core/status/image-view.js';
import { PATCH_DIGEST, PATCH_REQUEST } from '../../fixtures/sbom-changes.js';

const CHANNELS = ['dev', 'prod'];
const changes = PATCH_REQUEST.detail.changes;
const request = (version: string, decided: Record<string, unknown> = {}): LedgerItem => ({
  sk: `APPROVAL#${version}#prod`,
  kind: 'approval',
  version,
  channel: 'prod',
  approvers: ['ops-lead'],
  requestedAt: '2027-01-12T10:00:00.000Z',
  expiresAt: '2027-01-15T10:00:00.000Z',
  ...decided,
});

describe('history tells what each promotion changed, in one line', () => {
  it('the approval request’s counts against the version prod held, and the diff the decision was made on', () => {
    const items = [
      request('1.0.0/3', {
        changes,
        decision: 'approve',
        by: 'ops-lead',
        via: 'slack',
        decidedAt: '2027-01-12T11:00:00.000Z',
        shownDigest: PATCH_DIGEST,
      }),
    ];
    const whats = historyOf(items, undefined, CHANNELS).map((e) => e.what);

    expect(whats).toEqual([
      'approval requested from ops-lead (expires 2027-01-15 10:00)',
      'changes against 1.0.0/2: packages 2 upgraded, 1 downgraded, 1 added, 1 removed; CVEs fixed 3 (1 critical, 1 high, 1 medium), new 1 (1 low), reappeared 0; 1 component changed',
      `approved by ops-lead (approver, through Slack) on diff ${PATCH_DIGEST.slice(0, 12)}`,
    ]);
  });

  it("a channel's first version says so; a request from before changes were shown adds no line", () => {
    const first = historyOf([request('1.0.0/1', { changes: firstInChannel('prod') })], undefined, CHANNELS);
    const before = historyOf([request('1.0.0/1')], undefined, CHANNELS);

    expect(first.map((e) => e.what)).toContain('changes: first version in prod');
    expect(before).toHaveLength(1);
  });
});

describe('status of a waiting approval', () => {
  it('shows the counts and the command that prints the whole diff', () => {
    const view = imageView('base', CHANNELS, [request('1.0.0/3', { changes })], new Date('2027-01-13T10:00:00.000Z'));
    const cost = {
      currency: 'USD',
      buildsLast30Days: 0,
      buildCostLast30Days: 0,
      unfinishedLast30Days: 0,
      storagePerMonth: 0,
    };
    const text = renderStatus([{ ...view, cost }], new Date('2027-01-13T10:00:00.000Z'));

    expect(text).toContain('waiting for approval of 1.0.0/3');
    expect(text).toContain('changes against 1.0.0/2: packages 2 upgraded, 1 downgraded, 1 added, 1 removed');
    expect(text).toContain('full diff: goldsmith diff base 1.0.0/2 1.0.0/3 --stage prod');
  });
});

import { describe, expect, it } from 'vitest';
import { announcement } from '../../../core/notifications/announce.js';
import { renderEmail } from '../../../core/notifications/email.js';
import { summarizeMonth } from '../../../core/notifications/monthly-summary.js';
import { renderSlack } from '../../../core/notifications/slack.js';
import { changesUnknown } from '../../../core/sbom/approval-summary.js';
import type { LedgerItem } from '../../../core/status/image-view.js';
import { PATCH_REQUEST } from '../../fixtures/sbom-changes.js';

const changes = PATCH_REQUEST.detail.changes;
const approval = (version: string, channel: string, requestedAt: string, extra: LedgerItem = {}): LedgerItem => ({
  pk: 'IMAGE#base',
  sk: `APPROVAL#${version}#${channel}`,
  version,
  channel,
  approvers: ['ops-lead'],
  requestedAt,
  expiresAt: '2027-02-20T00:00:00.000Z',
  ...extra,
});

// January 2027: Patch Tuesday is the 12th.
const summary = (items: LedgerItem[]) =>
  summarizeMonth({
    month: '2027-01',
    channels: ['dev', 'prod'],
    images: { base: { items, regions: 1 } },
    prices: { currency: 'USD', ssmAdvancedParameterMonth: 0.05 },
  });

describe('the monthly summary says what Patch Tuesday changed across the images', () => {
  it('sums the packages moved and CVEs fixed by the prod approval requests asked since Patch Tuesday', () => {
    const month = summary([
      // Before Patch Tuesday, into another channel, saying nothing of changes, or unknown: not counted.
      approval('1.0.0/1', 'prod', '2027-01-05T00:00:00.000Z', { changes }),
      approval('1.0.0/2', 'dev', '2027-01-13T00:00:00.000Z', { changes }),
      approval('1.0.0/2', 'prod', '2027-01-13T00:00:00.000Z'),
      approval('1.0.0/3', 'prod', '2027-01-14T00:00:00.000Z', { changes: changesUnknown('no content', '1.0.0/2') }),
      approval('1.0.0/4', 'prod', '2027-01-20T00:00:00.000Z', { changes }),
    ]);

    expect(month.images[0]?.patch).toEqual({ versions: 1, packages: 5, fixed: 3, fixedCriticalHigh: 2 });
    const n = announcement('monthly-summary', {}, month, { at: '2027-02-01T00:00:00.000Z' });
    const line = 'Patch Tuesday: 5 packages moved, 3 CVEs fixed (2 critical or high)';
    expect(renderEmail(n)).toContain(line);
    expect(JSON.stringify(renderSlack(n).blocks)).toContain(line);
  });

  it('says nothing of it when no prod request said what it changed', () => {
    expect(summary([approval('1.0.0/2', 'prod', '2027-01-13T00:00:00.000Z')]).images[0]?.patch).toBeUndefined();
  });
});

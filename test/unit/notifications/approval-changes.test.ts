import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../core/notifications/email.js';
import { renderSlack } from '../../../core/notifications/slack.js';
import { renderTeams } from '../../../core/notifications/teams.js';
import { summariseDiff } from '../../../core/sbom/approval-summary.js';
import { slackRefusal } from '../../../local/slack/limits.js';
import { approvalRequestWith, bigDiff, PATCH_DIGEST, PATCH_REQUEST } from '../../fixtures/sbom-changes.js';

describe('an approval request says what its version changes', () => {
  it('in the announcement: the counts against the channel’s current version', () => {
    expect(PATCH_REQUEST.summary).toContain(
      'Changes against 1.0.0/2: packages 2 upgraded, 1 downgraded, 1 added, 1 removed; CVEs fixed 3 (1 critical, 1 high, 1 medium)',
    );
  });

  it('in Slack: a Changes field, then the top lines with the critical CVE fixed before the upgrades, and the command', () => {
    const text = JSON.stringify(renderSlack(PATCH_REQUEST).blocks);

    expect(text).toContain('*Changes*\\nagainst 1.0.0/2: packages 2 upgraded');
    const critical = text.indexOf('fixed CVE-2026-0001 (critical)');
    expect(critical).toBeGreaterThan(0);
    expect(critical).toBeLessThan(text.indexOf('upgraded curl'));
    expect(text).toContain('full diff: goldsmith diff base 1.0.0/2 1.0.0/3 --stage prod');
  });

  it("in Slack, within Block Kit's limits for a 2,000-package diff, the buttons kept", () => {
    const message = renderSlack(approvalRequestWith(summariseDiff(bigDiff(2000), PATCH_DIGEST, 'prod')));

    expect(slackRefusal({ ...message })).toBeUndefined();
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(message.blocks.some((b) => b.type === 'actions')).toBe(true);
    expect(JSON.stringify(message.blocks)).toContain('…and 3990 more');
  });

  it('in Teams: the counts among the facts, then the top lines and the command', () => {
    const card = JSON.stringify(renderTeams(PATCH_REQUEST));

    expect(card).toContain('against 1.0.0/2: packages 2 upgraded');
    expect(card).toContain('fixed CVE-2026-0001 (critical)');
    expect(card).toContain('full diff: goldsmith diff base 1.0.0/2 1.0.0/3 --stage prod');
  });

  it('in email: the counts among the facts, then the top lines and the command', () => {
    const body = renderEmail(PATCH_REQUEST);

    expect(body).toContain('Changes:  against 1.0.0/2: packages 2 upgraded');
    expect(body).toContain('\ndowngraded glibc 2.34-100.amzn2023 → 2.34-90.amzn2023\n');
    expect(body).toContain('full diff: goldsmith diff base 1.0.0/2 1.0.0/3 --stage prod');
  });
});

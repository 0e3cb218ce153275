import { describe, expect, it } from 'vitest';
import { changesUnknown } from '../../../core/sbom/approval-summary.js';
import { approvalChangesProblems } from '../../../local/simulator/audit-approval-changes.js';
import { SAMPLE_NOTIFICATIONS } from '../../fixtures/notifications.js';
import { approvalRequestWith, PATCH_REQUEST } from '../../fixtures/sbom-changes.js';

const published = (n: object) => ({ message: JSON.stringify(n) });

describe("the simulation's audit of approval requests", () => {
  it('accepts requests that say what they change, or why they cannot, each counted once', () => {
    const unknown = approvalRequestWith(changesUnknown('no content recorded for base 1.0.0/2', '1.0.0/2'));
    const audit = approvalChangesProblems([
      published(PATCH_REQUEST),
      published(PATCH_REQUEST),
      published({ ...unknown, id: 'anotherRequest01' }),
      published(SAMPLE_NOTIFICATIONS.approved),
    ]);

    expect(audit).toEqual({ checks: { 'approval-changes': 2 }, problems: [] });
  });

  it('names a request that says nothing of what it changes', () => {
    const audit = approvalChangesProblems([published(SAMPLE_NOTIFICATIONS['approval-requested'])]);

    expect(audit.problems).toEqual([
      `approval-changes: the approval request of base 1.0.0/3 for prod (${SAMPLE_NOTIFICATIONS['approval-requested'].id}) says nothing of what it changes`,
    ]);
  });
});

import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { getApproval } from '../../aws/promotion/promotion-approvals.js';
import { approvalLink } from '../../core/promotion/approval-link.js';
import { approvalCallback } from '../../functions/approval-callback.js';
import { useLocalDynamo } from '../helpers/ledger-table.js';
import {
  LINK_NONCE,
  LINK_SECRET,
  legacyApprovalItem,
  linkClaims,
  pressLinkButton,
  TOKEN,
  useApprovalDoors,
} from './approval-fixtures.js';

const dynamo = useLocalDynamo();

/**
 * A request 0.2.0 recorded, still waiting after the upgrade: its nonce and task token in the clear. The links its
 * approvers hold keep working until they expire, and the decision reaches the token as stored.
 */
describe('an approval request recorded by 0.2.0', () => {
  const { sfn } = useApprovalDoors(dynamo, legacyApprovalItem);

  it("is decided by its approver's link, once: the nonce in the clear is spent, the token answered", async () => {
    const link = approvalLink('https://cb.example/', linkClaims(TOKEN, { nonce: LINK_NONCE }), LINK_SECRET);

    expect((await approvalCallback(pressLinkButton(link))).statusCode).toBe(200);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN });
    const after = await getApproval('base', '1.0.0/3', 'prod');
    expect(after).toMatchObject({ decision: 'approve', by: 'ops-lead', spentLinkNonce: LINK_NONCE });
    expect(after?.linkNonce).toBeUndefined();
    expect((await approvalCallback(pressLinkButton(link))).statusCode).toBe(409);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it('refuses a link with another nonce', async () => {
    const link = approvalLink(
      'https://cb.example/',
      linkClaims(TOKEN, { nonce: 'AAAAAAAAAAAAAAAAAAAAAA' }),
      LINK_SECRET,
    );
    expect((await approvalCallback(pressLinkButton(link))).statusCode).toBe(403);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });
});

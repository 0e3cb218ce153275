import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { getApproval } from '../../aws/promotion/promotion-approvals.js';
import {
  type ApprovalLinkClaims,
  approvalIdFor,
  approvalLink,
  linkNonceDigest,
  linkNonceFor,
} from '../../core/promotion/approval-link.js';
import { approvalCallback } from '../../functions/approval-callback.js';
import { functionUrlGet } from '../../local/simulator/function-url.js';
import { useLocalDynamo } from '../helpers/ledger-table.js';
import {
  LINK_SECRET,
  pressLinkButton,
  sealedApprovalToken,
  TASK_TOKEN_KEY,
  useApprovalDoors,
} from './approval-fixtures.js';

const TOKEN = `AQCEAAAAKgAAAA${'k'.repeat(600)}`;
/** What the team's "approval-requested" announcement says of the request: its id, build, channel and approvers. */
const ANNOUNCED = { id: approvalIdFor(TOKEN), image: 'base', version: '1.0.0/3', channel: 'prod' };
/** The nonce RequestApproval gave this request: in the approvers' own links only (the ledger holds its digest). */
const NONCE = linkNonceFor(TOKEN, TASK_TOKEN_KEY);
const DIGEST = linkNonceDigest(NONCE, LINK_SECRET);
const dynamo = useLocalDynamo();

/**
 * The attacker holds the approval-link key (read with secretsmanager:GetSecretValue before the secret had a policy,
 * or leaked) and everything the team's announcement says, but none of the approvers' links. They sign "approve as
 * ops-lead" themselves and post it to the public callback.
 */
function forgedLink(nonce: string): string {
  const claims: ApprovalLinkClaims = {
    ...ANNOUNCED,
    decision: 'approve',
    by: 'ops-lead',
    expires: Math.floor(Date.now() / 1000) + 3600,
    nonce,
  };
  return approvalLink('https://cb.example/', claims, LINK_SECRET);
}

describe('an approval link signed with the approval key alone', () => {
  const { sfn } = useApprovalDoors(dynamo, {
    ...ANNOUNCED,
    approvalId: ANNOUNCED.id,
    taskToken: sealedApprovalToken(TOKEN),
    approvers: ['ops-lead', 'security-reviewer'],
    linkNonceDigests: new Set([DIGEST]),
    requestedAt: '2027-01-14T10:00:00.000Z',
    expiresAt: '2027-01-17T10:00:00.000Z',
  });

  it.each([
    ['a guessed nonce', 'AAAAAAAAAAAAAAAAAAAAAA'],
    ['the approval id as nonce', ANNOUNCED.id],
  ])('with %s promotes nothing: refused, nothing sent, the approval still open', async (_, nonce) => {
    const response = await approvalCallback(pressLinkButton(forgedLink(nonce)));

    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('link not issued for this request');
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
    const after = await getApproval('base', '1.0.0/3', 'prod');
    expect(after?.decision).toBeUndefined();
    expect(after?.linkNonceDigests).toEqual(new Set([DIGEST]));
  });

  it('without any nonce is refused before the ledger is read', async () => {
    const url = new URL(forgedLink('x'));
    url.searchParams.delete('nonce');
    const response = await approvalCallback(pressLinkButton(url.toString()));

    expect(response.statusCode).toBe(400);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it("does not even show the confirmation page of someone else's request", async () => {
    const response = await approvalCallback(functionUrlGet(forgedLink('AAAAAAAAAAAAAAAAAAAAAA')));
    expect(response.statusCode).toBe(403);
    expect(response.body).not.toContain('1.0.0/3 for prod');
  });

  it("leaves the approver's own link to decide, once: it spends the nonce, and a replay decides nothing", async () => {
    const own = forgedLink(NONCE);

    expect((await approvalCallback(pressLinkButton(own))).statusCode).toBe(200);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN });
    const after = await getApproval('base', '1.0.0/3', 'prod');
    expect(after).toMatchObject({ decision: 'approve', by: 'ops-lead', via: 'email', spentLinkNonceDigest: DIGEST });
    expect(after?.linkNonceDigests).toBeUndefined();

    // Opened again: the page says what was decided; pressed again: already decided, nothing more sent.
    const page = await approvalCallback(functionUrlGet(own));
    expect(page.statusCode).toBe(200);
    const replay = await approvalCallback(pressLinkButton(own));
    expect(replay.statusCode).toBe(409);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });
});

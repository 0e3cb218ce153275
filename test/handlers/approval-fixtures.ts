import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { afterEach, beforeEach } from 'vitest';
import { resetApprovalSecret } from '../../aws/promotion/approval-secret.js';
import { approvalKey, recordApprovalRequest } from '../../aws/promotion/promotion-approvals.js';
import { type ApprovalLinkClaims, approvalIdFor, linkNonceDigest } from '../../core/promotion/approval-link.js';
import { sealTaskToken } from '../../core/promotion/task-token-seal.js';
import { resetRefusalSampler } from '../../functions/lib/refusals.js';
import exampleCatalog from '../../goldsmith.config.js';
import { functionUrlPost } from '../../local/simulator/function-url.js';
import { localLedgerClient, recreateLedgerTable } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';

/** Shared fixtures of the approval handler tests: the link-signing secret and a prod approval of base 1.0.0/3. */
export const LINK_SECRET = 's'.repeat(64);
export const TOKEN = `AQCEAAAAKgAAAA${'x'.repeat(600)}`;
/** The link nonce of the test approval requests' links (RequestApproval derives one from the token). */
export const LINK_NONCE = 'Zm9yLXRoZS10ZXN0cy1vbmx5';
/** The key the test ledger's task tokens are sealed with. */
export const TASK_TOKEN_KEY = 't'.repeat(64);

/** `token` as the prod approval of base 1.0.0/3 holds it: sealed with TASK_TOKEN_KEY, bound to the item. */
export function sealedApprovalToken(token: string, channel = 'prod'): string {
  const { pk, sk } = approvalKey('base', '1.0.0/3', channel);
  return sealTaskToken(token, TASK_TOKEN_KEY, `${pk}\n${sk}`);
}

/** The ledger's approval request for prod, waiting on TOKEN: the token sealed, the links' nonce as its digest. */
export const approvalItem = {
  image: 'base',
  version: '1.0.0/3',
  channel: 'prod',
  approvalId: approvalIdFor(TOKEN),
  taskToken: sealedApprovalToken(TOKEN),
  approvers: ['ops-lead', 'security-reviewer'],
  linkNonceDigests: new Set([linkNonceDigest(LINK_NONCE, LINK_SECRET)]),
  requestedAt: '2027-01-14T10:00:00.000Z',
  expiresAt: '2027-01-17T10:00:00.000Z',
};

/** The same request as 0.2.0 wrote it: the token and the links' nonce in the clear. */
export const legacyApprovalItem = {
  image: 'base',
  version: '1.0.0/3',
  channel: 'prod',
  approvalId: approvalIdFor(TOKEN),
  taskToken: TOKEN,
  approvers: ['ops-lead', 'security-reviewer'],
  linkNonce: LINK_NONCE,
  requestedAt: '2027-01-14T10:00:00.000Z',
  expiresAt: '2027-01-17T10:00:00.000Z',
};

/** The catalog's approvers, as the reconciler reads them: base's prod channel is decided by ops-lead or security-reviewer. */
export const CATALOG_APPROVERS = { base: { prod: ['ops-lead', 'security-reviewer'] } };

/** A link's claims for the prod approval of base 1.0.0/3 waiting on `token`: approve, as ops-lead, for an hour. */
export function linkClaims(token: string, over: Partial<ApprovalLinkClaims> = {}): ApprovalLinkClaims {
  return {
    id: approvalIdFor(token),
    image: 'base',
    version: '1.0.0/3',
    channel: 'prod',
    decision: 'approve',
    by: 'ops-lead',
    expires: Math.floor(Date.now() / 1000) + 3600,
    nonce: LINK_NONCE,
    ...over,
  };
}

/**
 * Points the handlers at the test ledger, approval-link secret and decision-proof secret, forgetting any secret
 * cached by a test before.
 */
export function approvalEnv(): void {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.APPROVAL_SECRET_NAME = 'goldsmith/test/approval-links';
  process.env.DECISION_SECRET_NAME = 'goldsmith/test/approval-decisions';
  process.env.TASK_TOKEN_SECRET_NAME = 'goldsmith/test/task-tokens';
  // The doors read the catalog's lineage: a rejection ends the waits of the versions built on the rejected one.
  process.env.GOLDSMITH_CATALOG ??= JSON.stringify(exampleCatalog);
  resetApprovalSecret();
  resetRefusalSampler();
}

/** The decision-proof key the approval doors sign recorded decisions with, in the tests. */
export const DECISION_KEY = 'k'.repeat(64);

/** Answers the secrets `approvalEnv` names: the approval links' key, the decision-proof key, the task-token key. */
export function serveApprovalSecrets(secrets: AwsClientStub<SecretsManagerClient>): void {
  secrets
    .on(GetSecretValueCommand, { SecretId: 'goldsmith/test/approval-links' })
    .resolves({ SecretString: LINK_SECRET });
  secrets
    .on(GetSecretValueCommand, { SecretId: 'goldsmith/test/approval-decisions' })
    .resolves({ SecretString: DECISION_KEY });
  serveTaskTokenKey(secrets);
}

/** Answers the task-token key `approvalEnv` names (after a file's own answers for every secret). */
export function serveTaskTokenKey(secrets: AwsClientStub<SecretsManagerClient>): void {
  secrets
    .on(GetSecretValueCommand, { SecretId: 'goldsmith/test/task-tokens' })
    .resolves({ SecretString: TASK_TOKEN_KEY });
}

/** The POST a link's confirmation page sends when its button is pressed (the form's `reason`, if any). */
export function pressLinkButton(link: string, reason?: string, sourceIp?: string): APIGatewayProxyEventV2 {
  const body = reason === undefined ? '' : new URLSearchParams({ reason }).toString();
  return functionUrlPost(link, body, { 'content-type': 'application/x-www-form-urlencoded' }, sourceIp);
}

/**
 * An approval door test's world, reset before each test: `approvalEnv`, the notifications topic, Step Functions
 * taking every decision (SendTaskSuccess), SNS publishing, the two secrets served, the ledger table on `dynamo`
 * recreated, and `request` recorded in it when given. The stubs are reset after each test; a file answers otherwise
 * in a `beforeEach` of its own, which runs after this one.
 */
export function useApprovalDoors(
  dynamo: { readonly endpoint: string },
  request?: Parameters<typeof recordApprovalRequest>[0],
) {
  const sfn = mockClient(SFNClient);
  const sns = mockClient(SNSClient);
  const secrets = mockClient(SecretsManagerClient);
  beforeEach(async () => {
    approvalEnv();
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    serveApprovalSecrets(secrets);
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    sfn.on(SendTaskSuccessCommand).resolves({});
    await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
    if (request) await recordApprovalRequest(request);
  });
  afterEach(() => {
    sfn.reset();
    sns.reset();
    secrets.reset();
  });
  return { sfn, sns, secrets };
}

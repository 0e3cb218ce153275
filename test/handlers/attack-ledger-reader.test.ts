import { createHash } from 'node:crypto';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sfnClient } from '../../aws/clients/sfn.js';
import { resetApprovalSecret } from '../../aws/promotion/approval-secret.js';
import { type ApprovalLinkClaims, approvalLink } from '../../core/promotion/approval-link.js';
import { approvalCallback } from '../../functions/approval-callback.js';
import { requestApproval } from '../../functions/promotion/request-approval.js';
import { startSoak } from '../../functions/promotion/soak-start.js';
import { mockClient } from '../helpers/mock-client.js';
import { pressLinkButton } from './approval-fixtures.js';
import { catalog, ledgerFactsAnswer } from './promotion-fixtures.js';

/**
 * An attacker who reads Goldsmith's ledger (dynamodb:GetItem/Scan on the table, no SCP in their account) and holds
 * the approval-link key (read before the secret had a policy, under 0.1.0) and `states:SendTask*` (which no SCP
 * covers). They take everything the ledger keeps of a prod approval request and of a staging soak, and try it: as the link
 * nonce of a link they sign themselves "approve as ops-lead", and as the task token of SendTaskFailure.
 */

const LINK_KEY = 'l'.repeat(64);
const DECISION_KEY = 'd'.repeat(64);
const TASK_TOKEN_KEY = 't'.repeat(64);
const TOKEN = `AQCEAAAAKgAAAA${'r'.repeat(700)}`;
const SOAK_TOKEN = `AQCEAAAAKgAAAA${'s'.repeat(700)}`;
const APPROVAL_TOPIC = 'arn:aws:sns:us-east-1:111122223333:goldsmith-test-approval-links';

const ddb = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
const sfn = mockClient(SFNClient);
const secrets = mockClient(SecretsManagerClient);

/** Step Functions as far as a waiting task goes: only the token it gave ends the task; anything else is InvalidToken. */
const waiting = new Set([TOKEN, SOAK_TOKEN]);
const ended: string[] = [];
function answer(input: { taskToken?: string }) {
  const token = input.taskToken ?? '';
  if (!waiting.has(token)) throw new InvalidToken({ message: 'Invalid token', $metadata: { httpStatusCode: 400 } });
  waiting.delete(token);
  ended.push(token);
  return {};
}

/** What the ledger holds: every item Goldsmith wrote, by sort key. */
let ledger: Map<string, Record<string, unknown>>;

beforeEach(() => {
  ledger = new Map();
  ended.length = 0;
  waiting.clear();
  waiting.add(TOKEN).add(SOAK_TOKEN);
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
  process.env.APPROVAL_TOPIC_ARN = APPROVAL_TOPIC;
  process.env.APPROVAL_URL = 'https://approve.example/';
  process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
  process.env.APPROVAL_SECRET_NAME = 'goldsmith/test/approval-links';
  process.env.DECISION_SECRET_NAME = 'goldsmith/test/approval-decisions';
  process.env.TASK_TOKEN_SECRET_NAME = 'goldsmith/test/task-tokens';
  resetApprovalSecret();
  const secretOf: Record<string, string> = {
    'goldsmith/test/approval-links': LINK_KEY,
    'goldsmith/test/approval-decisions': DECISION_KEY,
    'goldsmith/test/task-tokens': TASK_TOKEN_KEY,
  };
  secrets.on(GetSecretValueCommand).callsFake((input: { SecretId: string; VersionStage?: string }) => {
    // Never rotated: no AWSPREVIOUS version.
    if (input.VersionStage === 'AWSPREVIOUS') throw new ResourceNotFoundException({ message: 'none', $metadata: {} });
    return { SecretString: secretOf[input.SecretId] };
  });
  ddb.on(BatchGetCommand).callsFake(ledgerFactsAnswer({ soak: null }));
  ddb.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => {
    ledger.set(String(input.Item.sk), input.Item);
    return {};
  });
  ddb.on(GetCommand).callsFake((input: { Key: { sk: string } }) => ({ Item: ledger.get(input.Key.sk) }));
  ddb.on(UpdateCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  sfn.on(SendTaskSuccessCommand).callsFake(answer);
  sfn.on(SendTaskFailureCommand).callsFake(answer);
  sfn.on(SendTaskHeartbeatCommand).callsFake(answer);
});

afterEach(() => {
  for (const m of [ddb, sns, sfn, secrets]) m.reset();
});

/** Every string the ledger's items hold (set members included): what the reader of the ledger takes away. */
function everythingStored(): string[] {
  const strings = (v: unknown): string[] =>
    typeof v === 'string'
      ? [v]
      : v instanceof Set || Array.isArray(v)
        ? [...v].flatMap(strings)
        : v && typeof v === 'object'
          ? Object.values(v).flatMap(strings)
          : [];
  return [...ledger.values()].flatMap(strings);
}

const request = { image: 'base', version: '1.0.0/3', channel: 'prod' };
const execution = 'arn:aws:states:us-east-1:111122223333:execution:promotion:base-1-0-0-3-0123456789ab';

/** The approver's own approve link, as SNS carried it to them alone. */
function ownLink(approver: string): string {
  const sent = sns
    .commandCalls(PublishCommand)
    .map((c) => c.args[0].input)
    .find((p) => p.TopicArn === APPROVAL_TOPIC && p.MessageAttributes?.approver?.StringValue === approver);
  const email = (JSON.parse(sent?.Message ?? '{}') as { email?: string }).email ?? '';
  const link = (email.match(/https:\/\/approve\.example\/\S+/g) ?? []).find((l) => l.includes('decision=approve'));
  if (!link) throw new Error(`no approve link was sent to ${approver}`);
  return link;
}

describe('a reader of the ledger holding the approval-link key', () => {
  it('signs no link the callback takes, with anything the ledger holds as its nonce', async () => {
    const { approvalId, expiresAt } = await requestApproval({ ...request, taskToken: TOKEN, execution });
    const stored = everythingStored();
    // The nonce as 0.2.0 derived it from a token, for every stored string that could be one.
    const derived = stored.map((s) =>
      createHash('sha256').update(`goldsmith link nonce\n${s}`).digest('base64url').slice(0, 22),
    );
    const candidates = [...new Set([...stored, ...derived])];
    expect(candidates.length).toBeGreaterThan(10);
    for (const nonce of candidates) {
      const claims: ApprovalLinkClaims = {
        id: approvalId,
        ...request,
        decision: 'approve',
        by: 'ops-lead',
        expires: Math.floor(Date.parse(expiresAt) / 1000),
        nonce,
      };
      const response = await approvalCallback(
        pressLinkButton(approvalLink('https://approve.example/', claims, LINK_KEY)),
      );
      expect(response.statusCode, nonce).toBe(403);
    }
    expect(ended).toEqual([]);

    // The approver's own link still decides: the nonce it carries is one the ledger holds only as a digest.
    const own = await approvalCallback(pressLinkButton(ownLink('ops-lead')));
    expect(own.statusCode).toBe(200);
    expect(ended).toEqual([TOKEN]);
  });
});

describe('a reader of the ledger holding states:SendTaskFailure', () => {
  it('ends neither a prod approval nor a soak with anything the ledger holds as a task token', async () => {
    await requestApproval({ ...request, taskToken: TOKEN, execution });
    // The staging soak of the same build (prod has an approval, no soak).
    await startSoak({ ...request, channel: 'staging', taskToken: SOAK_TOKEN });
    const stored = everythingStored();
    expect(stored.some((s) => s.includes(TOKEN) || s.includes(SOAK_TOKEN))).toBe(false);

    for (const taskToken of new Set(stored)) {
      const fail = sfnClient().send(new SendTaskFailureCommand({ taskToken, error: 'States.Timeout' }));
      await expect(fail, taskToken.slice(0, 40)).rejects.toMatchObject({ name: 'InvalidToken' });
    }
    expect(ended).toEqual([]);
    expect(waiting).toEqual(new Set([TOKEN, SOAK_TOKEN]));
  });
});

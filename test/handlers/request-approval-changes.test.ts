import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
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
import { resetApprovalSecret } from '../../aws/promotion/approval-secret.js';
import { diffDigest, diffVersions } from '../../core/sbom/diff.js';
import { scanItem } from '../../core/sbom/ledger-content.js';
import type { ApprovalChanges } from '../../events/approval-changes.js';
import { requestApproval } from '../../functions/promotion/request-approval.js';
import { baseContent, OPENSSL_FINDING, patchedContent, recordedItems } from '../fixtures/sbom.js';
import { mockClient } from '../helpers/mock-client.js';
import { catalog, ledgerFactsAnswer } from './promotion-fixtures.js';

/** RequestApproval says what the version changes against the one prod holds now, and asks whatever it finds. */

const ddb = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);

const payload = {
  taskToken: `TOKEN-${'t'.repeat(900)}`,
  execution: 'arn:aws:states:us-east-1:111122223333:execution:promotion:base-1-0-0-3-0123456789ab',
  image: 'base',
  version: '1.0.0/3',
  channel: 'prod',
};

/** prod holds 1.0.0/2 (its scan found the openssl CVE); 1.0.0/3 patches openssl and found nothing. */
const BOTH = [
  ...recordedItems(baseContent('1.0.0/2')),
  scanItem('base', '1.0.0/2', [OPENSSL_FINDING]),
  ...recordedItems(patchedContent('1.0.0/3')),
  scanItem('base', '1.0.0/3', []),
];

/** The ledger: `items`, and prod's pointer on `current` (none when undefined). */
function ledger(items: Record<string, unknown>[], current: string | undefined) {
  const extra = items.map((i) => ({ ...i, pk: String(i.pk), sk: String(i.sk) }));
  ddb.on(BatchGetCommand).callsFake(ledgerFactsAnswer({ extra }));
  ddb.on(GetCommand).resolves({});
  if (current) {
    ddb
      .on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'CHANNEL#prod' } })
      .resolves({ Item: { pk: 'IMAGE#base', sk: 'CHANNEL#prod', kind: 'channel', version: current } });
  }
  ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues?: Record<string, unknown> }) => {
    const prefix = input.ExpressionAttributeValues?.[':prefix'];
    return { Items: typeof prefix === 'string' ? items.filter((i) => String(i.sk).startsWith(prefix)) : [] };
  });
}

/** What the team was told, and what the request recorded. */
async function requested(): Promise<{ changes: ApprovalChanges | undefined; recorded: unknown; ownEmail: string }> {
  await requestApproval(payload);
  const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
  const team = published.find((p) => p.TopicArn === process.env.NOTIFY_TOPIC_ARN);
  const own = published.find((p) => p.TopicArn === process.env.APPROVAL_TOPIC_ARN);
  const put = ddb.commandCalls(PutCommand).find((c) => String(c.args[0].input.Item?.sk).startsWith('APPROVAL#'));
  return {
    // MessageStructure json: `default` is the announcement's JSON document (aws/notifications/notifications.ts).
    changes: (
      JSON.parse((JSON.parse(team?.Message ?? '{}') as { default?: string }).default ?? '{}') as {
        detail?: { changes?: ApprovalChanges };
      }
    ).detail?.changes,
    recorded: put?.args[0].input.Item?.changes,
    ownEmail: (JSON.parse(own?.Message ?? '{}') as { email?: string }).email ?? '',
  };
}

beforeEach(() => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
  process.env.APPROVAL_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:goldsmith-test-approval-links';
  process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
  process.env.GOLDSMITH_STAGE = 'test';
  process.env.APPROVAL_URL = 'https://approve.example/';
  process.env.APPROVAL_SECRET_NAME = 'goldsmith/test/approval-links';
  process.env.TASK_TOKEN_SECRET_NAME = 'goldsmith/test/task-tokens';
  resetApprovalSecret();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: 'q'.repeat(64) });
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  sns.on(PublishCommand).resolves({});
});

afterEach(() => {
  for (const m of [ddb, sns, secrets]) m.reset();
});

describe('requestApproval: what the version changes', () => {
  it("against the channel's current version: the openssl upgrade, the CVE it fixed, the full diff's digest", async () => {
    ledger(BOTH, '1.0.0/2');
    const { changes, recorded, ownEmail } = await requested();

    const diff = diffVersions(baseContent('1.0.0/2'), patchedContent('1.0.0/3'), {
      from: [OPENSSL_FINDING],
      to: [],
      earlier: [],
    });
    expect(changes).toMatchObject({
      kind: 'diff',
      against: '1.0.0/2',
      packages: { upgraded: 3, added: 1 },
      findings: { fixed: { high: 1 } },
      digest: diffDigest(diff),
      command: 'goldsmith diff base 1.0.0/2 1.0.0/3 --stage test',
    });
    expect(changes?.kind === 'diff' && changes.top[0]).toBe(
      'fixed CVE-2024-5535 (high): openssl 1:3.0.8-1.amzn2023.0.14',
    );
    // The request records what it showed: the decision's proof names that digest.
    expect(recorded).toEqual(changes);
    expect(ownEmail).toContain('Changes:  against 1.0.0/2: packages 3 upgraded');
  });

  it("a channel's first version says so", async () => {
    ledger(BOTH, undefined);

    expect((await requested()).changes).toEqual({ kind: 'first', reason: 'first version in prod' });
  });

  it('goes out, saying why, when the current version recorded no content (a build from before)', async () => {
    ledger(
      BOTH.filter((i) => !String(i.sk).endsWith('1.0.0/2') && !String(i.sk).includes('1.0.0/2#')),
      '1.0.0/2',
    );
    const { changes, recorded } = await requested();

    expect(changes).toEqual({
      kind: 'unknown',
      against: '1.0.0/2',
      reason: 'changes unknown: no content recorded for base 1.0.0/2',
    });
    expect(recorded).toEqual(changes);
  });

  it('goes out, saying why, when the ledger cannot be read', async () => {
    ledger(BOTH, '1.0.0/2');
    ddb.on(QueryCommand).rejects(new Error('Throughput exceeds the current capacity of your table'));

    expect((await requested()).changes).toEqual({
      kind: 'unknown',
      against: '1.0.0/2',
      reason: 'changes unknown: the ledger could not be read (Throughput exceeds the current capacity of your table)',
    });
  });
});

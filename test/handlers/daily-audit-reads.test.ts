import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readDecisionsAndRevocations } from '../../aws/audit/image-decisions.js';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { listRevocations, queryPrefix } from '../../aws/lifecycle/lifecycle-ledger.js';
import { listOutcomes } from '../../aws/promotion/promotion-ledger.js';
import { auditLaunchPermissions } from '../../functions/audit/launch-permissions.js';
import { auditScheduledRevocations } from '../../functions/audit/scheduled-revocations.js';
import { readOnce } from '../../functions/lib/read-once.js';
import { versionsInFlight } from '../../functions/sharing/in-flight.js';
import { useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import {
  AMI,
  answerEc2,
  answerOrganizations,
  DEV,
  ec2,
  org,
  ouArn,
  ROOT,
  STG,
  setWorld,
  startAuditLedger,
  world,
} from './organization-fixture.js';

/**
 * The daily audit's reads of the ledger and the organization: each image's decisions, revocations and scheduled
 * revocations in one Query shared by the two parts that read them, and the organization's held state once per pass
 * instead of once per live version, with the same findings.
 */

const ou = (id: string) => ({ ous: [id], accounts: [], accountTags: {}, exclude: { ous: [], accounts: [] } });
const PLAN = { image: 'base', channels: [{ name: 'dev', targets: ou(DEV) }] };
const NOW = new Date('2027-01-18T03:52:00Z');
const OTHER_AMI = { region: 'us-east-1', imageId: 'ami-0bbb2222cccc3333d' };

const dynamo = useLocalDynamo();
const sns = mockClient(SNSClient);

const put = (item: Record<string, unknown>) =>
  documentClient().send(new PutCommand({ TableName: 'ledger', Item: { pk: 'IMAGE#base', ...item } }));

const promoted = (version: string, ami: typeof AMI) => ({
  sk: `PROMOTION#${version}#dev`,
  image: 'base',
  version,
  channel: 'dev',
  outcome: 'promoted',
  at: NOW.toISOString(),
  amis: [ami],
});

beforeEach(async () => {
  // Two live versions, one revoked (not audited), a scheduled revocation of the revoked one and a cancelled one,
  // and an item of a prefix no reader asked for, sorting between the decisions and the revocations.
  await startAuditLedger(dynamo, ['1.0.0/1', '1.0.0/2', '1.0.0/3']);
  await put(promoted('1.0.0/1', AMI));
  await put(promoted('1.0.0/2', OTHER_AMI));
  await put(promoted('1.0.0/3', AMI));
  await put({ sk: 'QUEUED#1.0.0/3', note: 'not a decision' });
  await put({ sk: 'REVOCATION#1.0.0/3', image: 'base', version: '1.0.0/3', state: 'revoked', reason: 'cve', at: '' });
  const scheduled = { image: 'base', reason: 'cve', by: 'ops', requestedAt: '', schedule: 's' };
  await put({ sk: 'REVOKE-AT#1.0.0/3', version: '1.0.0/3', dueAt: '2027-01-17T00:00:00.000Z', ...scheduled });
  await put({
    sk: 'REVOKE-AT#1.0.0/2',
    version: '1.0.0/2',
    dueAt: '2027-02-01T00:00:00.000Z',
    cancelledAt: '2027-01-10T00:00:00.000Z',
    ...scheduled,
  });
  setWorld({
    ous: { [ROOT]: [DEV, STG], [DEV]: [], [STG]: [] },
    parents: { '200000000001': DEV, '200000000002': STG },
    inForce: new Map([
      [AMI.imageId, new Set([ouArn(DEV)])],
      [OTHER_AMI.imageId, new Set([ouArn(DEV)])],
    ]),
  });
  answerOrganizations();
  answerEc2();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

afterEach(() => {
  for (const m of [ec2, org, sns]) m.reset();
  vi.restoreAllMocks();
});

/** The ledger requests a call sends, by what they read. */
function ledgerRequests() {
  const send = vi.spyOn(documentClient(), 'send');
  const inputs = () => send.mock.calls.map(([command]) => command);
  return {
    /** Queries of an image's partition by prefix (`begins_with`), by the prefix read. */
    prefixQueries: () =>
      inputs()
        .filter((c) => c instanceof QueryCommand && /begins_with/.test(c.input.KeyConditionExpression ?? ''))
        .map((c) => String((c as QueryCommand).input.ExpressionAttributeValues?.[':prefix'])),
    /** Range Queries (`BETWEEN`), by the first prefix each reads. */
    rangeQueries: (from = 'PROMOTION#') =>
      inputs().filter(
        (c) =>
          c instanceof QueryCommand &&
          /BETWEEN/.test(c.input.KeyConditionExpression ?? '') &&
          c.input.ExpressionAttributeValues?.[':from'] === from,
      ),
    organizationStateReads: () =>
      inputs().filter((c) => c instanceof GetCommand && c.input.Key?.pk === 'ORG' && c.input.Key?.sk === 'STATE'),
  };
}

describe('the promotions in flight the audit and the re-grant leave to Share', () => {
  it('reads the Shares begun and recorded in one Query over both prefixes, as the two prefix reads give them', async () => {
    const started = (sk: string, version: string) => put({ sk, version, channel: 'dev', at: NOW.toISOString() });
    // 1.0.0/4's Share begun, 1.0.0/5's recorded, neither decided; 1.0.0/1's recorded and decided (promoted).
    await started('SHARING#1.0.0/4#dev', '1.0.0/4');
    await started('SHARE#1.0.0/5#dev', '1.0.0/5');
    await started('SHARE#1.0.0/1#dev', '1.0.0/1');
    const outcomes = await listOutcomes('base');
    const requests = ledgerRequests();

    const inFlight = await versionsInFlight('base', outcomes, NOW);

    expect(Object.fromEntries(inFlight)).toEqual({ '1.0.0/4': ['dev'], '1.0.0/5': ['dev'] });
    expect(requests.rangeQueries('SHARE#')).toHaveLength(1);
    expect(requests.prefixQueries()).toEqual([]);
  });
});

describe("the daily audit's reads of an image's decisions and revocations", () => {
  it('reads decisions, revocations and scheduled revocations in one Query, as the three prefix reads give them', async () => {
    const [outcomes, revocations, scheduled] = await Promise.all([
      listOutcomes('base'),
      listRevocations('base'),
      queryPrefix('base', 'REVOKE-AT#'),
    ]);
    const requests = ledgerRequests();
    const read = await readDecisionsAndRevocations('base');
    expect(requests.rangeQueries()).toHaveLength(1);
    expect(read).toEqual({ outcomes, revocations, scheduled });
    expect(read.outcomes.map((o) => o.version)).toEqual(['1.0.0/1', '1.0.0/2', '1.0.0/3']);
    expect(read.scheduled.map((s) => s.version)).toEqual(['1.0.0/2', '1.0.0/3']);
  });

  it('the two parts share one read per image, and audit what the prefix reads audited', async () => {
    const requests = ledgerRequests();
    const decisions = readOnce(readDecisionsAndRevocations);
    const scheduled = await auditScheduledRevocations(['base'], NOW, true, decisions);
    const launch = await auditLaunchPermissions([PLAN], NOW, decisions);

    // The revoked version's scheduled revocation checked (nothing to do), the cancelled one skipped.
    expect(scheduled).toMatchObject({ checked: 1, findings: [], failures: [] });
    // The two live versions' AMIs read; the revoked one's not.
    expect(launch).toMatchObject({ checked: 2, findings: [], failures: [] });
    expect(requests.rangeQueries()).toHaveLength(1);
    expect(requests.prefixQueries()).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(PROMOTION|REVOCATION|REVOKE-AT)#/)]),
    );
  });

  it('without a shared read, each part reads the prefixes itself, with the same findings', async () => {
    const requests = ledgerRequests();
    const scheduled = await auditScheduledRevocations(['base'], NOW, true);
    const launch = await auditLaunchPermissions([PLAN], NOW);
    expect(scheduled).toMatchObject({ checked: 1, findings: [] });
    expect(launch).toMatchObject({ checked: 2, findings: [] });
    expect(requests.rangeQueries()).toHaveLength(0);
    expect(requests.prefixQueries()).toEqual(
      expect.arrayContaining(['REVOKE-AT#', 'REVOCATION#', 'PROMOTION#', 'REVOCATION#']),
    );
  });
});

describe("the daily launch-permission audit's reads of the organization", () => {
  it('reads the held organization once for every live version of the pass', async () => {
    const requests = ledgerRequests();
    const part = await auditLaunchPermissions([PLAN], NOW);
    expect(part).toMatchObject({ checked: 2, findings: [], failures: [] });
    expect(requests.organizationStateReads()).toHaveLength(1);
  });

  it('still finds and puts back a grant nobody made, reading the organization again for the repair', async () => {
    world.inForce.set(OTHER_AMI.imageId, new Set([ouArn(DEV), ouArn(STG)]));
    const requests = ledgerRequests();
    const part = await auditLaunchPermissions([PLAN], NOW);
    expect(part.findings).toEqual([
      expect.objectContaining({
        version: '1.0.0/2',
        repaired: true,
        found: `${OTHER_AMI.imageId} granted to OU ${STG}`,
      }),
    ]);
    expect(world.inForce.get(OTHER_AMI.imageId)).toEqual(new Set([ouArn(DEV)]));
    // One for the pass, one for the repair's own reading of what is wanted now.
    expect(requests.organizationStateReads()).toHaveLength(2);
  });
});

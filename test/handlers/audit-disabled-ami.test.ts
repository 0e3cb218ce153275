import { ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordOutcome } from '../../aws/promotion/promotion-ledger.js';
import { readBackOutsideChange } from '../../functions/audit/readback.js';
import { useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import {
  AMI,
  answerEc2,
  answerOrganizations,
  DEV,
  ec2,
  org,
  ROOT,
  setWorld,
  startAuditLedger,
} from './organization-fixture.js';

/**
 * Someone disables a live version's AMI (DisableImage: every launch permission taken away, the AMI no longer
 * shareable): the read-back its event asks for finds the grants gone, cannot put them back, and says so in an
 * announcement instead of failing quietly at every pass.
 */

const PLAN = {
  image: 'base',
  channels: [
    { name: 'dev', targets: { ous: [DEV], accounts: [], accountTags: {}, exclude: { ous: [], accounts: [] } } },
  ],
  regions: [AMI.region],
};
const VERSION = '1.0.0/1';
const NOW = new Date('2027-01-18T03:52:00Z');

const dynamo = useLocalDynamo();
const sns = mockClient(SNSClient);

const disabled = {
  source: 'aws.ec2' as const,
  'detail-type': 'AWS API Call via CloudTrail' as const,
  region: AMI.region,
  detail: {
    eventSource: 'ec2.amazonaws.com' as const,
    eventName: 'DisableImage' as const,
    requestParameters: { imageId: AMI.imageId },
  },
};

beforeEach(async () => {
  await startAuditLedger(dynamo, [VERSION]);
  await recordOutcome({
    image: 'base',
    version: VERSION,
    channel: 'dev',
    outcome: 'promoted',
    reason: 'promoted',
    by: 'test',
    at: NOW.toISOString(),
    amis: [AMI],
  });
  // Disabled: EC2 holds no launch permission for it any more.
  setWorld({ ous: { [ROOT]: [DEV], [DEV]: [] }, parents: { '200000000001': DEV }, inForce: new Map() });
  answerOrganizations();
  answerEc2();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

afterEach(() => {
  for (const m of [ec2, org, sns]) m.reset();
});

describe('the read-back of a disabled AMI', () => {
  it('announces that its grants could not be put back, and fails the read-back for good', async () => {
    ec2.on(ModifyImageAttributeCommand).rejects(
      Object.assign(new Error(`The image ${AMI.imageId} is disabled.`), {
        name: 'OperationNotPermitted',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const part = await readBackOutsideChange(disabled, [PLAN], NOW);

    expect(part.findings).toEqual([
      expect.objectContaining({
        found: `${AMI.imageId} not granted to OU ${DEV}`,
        action: `not put back: The image ${AMI.imageId} is disabled.`,
        repaired: false,
      }),
    ]);
    expect(part.permanentFailures).toBe(1);
    const published = sns.commandCalls(PublishCommand).map((c) => String(c.args[0].input.Message));
    expect(published).toEqual([expect.stringContaining('not put back')]);
  });
});

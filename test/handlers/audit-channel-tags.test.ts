import { GetRepositoryPolicyCommand, PutImageCommand, SetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ecrClient } from '../../aws/clients/ecr.js';
import { configureClients } from '../../aws/clients/registry.js';
import { moveChannelPointer } from '../../aws/promotion/channel-pointers.js';
import { digestUri } from '../../aws/promotion/ecr.js';
import { recordPointerMove } from '../../aws/promotion/pointer-history.js';
import { auditChannelTags } from '../../functions/audit/channel-tags.js';
import { VirtualClock } from '../../local/clock.js';
import { type InstalledFakes, installFakes } from '../../local/fakes/install.js';
import { runAs } from '../../local/trust/caller.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { configureAuditClients, driftAnnouncements } from './audit-fixtures.js';

/**
 * A developer with AmazonEC2ContainerRegistryPowerUser pushes their own image as `golden/web-runtime:prod`: every
 * consumer pulling the channel by its tag runs it, while the pointer and the ledger still name the approved build.
 * The holdings audit reads each container channel's tag back against its recorded move, puts it back by manifest,
 * and writes the repository's guard, which then refuses the developer's next push.
 */

const ACCOUNT = '123456789012';
const REGIONS = ['us-east-1', 'eu-west-1'];
const REPOSITORY = 'golden/web-runtime';
const NOW = new Date('2027-01-18T10:00:00Z');
const NOTIFY = `arn:aws:sns:us-east-1:${ACCOUNT}:goldsmith-test-notifications`;
const VERSION = '1.0.0/2';
const plans = [{ image: 'web-runtime', channels: [{ name: 'prod' }] }];
const DEVELOPER = `arn:aws:sts::${ACCOUNT}:assumed-role/developer/jane`;
/** The audit signs as its own role, one of the stage's the guard exempts. */
const AUDITOR = `arn:aws:sts::${ACCOUNT}:assumed-role/prod-goldsmith-Promotion-AuditHoldings/fn`;
const audit = () => runAs(AUDITOR, () => auditChannelTags(plans, NOW, 'prod'));

const dynamo = useLocalDynamo();
let cloud: InstalledFakes;
let approved: string;

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = NOTIFY;
  const clock = new VirtualClock(NOW.toISOString());
  cloud = installFakes({ clock, accountId: ACCOUNT, topics: [NOTIFY] });
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  configureAuditClients(cloud, dynamo.endpoint);
  const regions = [];
  for (const region of REGIONS) {
    cloud.fakes.ecr.createRepository(region, REPOSITORY, 'IMMUTABLE_WITH_EXCLUSION', ['prod']);
    approved = cloud.fakes.ecr.push(region, REPOSITORY, '1.0.0-2', 'approved build');
    cloud.fakes.ecr.push(region, REPOSITORY, 'prod', 'approved build');
    const ref = { registryId: ACCOUNT, region, repository: REPOSITORY, tag: 'prod' };
    regions.push({ region, value: digestUri(ref, approved), parameterArn: '', parameterVersion: 1, principals: [] });
  }
  const at = '2027-01-10T00:00:00Z';
  const buildVersionArn = `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image/web-runtime/${VERSION}`;
  await moveChannelPointer({ image: 'web-runtime', channel: 'prod', version: VERSION, buildVersionArn, amis: [], at });
  await recordPointerMove({ image: 'web-runtime', channel: 'prod', version: VERSION, at, regions });
});

afterEach(() => configureClients({}));

const push = (region: string) =>
  ecrClient(region).send(
    new PutImageCommand({
      repositoryName: REPOSITORY,
      imageManifest: '{"schemaVersion":2,"evil":1}',
      imageTag: 'prod',
    }),
  );

describe("the holdings audit's read-back of the container channels' tags", () => {
  it('puts a channel tag someone moved back on the recorded digest, announces it, and guards the repository', async () => {
    await push('eu-west-1');
    const moved = cloud.fakes.ecr.digestOfTag('eu-west-1', REPOSITORY, 'prod');
    expect(moved).not.toBe(approved);

    const part = await audit();

    expect(part.failures).toEqual([]);
    expect(part.findings.filter((f) => f.resource === 'channel-tag')).toEqual([
      expect.objectContaining({ region: 'eu-west-1', found: `${REPOSITORY}:prod names ${moved}`, repaired: true }),
    ]);
    for (const region of REGIONS) expect(cloud.fakes.ecr.digestOfTag(region, REPOSITORY, 'prod')).toBe(approved);
    expect(driftAnnouncements(cloud, NOTIFY).filter((a) => a.severity === 'critical')).toHaveLength(1);
    const policy = await ecrClient('eu-west-1').send(new GetRepositoryPolicyCommand({ repositoryName: REPOSITORY }));
    expect(policy.policyText).toContain('GoldsmithOnlyImages');

    await expect(runAs(DEVELOPER, () => push('eu-west-1'))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(
      runAs(DEVELOPER, () =>
        ecrClient('eu-west-1').send(
          new SetRepositoryPolicyCommand({ repositoryName: REPOSITORY, policyText: '{"Statement":[]}' }),
        ),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('reads the tags and finds nothing to do when every channel tag names its recorded digest', async () => {
    await audit();
    const again = await audit();
    expect(again.findings).toEqual([]);
    expect(again.checked).toBe(2);
  });
});

import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureClients } from '../../aws/clients/registry.js';
import { ssmClient } from '../../aws/clients/ssm.js';
import { moveChannelPointer } from '../../aws/promotion/channel-pointers.js';
import { recordPointerMove } from '../../aws/promotion/pointer-history.js';
import { auditChannelPointers } from '../../functions/audit/pointers.js';
import { VirtualClock } from '../../local/clock.js';
import { type InstalledFakes, installFakes } from '../../local/fakes/install.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { configureAuditClients, driftAnnouncements } from './audit-fixtures.js';

/**
 * Someone overwrote the channel pointers of several images in several Regions at once (a script over
 * `/goldsmith/*`): the audit writes each back, then reads them back together after one wait for Parameter Store's
 * validation, each Region's names in one GetParameters (ten a call), instead of waiting 2.5 s and reading for each
 * pointer in turn.
 */

const ACCOUNT = '123456789012';
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
const NOW = new Date('2027-01-18T10:00:00Z');
const NOTIFY = `arn:aws:sns:us-east-1:${ACCOUNT}:goldsmith-test-notifications`;
const IMAGES = ['base', 'hardened', 'web-runtime'];
const VERSION = '1.0.0/1';
const plans = IMAGES.map((image) => ({ image, channels: [{ name: 'dev' }] }));
const pointer = (image: string) => `/goldsmith/${image}/dev`;

const dynamo = useLocalDynamo();
let cloud: InstalledFakes;
let waits: number[];
/** Each image's AMI the ledger names in each Region (`image/region`), and the one someone wrote over it. */
let ours: Map<string, string>;
let theirs: Map<string, string>;
const parameterReads = () => cloud.stats.apiCalls['ssm:GetParameters'] ?? 0;

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = NOTIFY;
  waits = [];
  ours = new Map();
  theirs = new Map();
  const clock = new VirtualClock(NOW.toISOString());
  cloud = installFakes({ clock, accountId: ACCOUNT, topics: [NOTIFY] });
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  configureAuditClients(cloud, dynamo.endpoint, undefined, async (ms) => {
    waits.push(ms);
  });
  for (const image of IMAGES) {
    for (const region of REGIONS) {
      ours.set(`${image}/${region}`, cloud.fakes.ec2.registerImage(region, { name: `${image} ${VERSION}` }).imageId);
      theirs.set(`${image}/${region}`, cloud.fakes.ec2.registerImage(region, { name: `${image} by someone` }).imageId);
    }
    const at = '2027-01-10T00:00:00Z';
    const amis = REGIONS.map((region) => ({ region, imageId: ours.get(`${image}/${region}`) ?? '' }));
    const buildVersionArn = `arn:aws:imagebuilder:${REGIONS[0]}:${ACCOUNT}:image/${image}/${VERSION}`;
    await moveChannelPointer({ image, channel: 'dev', version: VERSION, buildVersionArn, amis, at });
    await recordPointerMove({ image, channel: 'dev', version: VERSION, at, regions: [] });
    for (const region of REGIONS) {
      await ssmClient(region).send(
        new PutParameterCommand({
          Name: pointer(image),
          Value: theirs.get(`${image}/${region}`),
          Type: 'String',
          DataType: 'aws:ec2:image',
          Tier: 'Advanced',
          Overwrite: true,
        }),
      );
    }
  }
  // Parameter Store's write throughput (3 a second a Region in the fake) is back when the audit runs.
  await clock.run(clock.now() + 10_000);
});

afterEach(() => configureClients({}));

describe('pointers overwritten in several Regions at once', () => {
  it('are put back with one wait for the validation, each Region read back in one call, each confirmed and announced', async () => {
    const before = parameterReads();

    const part = await auditChannelPointers(plans, NOW);

    expect(part.failures).toEqual([]);
    const expected = IMAGES.flatMap((image) =>
      REGIONS.map((region) => [
        image,
        region,
        `put back ${ours.get(`${image}/${region}`)}, confirmed at parameter version 2`,
      ]),
    );
    expect(part.findings.map((f) => [f.image, f.region, f.action])).toEqual(expected);
    expect(part.findings.every((f) => f.repaired)).toBe(true);
    // The pass reads each image's pointer in each Region (9 calls); the 9 written back are read together: 3 calls
    // (one a Region), after one wait (not 9 waits and 9 reads).
    expect(waits).toEqual([2_500]);
    expect(parameterReads() - before).toBe(IMAGES.length * REGIONS.length + REGIONS.length);
    for (const image of IMAGES) {
      for (const region of REGIONS) {
        const held = await ssmClient(region).send(new GetParameterCommand({ Name: pointer(image) }));
        expect(held.Parameter?.Value).toBe(ours.get(`${image}/${region}`));
      }
    }
    expect(driftAnnouncements(cloud, NOTIFY)).toHaveLength(IMAGES.length * REGIONS.length);
  });
});

import {
  DescribeImagesCommand,
  EC2Client,
  EnableImageDeprecationCommand,
  type EnableImageDeprecationCommandInput,
} from '@aws-sdk/client-ec2';
import { GetImageCommand, ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadImage } from '../../functions/promotion/load-image.js';
import { mockClient } from '../helpers/mock-client.js';
import { AMIS, BUILD_ARN, catalog, getImageOutput } from './promotion-fixtures.js';

const ec2 = mockClient(EC2Client);
const imagebuilder = mockClient(ImagebuilderClient);
const ddb = mockClient(DynamoDBDocumentClient);
/** Two days after the build (BUILD_CREATED, 2027-02-27T08:15:20Z). */
const NOW = new Date('2027-03-01T10:00:00Z');

/** The catalog with base's `retention.deprecateAfter` set to `deprecateAfter` (LoadImage reads the catalog's). */
const withDeprecateAfter = (deprecateAfter?: string) => {
  process.env.GOLDSMITH_CATALOG = JSON.stringify({
    ...catalog,
    images: {
      ...catalog.images,
      base: { ...catalog.images.base, retention: { keep: 3, ...(deprecateAfter ? { deprecateAfter } : {}) } },
    },
  });
  return { image: 'base', buildVersionArn: BUILD_ARN };
};
const deprecations = () =>
  ec2.commandCalls(EnableImageDeprecationCommand).map((c) => c.args[0].input as EnableImageDeprecationCommandInput);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  imagebuilder.on(GetImageCommand).resolves(getImageOutput());
  ec2.on(DescribeImagesCommand).resolves({ Images: [{ State: 'available' }] });
  ec2.on(EnableImageDeprecationCommand).resolves({ Return: true });
  // The build as the ledger records it: LoadImage adds what GetImage said.
  process.env.LEDGER_TABLE = 'ledger';
  ddb.on(UpdateCommand).resolves({});
});

afterEach(() => {
  vi.useRealTimers();
  ec2.reset();
  imagebuilder.reset();
  ddb.reset();
});

describe('loadImage with retention.deprecateAfter', () => {
  it('deprecates every AMI of the build, in its region, at the build creation plus deprecateAfter', async () => {
    const loaded = await loadImage(withDeprecateAfter('90d'));

    // 2027-02-27T08:15:20Z + 90 days, rounded to the minute as EC2 rounds it.
    const at = new Date('2027-05-28T08:15:00Z');
    expect(deprecations()).toEqual(AMIS.map((a) => ({ ImageId: a.imageId, DeprecateAt: at })));
    const regions = await Promise.all(
      ec2.commandCalls(EnableImageDeprecationCommand).map((c) => c.thisValue.config.region()),
    );
    expect(regions).toEqual(AMIS.map((a) => a.region));
    expect(loaded.deprecateAt).toBe('2027-05-28T08:15:20.000Z');
  });

  it('makes no call on a rerun that finds the deprecation time already set', async () => {
    ec2
      .on(DescribeImagesCommand)
      .resolves({ Images: [{ State: 'available', DeprecationTime: '2027-05-28T08:15:00.000Z' }] });

    await loadImage(withDeprecateAfter('90d'));

    expect(deprecations()).toEqual([]);
  });

  it('never pushes back an earlier deprecation (a retirement or revocation that deprecated it already)', async () => {
    ec2
      .on(DescribeImagesCommand)
      .resolves({ Images: [{ State: 'available', DeprecationTime: '2027-02-28T09:00:00.000Z' }] });

    await loadImage(withDeprecateAfter('90d'));

    expect(deprecations()).toEqual([]);
  });

  it('brings a later deprecation forward to the scheduled time', async () => {
    ec2
      .on(DescribeImagesCommand)
      .resolves({ Images: [{ State: 'available', DeprecationTime: '2030-01-01T00:00:00.000Z' }] });

    await loadImage(withDeprecateAfter('90d'));

    expect(deprecations().map((d) => d.DeprecateAt)).toEqual(AMIS.map(() => new Date('2027-05-28T08:15:00Z')));
  });

  it('deprecates from the next whole minute when creation plus deprecateAfter has passed already', async () => {
    await loadImage(withDeprecateAfter('1d'));

    expect(deprecations().map((d) => d.DeprecateAt)).toEqual(AMIS.map(() => new Date('2027-03-01T10:01:00Z')));
  });

  it('leaves the AMIs alone without deprecateAfter, and for a build that is not available', async () => {
    await loadImage(withDeprecateAfter());
    imagebuilder.on(GetImageCommand).resolves(getImageOutput('FAILED', 'test failed'));
    await loadImage(withDeprecateAfter('90d'));

    expect(ec2.commandCalls(DescribeImagesCommand)).toHaveLength(0);
    expect(deprecations()).toEqual([]);
  });
});

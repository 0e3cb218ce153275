import type { GetImageCommandOutput, ImageStatus } from '@aws-sdk/client-imagebuilder';
import { catalogShapeSchema } from '../../core/config/schema.js';
import { planAll } from '../../core/promotion/plan.js';
import type { PromotionPlan } from '../../core/promotion/types.js';
import exampleCatalog from '../../goldsmith.config.js';

/** Shared fixtures of the promotion handler tests: the example catalog's plans and a build of `base`. */
export const catalog = catalogShapeSchema.parse(exampleCatalog);
export const plans: Record<string, PromotionPlan> = planAll(catalog);
export const basePlan = plans.base as PromotionPlan;

export const ACCOUNT = '111122223333';
export const BUILD_ARN = `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image/goldsmith-base-3f9a2c1d/1.0.0/3`;
export const PIPELINE_ARN = `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image-pipeline/goldsmith-base`;
export const AMIS = [
  { region: 'us-east-1', imageId: 'ami-0aaa1111bbbb2222c' },
  { region: 'eu-west-1', imageId: 'ami-0ddd3333eeee4444f' },
];

/** When Image Builder created the build (GetImage `dateCreated`). */
export const BUILD_CREATED = '2027-02-27T08:15:20.000Z';

/** GetImage's answer for the build, AVAILABLE with tests enabled unless overridden. */
export function getImageOutput(status: ImageStatus = 'AVAILABLE', reason?: string) {
  const output = {
    $metadata: {},
    image: {
      arn: BUILD_ARN,
      dateCreated: BUILD_CREATED,
      state: { status, ...(reason ? { reason } : {}) },
      imageTestsConfiguration: { imageTestsEnabled: true },
      sourcePipelineArn: PIPELINE_ARN,
      tags: { 'goldsmith:image': 'base' },
      outputResources: { amis: AMIS.map((a) => ({ region: a.region, image: a.imageId, accountId: ACCOUNT })) },
    },
  } satisfies GetImageCommandOutput;
  return output;
}

/** An "EC2 Image Builder Image State Change" event shaped like AWS's sample. */
export function stateChangeEvent(status: string, reason?: string, previous = 'TESTING') {
  return {
    version: '0',
    id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
    'detail-type': 'EC2 Image Builder Image State Change',
    source: 'aws.imagebuilder',
    account: ACCOUNT,
    time: '2027-01-18T17:50:56Z',
    region: 'us-east-1',
    resources: [BUILD_ARN],
    detail: { 'previous-state': { status: previous }, state: { status, ...(reason ? { reason } : {}) } },
  };
}

/** One channel's Map item, as the state machine hands it to Gate, Share, Publish. */
export function channelItem(channel = 'dev') {
  const step = basePlan.channels.find((c) => c.name === channel);
  if (!step) throw new Error(`no channel ${channel}`);
  return {
    image: 'base',
    version: '1.0.0/3',
    buildVersionArn: BUILD_ARN,
    build: { status: 'AVAILABLE', testsEnabled: true, amis: AMIS },
    channel: step,
  };
}

/** The organization DescribeOrganization answers with in handler tests. */
export const ORGANIZATION = { Id: 'o-a1b2c3d4e5', MasterAccountId: '999988887777' };
/** The ARN of an OU of that organization. */
export const OU = (ou: string) => `arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/${ou}`;

/**
 * A GetResourceShareAssociations answer in which RAM has associated everything it is asked about: the principals in
 * `principals` and whichever resource ARN the request filters on.
 */
export function associatedAnswer(principals: readonly string[], shareArn: string) {
  return (input: { associationType?: string; resourceArn?: string }) => ({
    resourceShareAssociations:
      input.associationType === 'PRINCIPAL'
        ? principals.map((p) => ({ resourceShareArn: shareArn, associatedEntity: p, status: 'ASSOCIATED' as const }))
        : [{ resourceShareArn: shareArn, associatedEntity: input.resourceArn, status: 'ASSOCIATED' as const }],
  });
}

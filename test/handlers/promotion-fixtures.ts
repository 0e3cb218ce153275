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

/** What the ledger records of a build's channels, for mocked BatchGetItem answers (aws/promotion/promotion-facts.ts). */
export interface LedgerFactsOptions {
  /** The loaded build; `null`: LoadImage never loaded it. Default: BUILD_ARN, AVAILABLE, tested, AMIS. */
  loaded?: Record<string, unknown> | null;
  /** The asked channel's own recorded outcome (default none). */
  outcome?: string;
  /** The channel before's outcome (default promoted). */
  previous?: string;
  /** Gate's pass (default recorded). */
  gate?: boolean;
  /** The approval decision (default approved by security-reviewer); `null`: none. */
  approval?: 'approve' | 'reject' | null;
  /** Whether SoakCheck passed the soak (default yes). */
  soakPassed?: boolean;
  /** When the soak ends (default long past); `soak: null`: none was started. */
  soakUntil?: string;
  soak?: null;
  revocation?: { state: 'requested' | 'revoked'; reason: string };
  /** The build item's lineage fields: the flag revocation wrote (`flaggedReason`), the recorded `parent`. */
  lineage?: { flaggedReason?: string; parent?: { image: string; channel: string; buildVersion?: string } };
  /** Other items of the ledger, answered when their key is asked for (a held pointer share, say). */
  extra?: { pk: string; sk: string; [attribute: string]: unknown }[];
}

/**
 * A BatchGetItem answer holding, for whatever channel is asked, what a promotion that reached it records: the loaded
 * build, the channel before promoted (of two `PROMOTION#` keys, the earlier channel in the base plan's order is the
 * one before), Gate's pass, the approval, the checked soak. Options take any of them away.
 */
export function ledgerFactsAnswer(options: LedgerFactsOptions = {}) {
  const order = basePlan.channels.map((c) => c.name);
  return (input: { RequestItems?: Record<string, { Keys?: Record<string, unknown>[] }> }) => {
    const [table, request] = Object.entries(input.RequestItems ?? {})[0] ?? ['ledger', { Keys: [] }];
    const keys = (request.Keys ?? []) as { pk: string; sk: string }[];
    const promotions = keys.filter((k) => k.sk.startsWith('PROMOTION#'));
    const rank = (sk: string) => order.indexOf(sk.split('#').at(-1) ?? '');
    const own = promotions.reduce<string | undefined>((a, k) => (!a || rank(k.sk) > rank(a) ? k.sk : a), undefined);
    const item = (k: { pk: string; sk: string }): Record<string, unknown> | undefined => {
      const [prefix] = k.sk.split('#');
      switch (prefix) {
        case 'BUILD':
          if (options.loaded === null) return undefined;
          return {
            ...k,
            ...options.lineage,
            loaded: {
              buildVersionArn: BUILD_ARN,
              status: 'AVAILABLE',
              testsEnabled: true,
              amis: AMIS,
              containers: [],
              loadedAt: BUILD_CREATED,
              ...options.loaded,
            },
          };
        case 'PROMOTION': {
          const outcome = k.sk === own ? options.outcome : (options.previous ?? 'promoted');
          return outcome ? { ...k, outcome } : undefined;
        }
        case 'GATE':
          return options.gate === false
            ? undefined
            : { ...k, passedAt: BUILD_CREATED, findings: { critical: 0, high: 0, medium: 0, low: 0, other: 0 } };
        case 'APPROVAL':
          return options.approval === null
            ? undefined
            : {
                ...k,
                decision: options.approval ?? 'approve',
                by: 'security-reviewer',
                decidedAt: BUILD_CREATED,
              };
        case 'SOAK':
          if (options.soak === null) return undefined;
          return {
            ...k,
            until: options.soakUntil ?? '2020-01-01T00:00:00.000Z',
            state: 'soaking',
            ...(options.soakPassed === false ? {} : { passedAt: BUILD_CREATED }),
          };
        case 'REVOCATION':
          return options.revocation ? { ...k, ...options.revocation } : undefined;
        default:
          return options.extra?.find((e) => e.pk === k.pk && e.sk === k.sk);
      }
    };
    return { Responses: { [table]: keys.flatMap((k) => item(k) ?? []) } };
  };
}

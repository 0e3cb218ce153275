import { beforeAll, describe, expect, it } from 'vitest';
import exampleCatalog from '../../goldsmith.config.js';
import { Promotion } from '../../stacks/Promotion.js';
import { minimalCatalog, resourcesOf, type Synthesized, synthesizeShared } from './helpers.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };

/** Policy statements attached to the role of a Promotion function (`PromotionShare`, `PromotionPublish`). */
function statementsOf(synth: Synthesized, fn: string): Statement[] {
  const found: Statement[] = [];
  for (const policy of Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy'))) {
    const roles = policy.Properties.Roles as string[];
    if (!roles.some((r) => r.startsWith(`<${fn}ServiceRole`))) continue;
    found.push(...(policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  }
  return found;
}

const withAction = (statements: Statement[], action: string) =>
  statements.filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes(action));

let example: Synthesized;
let amisOnly: Synthesized;

beforeAll(async () => {
  example = await synthesizeShared(exampleCatalog, { stacks: [Promotion] });
  amisOnly = await synthesizeShared(minimalCatalog(), { stacks: [Promotion] });
}, 120_000);

describe('Promotion stack: the RAM share of channel pointers', () => {
  it('lets Publish create only Goldsmith-tagged shares that refuse principals outside the organization', () => {
    const [create] = withAction(statementsOf(example, 'PromotionPublish'), 'ram:CreateResourceShare');

    expect(create?.Condition).toEqual({
      StringEquals: { 'aws:RequestTag/goldsmith:purpose': 'channel-pointers' },
      Bool: { 'ram:RequestedAllowsExternalPrincipals': 'false' },
    });
  });

  it('lets Publish change only the channels’ pointer shares, by name', () => {
    const [associate] = withAction(statementsOf(example, 'PromotionPublish'), 'ram:AssociateResourceShare');

    expect(associate?.Resource).toBe('arn:aws:ram:*:my-account:resource-share/*');
    expect(associate?.Condition).toEqual({
      StringEquals: {
        'ram:ResourceShareName': ['goldsmith-pointers-dev', 'goldsmith-pointers-prod', 'goldsmith-pointers-staging'],
      },
    });
  });

  it('gives no other function RAM permissions', () => {
    expect(withAction(statementsOf(example, 'PromotionShare'), 'ram:CreateResourceShare')).toEqual([]);
    expect(withAction(statementsOf(example, 'PromotionGate'), 'ram:AssociateResourceShare')).toEqual([]);
  });
});

describe('Promotion stack: the container repositories’ pull policy', () => {
  it('lets Share read and write the policy of the catalog’s container repositories only', () => {
    const [policy] = withAction(statementsOf(example, 'PromotionShare'), 'ecr:SetRepositoryPolicy');

    expect(policy?.Action).toEqual(['ecr:GetRepositoryPolicy', 'ecr:SetRepositoryPolicy']);
    expect(policy?.Resource).toBe('arn:aws:ecr:*:my-account:repository/golden/web-runtime');
  });

  it('lets Publish retag (BatchGetImage, PutImage) in those repositories and nowhere else', () => {
    const [retag] = withAction(statementsOf(example, 'PromotionPublish'), 'ecr:PutImage');

    expect(retag?.Action).toEqual(['ecr:BatchGetImage', 'ecr:PutImage']);
    expect(retag?.Resource).toBe('arn:aws:ecr:*:my-account:repository/golden/web-runtime');
    expect(withAction(statementsOf(example, 'PromotionShare'), 'ecr:PutImage')).toEqual([]);
  });

  it('grants no ECR access at all when the catalog has no container image', () => {
    expect(withAction(statementsOf(amisOnly, 'PromotionShare'), 'ecr:SetRepositoryPolicy')).toEqual([]);
    expect(withAction(statementsOf(amisOnly, 'PromotionPublish'), 'ecr:PutImage')).toEqual([]);
  });
});

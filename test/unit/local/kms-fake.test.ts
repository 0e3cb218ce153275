import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTO_SCALING_GRANT_OPERATIONS, type KeyGrantees } from '../../../core/sharing/key-grants.js';
import { type KmsCaller, KmsFake, kmsContext } from '../../../local/fakes/kms.js';
import {
  autoScalingGrantRefusal,
  autoScalingRole,
  autoScalingRoleArn,
  directUseRefusal,
  LAUNCH_ACTIONS,
  launchRefusal,
  memberRole,
} from '../../../local/fakes/kms-launch.js';
import { TemplateResolver } from '../../../local/simulator/intrinsics.js';
import { amiKeyPolicy } from '../../../stacks/factory/key.js';

const FACTORY = '123456789012';
const ORG = 'o-a1b2c3d4e5';
const HOME = 'us-east-1';
const REPLICA = 'eu-west-1';
const MEMBER = '200000000001';
const OTHER_MEMBER = '200000000002';
const OUTSIDER = '999999999999';
const KEY = 'AmiKey0123ABCD';
const KEY_ARN = `arn:aws:kms:${HOME}:${FACTORY}:key/${KEY}`;
const REPLICA_ARN = `arn:aws:kms:${REPLICA}:${FACTORY}:key/${KEY}`;

type Policy = { Version: string; Statement: { Sid?: string }[] };

/** The AMI key policy exactly as the Factory stack writes it, resolved as a deploy in `HOME` would. */
function stackKeyPolicy(outdir: string, grantees?: KeyGrantees): Policy {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Keys', { env: { account: FACTORY, region: HOME } });
  const doc = amiKeyPolicy(stack, { organizationId: ORG, regions: [HOME, REPLICA], stage: 'test', grantees });
  return new TemplateResolver([], { accountId: FACTORY, region: HOME }).resolve(stack.resolve(doc.toJSON())) as Policy;
}

describe('the KMS fake with the stack-written AMI key policy', () => {
  const outdir = join(tmpdir(), `goldsmith-kms-${process.pid}`);
  let policy: Policy;
  let kms: KmsFake;
  beforeAll(() => {
    policy = stackKeyPolicy(outdir);
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const fresh = (p: Policy = policy) => {
    kms = new KmsFake(FACTORY);
    kms.createKey(HOME, KEY, p, { multiRegion: true });
    kms.replicateKey(HOME, KEY, REPLICA, JSON.stringify(p));
    return kms;
  };

  it('lets a member role launch through EC2 in the key Region and in its replica Region', () => {
    fresh();
    expect(launchRefusal(kms, HOME, KEY_ARN, memberRole(MEMBER, ORG))).toBeUndefined();
    expect(launchRefusal(kms, REPLICA, REPLICA_ARN, memberRole(MEMBER, ORG))).toBeUndefined();
  });

  it('refuses a Region the key was never replicated to, and a key ARN of another Region', () => {
    fresh();
    expect(launchRefusal(kms, 'ap-southeast-2', KEY, memberRole(MEMBER, ORG))).toMatch(/no key/);
    expect(launchRefusal(kms, REPLICA, KEY_ARN, memberRole(MEMBER, ORG))).toMatch(/no key/);
  });

  it('refuses a member calling KMS directly, not through EC2, and through EC2 of a Region it does not distribute to', () => {
    fresh();
    expect(directUseRefusal(kms, HOME, KEY_ARN, memberRole(MEMBER, ORG))).toMatch(/key policy does not allow/);
    const viaOther = kms.authorize(HOME, KEY_ARN, memberRole(MEMBER, ORG), 'kms:Decrypt', {
      'kms:ViaService': 'ec2.ap-southeast-2.amazonaws.com',
    });
    expect(viaOther.allowed).toBe(false);
  });

  it('refuses an account outside the organization, and a member whose own IAM does not allow the key', () => {
    fresh();
    expect(launchRefusal(kms, HOME, KEY_ARN, memberRole(OUTSIDER, undefined))).toMatch(/^kms:DescribeKey/);
    const noIam: KmsCaller = { ...memberRole(MEMBER, ORG), identityAllows: false };
    expect(launchRefusal(kms, HOME, KEY_ARN, noIam)).toMatch(/own IAM policies do not allow/);
  });

  it('leaves Auto Scaling unable to launch until the member grants its role the key, then lets it (example 2)', () => {
    fresh();
    const scaling = autoScalingRole(MEMBER, ORG);
    expect(launchRefusal(kms, HOME, KEY_ARN, scaling)).toMatch(/own IAM policies do not allow/);

    const grantId = kms.createGrant(HOME, KEY_ARN, memberRole(MEMBER, ORG), {
      granteePrincipal: autoScalingRoleArn(MEMBER),
      operations: AUTO_SCALING_GRANT_OPERATIONS,
      name: 'auto-scaling',
    });
    expect(launchRefusal(kms, HOME, KEY_ARN, scaling)).toBeUndefined();
    // Retried with the same name and parameters, CreateGrant returns the same grant instead of a second one.
    const again = kms.createGrant(HOME, KEY_ARN, memberRole(MEMBER, ORG), {
      granteePrincipal: autoScalingRoleArn(MEMBER),
      operations: [...AUTO_SCALING_GRANT_OPERATIONS].reverse(),
      name: 'auto-scaling',
    });
    expect(again).toBe(grantId);
    expect(kms.key(HOME, KEY_ARN)?.grants).toHaveLength(1);
    // The same name with a retiring principal is no retry of that request: a second grant.
    const retiring = kms.createGrant(HOME, KEY_ARN, memberRole(MEMBER, ORG), {
      granteePrincipal: autoScalingRoleArn(MEMBER),
      operations: AUTO_SCALING_GRANT_OPERATIONS,
      name: 'auto-scaling',
      retiringPrincipal: `arn:aws:iam::${MEMBER}:root`,
    });
    expect(retiring).not.toBe(grantId);
    expect(kms.key(HOME, KEY_ARN)?.grants).toHaveLength(2);
    kms.retireGrant(HOME, KEY_ARN, memberRole(MEMBER, ORG), String(retiring));
    // A grant lives on one key: the replica in the other Region needs its own.
    expect(launchRefusal(kms, REPLICA, REPLICA_ARN, scaling)).toMatch(/own IAM policies do not allow/);
  });

  it("refuses a member's grant to another account's Auto Scaling role, or with more operations than documented", () => {
    fresh();
    const member = memberRole(MEMBER, ORG);
    expect(autoScalingGrantRefusal(kms, HOME, KEY_ARN, member, OTHER_MEMBER)).toMatch(/^AccessDeniedException/);
    expect(() =>
      kms.createGrant(HOME, KEY_ARN, member, {
        granteePrincipal: autoScalingRoleArn(MEMBER),
        operations: [...AUTO_SCALING_GRANT_OPERATIONS, 'RetireGrant'],
      }),
    ).toThrow(expect.objectContaining({ name: 'AccessDeniedException' }));
    expect(autoScalingGrantRefusal(kms, HOME, KEY_ARN, memberRole(OUTSIDER, undefined))).toMatch(/AccessDenied/);
  });

  it('shows the classic pitfall: with grants only for AWS resources, a member cannot give Auto Scaling the key', () => {
    const withoutMemberGrants = {
      ...policy,
      Statement: policy.Statement.filter((s) => s.Sid !== 'MembersGrantTheirAutoScalingRole'),
    };
    fresh(withoutMemberGrants);
    expect(launchRefusal(kms, HOME, KEY_ARN, memberRole(MEMBER, ORG))).toBeUndefined();
    expect(autoScalingGrantRefusal(kms, HOME, KEY_ARN, memberRole(MEMBER, ORG))).toMatch(/AccessDenied/);
  });

  it('keeps the key policy as CreateKey was given it: a later change to that document changes nothing', () => {
    const document = structuredClone(policy);
    fresh(document);
    expect(launchRefusal(kms, HOME, KEY_ARN, memberRole(MEMBER, ORG))).toBeUndefined();
    document.Statement.length = 0;
    expect(launchRefusal(kms, HOME, KEY_ARN, memberRole(MEMBER, ORG))).toBeUndefined();
  });

  it('answers grantOutcome with the code and message createGrant throws, and the same grant ids', () => {
    const asValues = fresh();
    const throwing = fresh();
    const member = memberRole(MEMBER, ORG);
    const thrown = (act: () => string) => {
      try {
        return { grantId: act() };
      } catch (error) {
        return error instanceof Error ? { code: error.name, message: error.message } : { error };
      }
    };
    const requests = [
      { granteePrincipal: autoScalingRoleArn(OTHER_MEMBER), operations: AUTO_SCALING_GRANT_OPERATIONS },
      { granteePrincipal: autoScalingRoleArn(MEMBER), operations: [] },
      { granteePrincipal: autoScalingRoleArn(MEMBER), operations: AUTO_SCALING_GRANT_OPERATIONS, dryRun: true },
      { granteePrincipal: autoScalingRoleArn(MEMBER), operations: AUTO_SCALING_GRANT_OPERATIONS, name: 'a' },
      { granteePrincipal: autoScalingRoleArn(MEMBER), operations: AUTO_SCALING_GRANT_OPERATIONS, name: 'a' },
      { granteePrincipal: autoScalingRoleArn(MEMBER), operations: ['Decrypt'], name: 'b' },
    ];
    const outcomes = requests.map((r) => asValues.grantOutcome(HOME, KEY_ARN, member, r));
    expect(requests.map((r) => thrown(() => throwing.createGrant(HOME, KEY_ARN, member, r)))).toEqual(outcomes);
    expect(outcomes.map((o) => ('code' in o ? o.code : 'granted'))).toEqual([
      'AccessDeniedException',
      'ValidationException',
      'granted',
      'granted',
      'granted',
      'granted',
    ]);
    expect(asValues.key(HOME, KEY_ARN)?.grants).toEqual(throwing.key(HOME, KEY_ARN)?.grants);
    expect(asValues.grantOutcome(HOME, 'nothing', member, requests[3]!)).toMatchObject({ code: 'NotFoundException' });
  });

  it('refuses a grant beyond the 50,000 grants a key may hold', () => {
    fresh();
    const key = kms.key(HOME, KEY_ARN)!;
    for (let i = 0; i < 50_000; i++)
      key.grants.push({
        grantId: `g${i}`,
        name: undefined,
        granteePrincipal: 'x',
        operations: [],
        issuingAccount: 'x',
      });
    expect(autoScalingGrantRefusal(kms, HOME, KEY_ARN, memberRole(MEMBER, ORG))).toMatch(/^LimitExceededException/);
  });

  it('counts each attached volume’s grant against that quota, per Region: the last grant and then a launch are refused', () => {
    fresh();
    // 49,999 volumes encrypted with the home Region's key, none with the replica's.
    kms.volumeGrants = (region) => (region === HOME ? 49_999 : 0);
    kms.volumeGrantsAtMost = () => 49_999;
    expect(kms.grantsHeld(HOME, KEY_ARN)).toEqual({ explicit: 0, volumes: 49_999 });
    expect(launchRefusal(kms, HOME, KEY_ARN, memberRole(MEMBER, ORG))).toBeUndefined();
    kms.createGrant(HOME, KEY_ARN, memberRole(MEMBER, ORG), {
      granteePrincipal: autoScalingRoleArn(MEMBER),
      operations: AUTO_SCALING_GRANT_OPERATIONS,
      name: 'goldsmith-auto-scaling-1',
    });
    // 1 explicit + 49,999 volumes: the quota is reached in the home Region, not in the replica's.
    expect(() =>
      kms.createGrant(HOME, KEY_ARN, memberRole(OTHER_MEMBER, ORG), {
        granteePrincipal: autoScalingRoleArn(OTHER_MEMBER),
        operations: AUTO_SCALING_GRANT_OPERATIONS,
        name: 'goldsmith-auto-scaling-2',
      }),
    ).toThrow(expect.objectContaining({ name: 'LimitExceededException' }));
    expect(launchRefusal(kms, HOME, KEY_ARN, memberRole(MEMBER, ORG))).toMatch(
      /^kms:CreateGrant: LimitExceededException: the grants quota \(50000\)/,
    );
    expect(launchRefusal(kms, REPLICA, REPLICA_ARN, memberRole(MEMBER, ORG))).toBeUndefined();
  });
});

describe('the AMI key policy narrowed to the targeted OUs and named accounts', () => {
  const outdir = join(tmpdir(), `goldsmith-kms-ous-${process.pid}`);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const TARGETED = 'ou-ab12-11111111';
  const NESTED = 'ou-ab12-33333333';
  const LEFT_FOR = 'ou-ab12-22222222';
  const NAMED = '200000000009';
  /** A member of the organization whose account sits at `path` (`aws:PrincipalOrgPaths`), as IAM gives it. */
  const at = (account: string, ...ous: string[]): KmsCaller => ({
    ...memberRole(account, ORG),
    organizationPaths: [`${ORG}/r-ab12/${ous.map((ou) => `${ou}/`).join('')}`],
  });
  const keyWith = (grantees: KeyGrantees) => {
    const kms = new KmsFake(FACTORY);
    kms.createKey(HOME, KEY, stackKeyPolicy(outdir, grantees), { multiRegion: true });
    return kms;
  };

  it('lets an account under a targeted OU (nested OUs included) or named by a channel grant its Auto Scaling role the key', () => {
    const kms = keyWith({ ous: [TARGETED], accounts: [NAMED] });
    expect(autoScalingGrantRefusal(kms, HOME, KEY_ARN, at(MEMBER, TARGETED))).toBeUndefined();
    expect(autoScalingGrantRefusal(kms, HOME, KEY_ARN, at(OTHER_MEMBER, TARGETED, NESTED))).toBeUndefined();
    expect(autoScalingGrantRefusal(kms, HOME, KEY_ARN, at(NAMED, LEFT_FOR))).toBeUndefined();
  });

  it('refuses the grant to a member account that left the targeted OUs, while it can still launch through EC2', () => {
    const kms = keyWith({ ous: [TARGETED], accounts: [NAMED] });
    const leaver = at(MEMBER, LEFT_FOR);
    expect(autoScalingGrantRefusal(kms, HOME, KEY_ARN, leaver)).toMatch(/^AccessDeniedException/);
    // Its launches are the AMIs' launch permissions' to stop (withdrawn when it leaves), not the key's.
    expect(launchRefusal(kms, HOME, KEY_ARN, leaver)).toBeUndefined();
  });

  it("asks the organization for the caller account's path when the caller carries none: moved out, refused at once", () => {
    const kms = keyWith({ ous: [TARGETED], accounts: [] });
    let path = `${ORG}/r-ab12/${TARGETED}/`;
    kms.organizationPathsOf = () => [path];
    expect(autoScalingGrantRefusal(kms, HOME, KEY_ARN, memberRole(MEMBER, ORG))).toBeUndefined();
    path = `${ORG}/r-ab12/${LEFT_FOR}/`;
    expect(autoScalingGrantRefusal(kms, HOME, KEY_ARN, memberRole(MEMBER, ORG))).toMatch(/^AccessDeniedException/);
  });

  it('stays within the key policy limit of 32 KB with 500 targeted OUs', () => {
    const ous = Array.from({ length: 500 }, (_, i) => `ou-ab12-${String(i).padStart(8, '0')}`);
    const policy = stackKeyPolicy(outdir, { ous, accounts: [NAMED] });
    expect(new TextEncoder().encode(JSON.stringify(policy)).length).toBeLessThan(32 * 1024);
  });
});

describe("the KMS fake's key-policy decisions against @cloud-copilot/iam-simulate", () => {
  const outdir = join(tmpdir(), `goldsmith-kms-sim-${process.pid}`);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('agrees on every launch, grant and direct request of members, outsiders and Auto Scaling roles', async () => {
    const policy = stackKeyPolicy(outdir);
    const kms = new KmsFake(FACTORY);
    kms.createKey(HOME, KEY, policy, { multiRegion: true });
    const callers = [memberRole(MEMBER, ORG), memberRole(OUTSIDER, undefined), autoScalingRole(MEMBER, ORG)].map(
      (c) => ({ ...c, identityAllows: true }),
    );
    const via = (service: string) => ({ 'kms:ViaService': service });
    const requests: [string, Record<string, string | string[]>][] = [
      ...LAUNCH_ACTIONS.map((a): [string, Record<string, string | string[]>] => [
        a,
        {
          ...via(`ec2.${HOME}.amazonaws.com`),
          ...(a === 'kms:CreateGrant' ? { 'kms:GrantIsForAWSResource': 'true' } : {}),
        },
      ]),
      ['kms:Decrypt', {}],
      ['kms:Decrypt', via('ec2.ap-southeast-2.amazonaws.com')],
      ['kms:Decrypt', via(`s3.${HOME}.amazonaws.com`)],
      ['kms:Encrypt', via(`ec2.${HOME}.amazonaws.com`)],
      ['kms:CreateGrant', { ...via(`ec2.${HOME}.amazonaws.com`), 'kms:GrantIsForAWSResource': 'false' }],
      ...[MEMBER, OTHER_MEMBER].map((grantee): [string, Record<string, string | string[]>] => [
        'kms:CreateGrant',
        {
          'kms:GranteePrincipal': autoScalingRoleArn(grantee),
          'kms:GrantOperations': [...AUTO_SCALING_GRANT_OPERATIONS],
          'kms:GrantIsForAWSResource': 'false',
        },
      ]),
      ['kms:PutKeyPolicy', {}],
    ];
    let allowed = 0;
    for (const caller of callers) {
      for (const [action, extra] of requests) {
        const fake = kms.authorize(HOME, KEY_ARN, caller, action, extra).allowed;
        const context = Object.fromEntries(
          Object.entries(kmsContext(caller, extra)).filter((e): e is [string, string | string[]] => e[1] !== undefined),
        );
        const simulated = await runSimulation(
          {
            request: {
              principal: caller.principalArn,
              action,
              resource: { resource: KEY_ARN, accountId: FACTORY },
              contextVariables: context,
            },
            identityPolicies: [
              {
                name: 'any-kms',
                policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] },
              },
            ],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: policy,
          },
          {},
        );
        const expected = simulated.resultType === 'single' && simulated.overallResult === 'Allowed';
        expect({ caller: caller.principalArn, action, extra, allowed: fake }).toEqual({
          caller: caller.principalArn,
          action,
          extra,
          allowed: expected,
        });
        if (fake) allowed++;
      }
    }
    // Both engines allowed something and refused something: the comparison cannot pass vacuously.
    expect(allowed).toBeGreaterThan(0);
    expect(allowed).toBeLessThan(callers.length * requests.length);
  });
});

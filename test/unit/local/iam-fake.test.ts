import {
  AttachRolePolicyCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  InvalidInputException,
  LimitExceededException,
  ListAttachedRolePoliciesCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  PutRolePolicyCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAttachedRolePolicies,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { IamFake, rfc3986 } from '../../../local/fakes/iam.js';
import { ACCOUNT, answeredBy } from './helpers.js';

const ROLE = 'test-goldsmith-Promotion-RolloutEngineRole-AbC';
const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] };

/** A real IAM client (any Region: IAM is global) whose requests the fake answers, and the fake with one role. */
function iam(region = 'eu-west-1') {
  const fake = new IamFake(ACCOUNT);
  fake.deploy({ RoleName: ROLE, trust: TRUST, inline: { DefaultPolicy: POLICY }, attached: [] });
  return { fake, client: answeredBy(new IAMClient({ region }), 'iam', fake, region) };
}

describe('IAM fake (roles)', () => {
  it('returns policy documents URL-encoded as RFC 3986 says, which decode to what was put', async () => {
    const { client } = iam();
    const role = await client.send(new GetRoleCommand({ RoleName: ROLE }));
    const policy = await client.send(new GetRolePolicyCommand({ RoleName: ROLE, PolicyName: 'DefaultPolicy' }));

    expect(role.Role?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/${ROLE}`);
    expect(role.Role?.AssumeRolePolicyDocument).toMatch(/^%7B%22Version%22%3A%222012-10-17%22/);
    expect(JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? ''))).toEqual(TRUST);
    expect(JSON.parse(decodeURIComponent(policy.PolicyDocument ?? ''))).toEqual(POLICY);
    expect(rfc3986("a!'()*b c")).toBe('a%21%27%28%29%2Ab%20c');
  });

  it('answers NoSuchEntity (404) for an unknown role, inline policy or attachment', async () => {
    const { client } = iam();
    const refused = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e,
      );

    const role = await refused(client.send(new GetRoleCommand({ RoleName: 'nobody' })));
    const policy = await refused(client.send(new GetRolePolicyCommand({ RoleName: ROLE, PolicyName: 'Nope' })));
    const deleted = await refused(client.send(new DeleteRolePolicyCommand({ RoleName: ROLE, PolicyName: 'Nope' })));
    const detached = await refused(
      client.send(new DetachRolePolicyCommand({ RoleName: ROLE, PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })),
    );

    for (const e of [role, policy, deleted, detached]) {
      expect(e).toBeInstanceOf(NoSuchEntityException);
      expect(e).toMatchObject({ $metadata: { httpStatusCode: 404 } });
    }
    expect(role).toMatchObject({ message: 'The role with name nobody cannot be found.' });
  });

  it('pages ListAttachedRolePolicies by MaxItems and Marker; the paginator reads every page', async () => {
    const { client } = iam();
    const arns = ['ReadOnlyAccess', 'IAMFullAccess', 'AmazonS3FullAccess'].map((n) => `arn:aws:iam::aws:policy/${n}`);
    for (const arn of arns) await client.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: arn }));

    const first = await client.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE, MaxItems: 2 }));
    const pages: string[][] = [];
    for await (const page of paginateListAttachedRolePolicies({ client, pageSize: 2 }, { RoleName: ROLE })) {
      pages.push((page.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? ''));
    }

    expect(first).toMatchObject({ IsTruncated: true, Marker: expect.any(String) });
    expect(first.AttachedPolicies).toHaveLength(2);
    expect(pages).toEqual([arns.slice(0, 2), arns.slice(2)]);
  });

  it("takes an attacker's writes: a new inline policy, a new trust policy; refuses a malformed document or one past 10,240 characters", async () => {
    const { client, fake } = iam();
    const mallory = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    await client.send(new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: 'Mallory', PolicyDocument: mallory }));
    const open = { Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] };
    await client.send(new UpdateAssumeRolePolicyCommand({ RoleName: ROLE, PolicyDocument: JSON.stringify(open) }));

    const refused = (doc: string) =>
      client.send(new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: 'Big', PolicyDocument: doc })).then(
        () => undefined,
        (e: unknown) => e,
      );
    const huge = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: 'x'.repeat(10_300) }] });

    expect([...(fake.roles.get(ROLE)?.inline.keys() ?? [])]).toEqual(['DefaultPolicy', 'Mallory']);
    expect(JSON.parse(fake.roles.get(ROLE)?.trust ?? '{}')).toEqual(open);
    expect(await refused('{not json')).toBeInstanceOf(MalformedPolicyDocumentException);
    expect(await refused(huge)).toBeInstanceOf(LimitExceededException);
    expect(fake.roles.get(ROLE)?.inline.has('Big')).toBe(false);
  });
});

describe('IAM fake (the account authorization details)', () => {
  it("returns every role's trust, inline and attached policies and boundary, 100 a page by default, read on by Marker", async () => {
    const { client, fake } = iam();
    const boundary = `arn:aws:iam::${ACCOUNT}:policy/Boundary`;
    for (let i = 1; i < 250; i++) {
      fake.deploy({ RoleName: `other-${i}`, trust: TRUST, inline: {}, attached: [], boundary });
    }
    const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
    await client.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: admin }));

    const first = await client.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }));
    const sizes: number[] = [];
    for await (const page of paginateGetAccountAuthorizationDetails({ client }, { Filter: ['Role'] })) {
      sizes.push(page.RoleDetailList?.length ?? 0);
    }
    const all = await client.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'], MaxItems: 1000 }));

    expect(first).toMatchObject({ IsTruncated: true, Marker: expect.any(String), UserDetailList: [], Policies: [] });
    expect(sizes).toEqual([100, 100, 50]);
    expect(all.IsTruncated).toBe(false);
    expect(all.Marker).toBeUndefined();
    const mine = all.RoleDetailList?.find((r) => r.RoleName === ROLE);
    expect(JSON.parse(decodeURIComponent(mine?.AssumeRolePolicyDocument ?? ''))).toEqual(TRUST);
    expect(
      mine?.RolePolicyList?.map((p) => [p.PolicyName, JSON.parse(decodeURIComponent(p.PolicyDocument ?? ''))]),
    ).toEqual([['DefaultPolicy', POLICY]]);
    expect(mine?.AttachedManagedPolicies).toEqual([{ PolicyArn: admin, PolicyName: 'AdministratorAccess' }]);
    expect(all.RoleDetailList?.at(-1)?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(boundary);
  });

  it('returns no role for a filter without Role; refuses an unknown entity type and a Marker it did not give', async () => {
    const { client } = iam();
    const users = await client.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['User'] }));
    const refused = (input: Record<string, unknown>) =>
      client.send(new GetAccountAuthorizationDetailsCommand(input)).then(
        () => undefined,
        (e: unknown) => e,
      );

    expect(users.RoleDetailList).toEqual([]);
    expect(await refused({ Filter: ['Roles'] })).toMatchObject({
      name: 'ValidationError',
      $metadata: { httpStatusCode: 400 },
    });
    expect(await refused({ Marker: 'bogus' })).toBeInstanceOf(InvalidInputException);
  });
});

import { AttachRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { readRole, readRoles } from '../../../aws/audit/roles.js';
import { iamClient } from '../../../aws/clients/iam.js';
import { configureClients } from '../../../aws/clients/registry.js';
import { IamFake } from '../../../local/fakes/iam.js';
import { ACCOUNT, answeredBy, resetClients } from '../local/helpers.js';

const ROLE = 'test-goldsmith-Promotion-RolloutEngineRole-AbC';
const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] };

/** The IAM fake with Goldsmith's role among `others` roles of the account, answering aws/clients' IAM client. */
function account(others: number): IamFake {
  const fake = new IamFake(ACCOUNT);
  for (let i = 0; i < others; i++) fake.deploy({ RoleName: `team-${i}`, trust: TRUST, inline: {}, attached: [] });
  fake.deploy({ RoleName: ROLE, trust: TRUST, inline: { DefaultPolicy: POLICY }, attached: [] });
  configureClients({
    decorate: (client, service, region) => {
      if (service === 'iam' && client instanceof IAMClient) answeredBy(client, 'iam', fake, region);
    },
  });
  return fake;
}

afterEach(() => resetClients());

describe("the roles' audit reading every role at once (GetAccountAuthorizationDetails)", () => {
  it("reads a changed inline policy and an attached policy as a role's own reads do, past the first page", async () => {
    account(1200);
    const mallory = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }] };
    await iamClient().send(
      new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: 'Mallory', PolicyDocument: JSON.stringify(mallory) }),
    );
    const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
    await iamClient().send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: admin }));

    const { roles, pages } = await readRoles(new Set([ROLE, 'deleted-role']));
    const own = await readRole(ROLE);

    expect(pages).toBe(2);
    expect([...roles.keys()]).toEqual([ROLE]);
    expect(roles.get(ROLE)).toEqual(own.role);
    expect(Object.keys(roles.get(ROLE)?.inline ?? {})).toEqual(['DefaultPolicy', 'Mallory']);
    expect(roles.get(ROLE)?.managed).toEqual([admin]);
    expect(own.calls).toBeGreaterThanOrEqual(4);
  });
});

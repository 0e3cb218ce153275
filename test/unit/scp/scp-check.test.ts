import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { afterEach, describe, expect, it } from 'vitest';
import { type RolesRead, serviceControlPolicyCheck } from '../../../aws/preflight/preflight-organization.js';
import { deployedRoles, stacksWithExecRole } from '../../../aws/preflight/preflight-roles.js';
import { DEFAULT_DEPLOYER } from '../../../core/scp/roles.js';
import { DOCUMENTED_SINK_SECRETS } from '../../../core/scp/statements.js';
import { GOLDSMITH_SCP_PARTS } from '../../../local/fakes/prerequisites-scp.js';
import { mockClient } from '../../helpers/mock-client.js';

const cloudFormation = mockClient(CloudFormationClient);
afterEach(() => cloudFormation.reset());

const standing = { account: '200000000001', management: '100000000001', organizationId: 'o-a1b2c3d4e5' };
const attached = (contents: readonly string[]) =>
  Promise.resolve(contents.map((content, i) => ({ id: `p-${i}`, name: `part-${i + 1}`, content })));
/** The doors' auditor as CloudFormation named it in stage prod: the stack part trimmed to 25 characters. */
const DOORS = 'prod-goldsmith-Notificati-AuditDoorsServiceRole5E6-1U44TLUZ7OR55';
const deployed: Promise<RolesRead> = Promise.resolve({
  roles: [{ stack: 'prod-goldsmith-Notifications', logicalId: 'AuditDoorsServiceRole5E6F7A8B', name: DOORS }],
});

describe("preflight's SCP check with the deployed roles' names", () => {
  it("passes the generated parts with the doors' auditor's trimmed name, and says it used the deployed names", async () => {
    const check = await serviceControlPolicyCheck(
      standing,
      'eu-west-1',
      'prod',
      attached(GOLDSMITH_SCP_PARTS.map((p) => p.content)),
      deployed,
    );
    expect(check).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining("(the 1 roles as deployed; the deploy's as goldsmith-deployer)"),
    });
  });

  it("refuses an exemption written for the untrimmed name, naming the auditor's call it refuses", async () => {
    const untrimmed = GOLDSMITH_SCP_PARTS.map((p) =>
      p.content.replaceAll('prod-goldsmith-Notificati*-AuditDoors*', 'prod-goldsmith-Notifications-AuditDoors*'),
    );
    expect(untrimmed).not.toEqual(GOLDSMITH_SCP_PARTS.map((p) => p.content));
    const check = await serviceControlPolicyCheck(standing, 'eu-west-1', 'prod', attached(untrimmed), deployed);
    expect(check.status).toBe('missing');
    expect(check.detail).toContain(
      `sns:Unsubscribe on arn:aws:sns:eu-west-1:200000000001:goldsmith-prod-approval-links:0123abcd-4567-89ef-0123-456789abcdef to arn:aws:iam::200000000001:role/${DOORS} (refused by SubscriptionsOnlyByTheDeployment)`,
    );
  });

  it('names the part that is not attached, and the command that writes it', async () => {
    const check = await serviceControlPolicyCheck(
      standing,
      'eu-west-1',
      'prod',
      attached(GOLDSMITH_SCP_PARTS.slice(0, -1).map((p) => p.content)),
      deployed,
      DEFAULT_DEPLOYER,
      DOCUMENTED_SINK_SECRETS,
    );
    const last = GOLDSMITH_SCP_PARTS.at(-1);
    expect(check.status).toBe('missing');
    expect(check.detail).toContain(`Not in force: ${last?.name} (${last?.sids.join(', ')})`);
    expect(check.detail).toContain('`goldsmith scp --stage prod --out scp/`');
  });
});

describe('stacks of other names given the CDK execution role', () => {
  const EXEC = 'arn:aws:iam::200000000001:role/cdk-hnb659fds-cfn-exec-role-200000000001-eu-west-1';

  it('finds them across pages, leaving out the stage, SSTBootstrap and stacks with a role of their own', async () => {
    cloudFormation
      .on(DescribeStacksCommand, { NextToken: undefined })
      .resolves({
        Stacks: [
          { StackName: 'prod-goldsmith-Promotion', StackStatus: 'UPDATE_COMPLETE', RoleARN: EXEC } as Stack,
          { StackName: 'SSTBootstrap', StackStatus: 'UPDATE_COMPLETE', RoleARN: EXEC } as Stack,
          { StackName: 'someone-elses', StackStatus: 'CREATE_COMPLETE', RoleARN: EXEC } as Stack,
        ],
        NextToken: 'p2',
      })
      .on(DescribeStacksCommand, { NextToken: 'p2' })
      .resolves({
        Stacks: [
          { StackName: 'dev-goldsmith-Promotion', StackStatus: 'UPDATE_COMPLETE', RoleARN: EXEC } as Stack,
          {
            StackName: 'team-app',
            StackStatus: 'UPDATE_COMPLETE',
            RoleARN: 'arn:aws:iam::200000000001:role/team',
          } as Stack,
        ],
      });
    expect(await stacksWithExecRole('prod', 'eu-west-1')).toEqual(['someone-elses', 'dev-goldsmith-Promotion']);
  });

  it('makes the SCP check missing, naming the stack and the command that removes it', async () => {
    const check = await serviceControlPolicyCheck(
      standing,
      'eu-west-1',
      'prod',
      attached(GOLDSMITH_SCP_PARTS.map((p) => p.content)),
      Promise.resolve({ roles: [], execRoleStacks: ['someone-elses'] }),
    );
    expect(check.status).toBe('missing');
    expect(check.detail).toMatch(/^someone-elses was deployed with the CDK execution role but is not stage prod's: /);
    expect(check.detail).toContain('aws cloudformation delete-stack --stack-name <name> --region eu-west-1');
  });
});

describe("the deployed roles' names", () => {
  it("reads every stage stack's AWS::IAM::Role resources, across pages, and nothing of another stage", async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        { StackName: 'prod-goldsmith-Notifications', StackStatus: 'UPDATE_COMPLETE' } as Stack,
        { StackName: 'dev-goldsmith-Notifications', StackStatus: 'UPDATE_COMPLETE' } as Stack,
      ],
    });
    cloudFormation
      .on(ListStackResourcesCommand, { StackName: 'prod-goldsmith-Notifications', NextToken: undefined })
      .resolves({
        StackResourceSummaries: [
          {
            LogicalResourceId: 'AuditDoorsServiceRole5E6F7A8B',
            PhysicalResourceId: DOORS,
            ResourceType: 'AWS::IAM::Role',
            ResourceStatus: 'CREATE_COMPLETE',
            LastUpdatedTimestamp: new Date(0),
          },
        ],
        NextToken: 'p2',
      })
      .on(ListStackResourcesCommand, { StackName: 'prod-goldsmith-Notifications', NextToken: 'p2' })
      .resolves({
        StackResourceSummaries: [
          {
            LogicalResourceId: 'AuditDoors1A2B3C4D',
            PhysicalResourceId: 'prod-goldsmith-Notificati-AuditDoors1A2B3C4D-X',
            ResourceType: 'AWS::Lambda::Function',
            ResourceStatus: 'CREATE_COMPLETE',
            LastUpdatedTimestamp: new Date(0),
          },
        ],
      });
    expect(await deployedRoles('prod', 'eu-west-1')).toEqual([
      { stack: 'prod-goldsmith-Notifications', logicalId: 'AuditDoorsServiceRole5E6F7A8B', name: DOORS },
    ]);
    expect(cloudFormation.commandCalls(ListStackResourcesCommand)).toHaveLength(2);
  });
});

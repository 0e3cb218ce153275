import { describe, expect, it } from 'vitest';
import { ServiceLinkedRolesFake } from '../../../local/fakes/iam-service-roles.js';
import { KmsFake } from '../../../local/fakes/kms.js';
import { OrganizationsFake } from '../../../local/fakes/organizations.js';
import { type CreateStackSetInput, StackSetsFake } from '../../../local/fakes/stacksets.js';
import { withdrawViolations } from '../../../local/models/request-check.js';

const MANAGEMENT = '100000000000';
const OU = 'ou-ab12-team0001';
const MEMBER = '200000000001';

/** A template whose one custom resource's inline function runs `body` (CommonJS, `event` in scope). */
function templateRunning(body: string): string {
  const code = `const https = require('node:https');
exports.handler = async (event) => { ${body} };
function answer(event, Status) {
  return new Promise((done) => {
    const put = https.request(event.ResponseURL, { method: 'PUT' }, (r) => { r.resume(); r.on('end', done); });
    put.end(JSON.stringify({ Status, Reason: Status, PhysicalResourceId: 'thing-' + event.RequestType,
      StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId }));
  });
}`;
  return JSON.stringify({
    Resources: {
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Timeout: 60, Code: { ZipFile: code } },
      },
      Thing: { Type: 'Custom::Thing', Properties: { ServiceToken: { 'Fn::GetAtt': ['Fn', 'Arn'] } } },
    },
  });
}

function world(input: Partial<CreateStackSetInput> = {}, body = "await answer(event, 'SUCCESS');") {
  const organization = new OrganizationsFake({
    organizationId: 'o-ab12cd34ef',
    managementAccountId: MANAGEMENT,
    ous: [{ id: OU, accounts: [{ id: MEMBER }] }],
  });
  const stackSets = new StackSetsFake(organization, MANAGEMENT, {
    iam: new ServiceLinkedRolesFake(),
    kms: new KmsFake('111111111111'),
    organizationId: 'o-ab12cd34ef',
  });
  stackSets.trustedAccess = true;
  stackSets.createStackSet(MANAGEMENT, {
    StackSetName: 'baseline',
    TemplateBody: templateRunning(body),
    PermissionModel: 'SERVICE_MANAGED',
    CallAs: 'SELF',
    AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
    ...input,
  });
  return { organization, stackSets };
}

describe('the StackSets fake', () => {
  it('marks an instance OUTDATED, with the reason, when its custom resource never answers', async () => {
    const { stackSets } = world({}, 'return;');
    await stackSets.createStackInstances([OU], ['eu-west-1'], 0);
    expect(stackSets.stackInstances()).toEqual([
      expect.objectContaining({ account: MEMBER, status: 'OUTDATED', statusReason: 'Thing: no answer within 3600 s' }),
    ]);
  });

  it('adds no instance for a joiner without auto-deployment', async () => {
    const { stackSets, organization } = world({ AutoDeployment: { Enabled: false } });
    await stackSets.createStackInstances([OU], ['eu-west-1'], 0);
    organization.change({ change: 'create-account', account: '200000000002', to: OU }, '2026-01-01T00:00:00Z');
    await stackSets.reconcile(1);
    expect(stackSets.stackInstances().map((i) => i.account)).toEqual([MEMBER]);
  });

  it('refuses code that requires a module the Lambda runtime does not provide', async () => {
    const { stackSets } = world({}, "require('left-pad'); await answer(event, 'SUCCESS');");
    await stackSets.createStackInstances([OU], ['eu-west-1'], 0);
    expect(stackSets.stackInstances()[0]?.status).toBe('OUTDATED');
  });

  it('checks its requests against the CloudFormation API model', () => {
    // A boolean the model requires, sent as a string.
    world({ AutoDeployment: { Enabled: 'yes' as unknown as boolean } });
    const seen = withdrawViolations((v) => v.service === 'CloudFormation' && v.operation === 'CreateStackSet');
    expect(seen.map((v) => v.path)).toEqual(['AutoDeployment.Enabled']);
  });
});

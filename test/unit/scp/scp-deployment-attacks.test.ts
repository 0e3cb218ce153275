import { describe, expect, it } from 'vitest';
import { denyingStatement, scpStatements } from '../../../core/preflight/scp-evaluate.js';
import { approverPrincipalArns } from '../../../core/scp/deployment-statements.js';
import { synthesizedFunctionName } from '../../../core/scp/names.js';
import { goldsmithScp } from '../../../core/scp/split.js';

/**
 * The attacks through what the deployment reads (the bootstrap buckets, the CDK's roles, CloudFormation Hooks) and on
 * the operator endpoint's doors, made against the policy `goldsmith scp` writes, with the evaluation preflight uses:
 * each is refused, and the deployment's, the operators' and the approvers' own calls are not.
 */
const ACCOUNT = '200000000001';
const REGION = 'eu-west-1';
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const ADMIN = role('Administrator');
const DEPLOYER = role('goldsmith-deployer');
const FILE_PUBLISHING = role(`cdk-hnb659fds-file-publishing-role-${ACCOUNT}-${REGION}`);
const OPERATORS = role('goldsmith-prod-operators');
const ALICE = 'arn:aws:iam::300000000003:role/alice';
const statements = goldsmithScp({
  stage: 'prod',
  account: ACCOUNT,
  deployer: 'goldsmith-deployer',
  keyRotator: 'k',
  approvers: approverPrincipalArns([ALICE, `arn:aws:sts::${ACCOUNT}:assumed-role/sso-approver/bob`]),
}).flatMap((p) => scpStatements(p.content));
// A function URL's request carries lambda:InvokedViaFunctionUrl on its lambda:InvokeFunction half.
const decide = (principal: string, action: string, resource: string) =>
  denyingStatement(statements, {
    action,
    resource,
    context: {
      'aws:PrincipalArn': principal,
      'aws:PrincipalIsAWSService': 'false',
      ...(action === 'lambda:InvokeFunction' ? { 'lambda:InvokedViaFunctionUrl': 'true' } : {}),
    },
  });
const ASSETS = `arn:aws:s3:::cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`;
const door = (construct: string) =>
  `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${synthesizedFunctionName('prod', 'Trust', construct)}`;

describe('attacks through what a deploy reads, refused by the SCP', () => {
  it("refuses an administrator changing SST's bootstrap functions, whose roles may write SST's bucket; the deployer may", () => {
    const fn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:SSTBootstrap-MetadataHandler52BCF5C9-abc`;
    expect(decide(ADMIN, 'lambda:UpdateFunctionCode', fn)).toBe('FunctionsOnlyByTheDeployment');
    expect(decide(DEPLOYER, 'lambda:UpdateFunctionCode', fn)).toBeUndefined();
  });

  it("refuses an administrator replacing an asset's zip or loosening the assets bucket; the deployer and the CDK's publishing role may write", () => {
    const zip = `${ASSETS}/4a5b6c7d.zip`;
    for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'])
      expect(decide(ADMIN, action, zip), action).toBe('AssetsOnlyByTheDeployment');
    for (const action of ['s3:PutBucketPolicy', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration'])
      expect(decide(ADMIN, action, ASSETS), action).toBe('AssetsOnlyByTheDeployment');
    // Writing an object another way: replicating a bucket of one's own into it, ACLs turned back on, object lock.
    for (const action of ['s3:ReplicateObject', 's3:PutObjectAcl', 's3:PutObjectRetention'])
      expect(decide(ADMIN, action, zip), action).toBe('AssetsOnlyByTheDeployment');
    for (const action of [
      's3:PutReplicationConfiguration',
      's3:PutBucketOwnershipControls',
      's3:PutBucketAcl',
      's3:PutBucketObjectLockConfiguration',
    ])
      expect(decide(ADMIN, action, ASSETS), action).toBe('AssetsOnlyByTheDeployment');
    expect(decide(FILE_PUBLISHING, 's3:PutObject', zip)).toBeUndefined();
    expect(decide(DEPLOYER, 's3:PutObject', zip)).toBeUndefined();
    // Another account's assets bucket is not this policy's.
    expect(decide(ADMIN, 's3:PutObject', 'arn:aws:s3:::cdk-hnb659fds-assets-999999999999-eu-west-1/x.zip')).toBe(
      undefined,
    );
  });

  it("refuses a role of the publishing role's name made by an administrator, and assuming the CDK's deploy and publishing roles; lookup stays open", () => {
    expect(decide(ADMIN, 'iam:CreateRole', role('cdk-attacker-file-publishing-role-1'))).toBe(
      'RolesOnlyByTheDeployment',
    );
    expect(decide(ADMIN, 'sts:AssumeRole', FILE_PUBLISHING)).toBe('BootstrapRolesOnlyByTheDeployer');
    expect(decide(ADMIN, 'sts:AssumeRole', role(`cdk-hnb659fds-deploy-role-${ACCOUNT}-${REGION}`))).toBe(
      'BootstrapRolesOnlyByTheDeployer',
    );
    expect(decide(ADMIN, 'sts:AssumeRole', role(`cdk-hnb659fds-image-publishing-role-${ACCOUNT}-${REGION}`))).toBe(
      'BootstrapRolesOnlyByTheDeployer',
    );
    expect(decide(ADMIN, 'sts:AssumeRole', role(`cdk-hnb659fds-lookup-role-${ACCOUNT}-${REGION}`))).toBeUndefined();
    expect(decide(DEPLOYER, 'sts:AssumeRole', FILE_PUBLISHING)).toBeUndefined();
  });

  it("refuses an administrator writing SST's bootstrap bucket; its own metadata function may", () => {
    const metadata = 'arn:aws:s3:::sstbootstrap-euwest1a2b3c4d5-0a1b2c3d4e5f/stackMetadata/prod.json';
    expect(decide(ADMIN, 's3:PutObject', metadata)).toBe('SstBucketOnlyByTheDeployment');
    expect(decide(role('SSTBootstrap-MetadataHandlerServiceRole1A2B3C4D-0A1B2C3D4E5F'), 's3:PutObject', metadata)).toBe(
      undefined,
    );
  });

  it('refuses an administrator activating, registering or configuring a CloudFormation Hook; the deployer may', () => {
    for (const action of [
      'cloudformation:ActivateType',
      'cloudformation:RegisterType',
      'cloudformation:SetTypeConfiguration',
      'cloudformation:SetTypeDefaultVersion',
      'cloudformation:DeactivateType',
      'cloudformation:DeregisterType',
    ]) {
      expect(decide(ADMIN, action, '*'), action).toBe('HooksOnlyByTheDeployer');
      expect(decide(DEPLOYER, action, '*'), action).toBeUndefined();
    }
  });
});

describe("attacks on the operator endpoint's doors, refused by the SCP", () => {
  it('refuses anyone but the operators invoking the revoke and rollback doors, an approver included', () => {
    for (const construct of ['RevokeEndpoint', 'RollbackEndpoint']) {
      // A Goldsmith function's own role, exempt from FunctionsInvokedAsyncOnlyByGoldsmith, may not reach a door either.
      const goldsmithFunction = role(`prod-goldsmith-Promotion-PromotionPublishServiceRole-${construct}`);
      expect(decide(goldsmithFunction, 'lambda:InvokeAsync', door(construct))).toBe('RevokeAndRollbackOnlyByOperators');
      for (const action of ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction']) {
        expect(decide(ADMIN, action, door(construct)), `${construct} ${action}`).toBe(
          'RevokeAndRollbackOnlyByOperators',
        );
        expect(decide(ALICE, action, door(construct))).toBe('RevokeAndRollbackOnlyByOperators');
        expect(decide(OPERATORS, action, door(construct))).toBeUndefined();
      }
    }
  });

  it("refuses an administrator the front door; the operators and the catalog's approvers (a session's role) may call it", () => {
    expect(decide(ADMIN, 'lambda:InvokeFunctionUrl', door('Operator'))).toBe('FrontDoorOnlyByOperatorsAndApprovers');
    expect(decide(OPERATORS, 'lambda:InvokeFunctionUrl', door('Operator'))).toBeUndefined();
    expect(decide(ALICE, 'lambda:InvokeFunctionUrl', door('Operator'))).toBeUndefined();
    expect(decide(role('sso-approver'), 'lambda:InvokeFunctionUrl', door('Operator'))).toBeUndefined();
    expect(decide(role('sso-approver'), 'lambda:InvokeFunctionUrl', door('RevokeEndpoint'))).toBe(
      'RevokeAndRollbackOnlyByOperators',
    );
  });

  it('exempts an approver session by its role, once', () => {
    expect(
      approverPrincipalArns([
        `arn:aws:sts::${ACCOUNT}:assumed-role/sso-approver/bob`,
        `arn:aws:sts::${ACCOUNT}:assumed-role/sso-approver/carol`,
        ALICE,
      ]),
    ).toEqual([ALICE, role('sso-approver')].sort());
  });
});

/**
 * The statements that hold what the deployment itself reads and the operator endpoint's doors (pure): the CDK's and
 * SST's bootstrap buckets, the CDK's publishing and deploy roles, CloudFormation's extension registry (Hooks), and
 * who may call the three operator functions. Part of the policy core/scp/statements.ts writes.
 */
import { operatorsRoleName } from '../names.js';
import { constructPattern, synthesizedFunctionName } from './names.js';
import type { ScpStatementSpec } from './spec.js';

/**
 * The writes that change what a deploy or a rollback reads from a bootstrap bucket: an asset's object (cdk-assets
 * skips an object that already exists, so a replaced one is deployed as it is), the bucket's policy, its versioning
 * and its lifecycle (which could expire the versions a rollback needs). Each is an action of the Service Authorization
 * Reference for S3, on the `object` (PutObject, DeleteObject, DeleteObjectVersion) or the `bucket` resource type
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
 */
export const BUCKET_WRITES = [
  's3:PutObject',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
  // Another way to write an object: replicating a bucket of one's own into it (the replica is the key's newest
  // version), or a grant to another account through ACLs turned back on; object lock and retention stop the deletes.
  's3:ReplicateObject',
  's3:ReplicateDelete',
  's3:ReplicateTags',
  's3:PutReplicationConfiguration',
  's3:PutBucketAcl',
  's3:PutObjectAcl',
  's3:PutObjectVersionAcl',
  's3:PutBucketOwnershipControls',
  's3:PutBucketObjectLockConfiguration',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:CreateAccessPoint',
];

/**
 * CloudFormation's extension registry: a Hook activated, registered or configured in the factory account runs on
 * every stack operation and can fail Goldsmith's (forcing a rollback to what an assets bucket then holds)
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ActivateType.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeactivateType.html).
 */
export const REGISTRY_WRITES = [
  'cloudformation:ActivateType',
  'cloudformation:RegisterType',
  'cloudformation:SetTypeConfiguration',
  'cloudformation:SetTypeDefaultVersion',
  'cloudformation:DeactivateType',
  'cloudformation:DeregisterType',
];

/**
 * The principal ARNs the SCP exempts for the catalog's approvers: a role or user as named; an assumed-role session
 * as its role (`aws:PrincipalArn` of a role session is the role's ARN, its path not included: name a role with a path
 * by its role ARN): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-role-session
 */
export function approverPrincipalArns(principals: readonly string[]): string[] {
  const arns = principals.map((p) => {
    const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[\w+=,.@-]+$/.exec(p);
    return session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : p;
  });
  return [...new Set(arns)].sort();
}

/** What these statements are written for: the stage's names and the roles they exempt. */
export interface DeploymentStatementInputs {
  stage: string;
  account: string;
  /** A role ARN in the factory account. */
  role: (name: string) => string;
  /** The CDK execution role's pattern. */
  cdk: string;
  deployer: string;
  /** The approvers' principal ARNs (approverPrincipalArns). */
  approvers: readonly string[];
  /** The account the samples name (concrete). */
  sampleAccount: string;
  region: string;
}

/** The statements, in the page's order. */
export function deploymentStatementSpecs(i: DeploymentStatementInputs): ScpStatementSpec[] {
  const { stage, account, role, cdk, region } = i;
  const deployer = role(i.deployer);
  const acct = i.sampleAccount;
  const assets = `arn:aws:s3:::cdk-*-assets-${account}-*`;
  // SST's bootstrap stack (SSTBootstrap) makes its bucket without a name: CloudFormation names it after the stack,
  // lower-cased (node_modules/sst/bootstrap.js, `new Bucket(stack, region, { bucketName: bootstrap?.bucketName })`).
  const sst = 'arn:aws:s3:::sstbootstrap-*';
  const door = (construct: string) => `arn:aws:lambda:*:*:function:${constructPattern(stage, 'Trust', construct)}`;
  const doorSample = (construct: string) =>
    `arn:aws:lambda:${region}:${acct}:function:${synthesizedFunctionName(stage, 'Trust', construct)}`;
  const operators = role(operatorsRoleName(stage));
  const invoke = ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction', 'lambda:InvokeAsync'];
  return [
    {
      sid: 'AssetsOnlyByTheDeployment',
      actions: BUCKET_WRITES,
      resources: [assets, `${assets}/*`],
      exempt: [deployer, role('cdk-*-file-publishing-role-*')],
      samples: [
        { resource: `arn:aws:s3:::cdk-hnb659fds-assets-${acct}-${region}/0123abcd.zip` },
        { resource: `arn:aws:s3:::cdk-hnb659fds-assets-${acct}-${region}` },
      ],
    },
    {
      // Its metadata function and the bucket's auto-delete custom resource are the bootstrap stack's own roles.
      sid: 'SstBucketOnlyByTheDeployment',
      actions: BUCKET_WRITES,
      resources: [sst, `${sst}/*`],
      exempt: [deployer, cdk, role('SSTBootstrap-*')],
      samples: [{ resource: 'arn:aws:s3:::sstbootstrap-useast1a2b3c4d-0a1b2c3d4e5f/stackMetadata/x.json' }],
    },
    {
      // The CDK's bootstrap roles trust the whole account; only the deployer assumes them (lookup is read-only).
      sid: 'BootstrapRolesOnlyByTheDeployer',
      actions: ['sts:AssumeRole'],
      resources: ['deploy', 'file-publishing', 'image-publishing'].map((r) => `arn:aws:iam::*:role/cdk-*-${r}-role-*`),
      exempt: [deployer],
      samples: [
        { resource: `arn:aws:iam::${acct}:role/cdk-hnb659fds-file-publishing-role-${acct}-${region}` },
        { resource: `arn:aws:iam::${acct}:role/cdk-hnb659fds-deploy-role-${acct}-${region}` },
      ],
    },
    {
      // RegisterType and ActivateType name no resource of their own here: `*`.
      sid: 'HooksOnlyByTheDeployer',
      actions: REGISTRY_WRITES,
      resources: ['*'],
      exempt: [deployer],
      samples: [{ resource: '*' }],
    },
    {
      // Reserved concurrency 2 each: nobody but the operators (and the deployment) may fill them.
      sid: 'RevokeAndRollbackOnlyByOperators',
      actions: invoke,
      resources: [door('RevokeEndpoint'), door('RollbackEndpoint')],
      exempt: [operators, cdk],
      samples: [{ resource: doorSample('RevokeEndpoint') }, { resource: doorSample('RollbackEndpoint') }],
    },
    {
      sid: 'FrontDoorOnlyByOperatorsAndApprovers',
      actions: invoke,
      resources: [door('Operator')],
      exempt: [operators, cdk, ...i.approvers],
      samples: [{ resource: doorSample('Operator') }],
    },
  ];
}

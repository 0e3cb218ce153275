import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { memberRolloutRole, rolloutEngineArn, rolloutRoleArn } from '../../../local/fakes/rollout-role.js';
import { runAs } from '../../../local/trust/caller.js';
import { ACCOUNT, localCloud } from './helpers.js';

/** A member account with the rollout role, a shared AMI and one group, for the Auto Scaling fake's tests. */
export const MEMBER = '200000000001';
export const REGION = 'eu-west-1';
export const ORG = 'o-a1b2c3d4e5';
export const FACTORY_ROLE = rolloutEngineArn(ACCOUNT, 'prod');
export const TAG = 'goldsmith:follow';
/** The value the catalog rolls out, which the role acts on. */
export const FOLLOWS = 'base/prod';

export function rolloutCloud() {
  const cloud = localCloud({
    organization: {
      organizationId: ORG,
      managementAccountId: ACCOUNT,
      ous: [{ id: 'ou-ab12-11111111', accounts: [{ id: MEMBER }] }],
    },
  });
  const { ec2, memberAccess } = cloud.fakes;
  memberAccess.defineRole(memberRolloutRole(MEMBER, 'prod', ACCOUNT, ORG, [FOLLOWS]));
  const share = (name: string) => {
    const ami = ec2.registerImage(REGION, { name });
    ami.launchPermissions.set(`user:${MEMBER}`, { UserId: MEMBER });
    return ami.imageId;
  };
  return { ...cloud, share };
}

/** Clients acting in the member account through the rollout role, assumed as `caller`. */
export async function memberClients(
  cloud: ReturnType<typeof rolloutCloud>,
  caller = FACTORY_ROLE,
  roleArn = rolloutRoleArn(MEMBER, 'prod'),
) {
  const settings = cloud.clientSettings;
  const sts = new STSClient({ region: REGION, ...settings.overrides?.sts });
  settings.decorate?.(sts, 'sts', REGION);
  const out = await runAs(caller, () =>
    sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'rollout' })),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('no credentials');
  const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  const overrides = settings.overrides as Record<string, Record<string, unknown> | undefined>;
  const autoscaling = new AutoScalingClient({ region: REGION, ...overrides.autoscaling, credentials });
  const ec2 = new EC2Client({ region: REGION, ...overrides.ec2, credentials });
  // The registry's service names gain `autoscaling` with the engine's client; the fakes key it by that name.
  const decorate = settings.decorate as ((client: unknown, service: string, region: string) => void) | undefined;
  decorate?.(autoscaling, 'autoscaling', REGION);
  decorate?.(ec2, 'ec2', REGION);
  return { autoscaling, ec2, credentials };
}

/** A tagged (or untagged) group of `instances` on a literal-AMI template version 1. */
export function memberGroup(
  cloud: ReturnType<typeof rolloutCloud>,
  name: string,
  imageId: string,
  opts: { tagged?: boolean; follow?: string; imageRef?: string; version?: string; instances?: number } = {},
) {
  const tags: Record<string, string> = opts.tagged === false ? {} : { [TAG]: opts.follow ?? FOLLOWS };
  const template = cloud.fakes.ec2.templates?.create(
    MEMBER,
    REGION,
    `${name}-lt`,
    { ImageId: opts.imageRef ?? imageId },
    tags,
  );
  if (!template) throw new Error('no launch templates');
  const group = cloud.fakes.autoscaling.createGroup({
    account: MEMBER,
    region: REGION,
    name,
    launchTemplateId: template.id,
    version: opts.version ?? '1',
    desiredCapacity: opts.instances ?? 4,
    tags,
  });
  return { template, group };
}

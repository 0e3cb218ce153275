import { DescribeImagesCommand, ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import {
  DeleteRuleCommand,
  DisableRuleCommand,
  ListTargetsByRuleCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { DeleteScheduleCommand } from '@aws-sdk/client-scheduler';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { ec2Client } from '../../aws/clients/ec2.js';
import { eventbridgeClient } from '../../aws/clients/eventbridge.js';
import { lambdaClient } from '../../aws/clients/lambda.js';
import { schedulerClient } from '../../aws/clients/scheduler.js';
import { ssmClient } from '../../aws/clients/ssm.js';
import { revocationScheduleName } from '../../core/lifecycle/scheduled-revocation.js';
import { channelParameterName } from '../../core/names.js';
import { ScenarioChangeError } from '../fakes/organization-changes.js';
import { runAs } from '../trust/caller.js';
import { LOCAL_ACCOUNT, type LocalCloud } from './cloud.js';
import type { OutsideChangeAction } from './scenario-outside.js';

/** Whoever changes things outside Goldsmith by default: an administrator of the factory account. */
export const OUTSIDE_ADMIN = `arn:aws:iam::${LOCAL_ACCOUNT}:role/Administrator`;

/** A scenario's outside change that cannot be made (nothing to change): the run stops and says why, in one line. */
function cannot(cloud: LocalCloud, action: OutsideChangeAction, why: string): ScenarioChangeError {
  return new ScenarioChangeError(`the scenario's outside change at ${cloud.clock.iso()}: ${action.action}: ${why}`);
}

/**
 * Makes one outside change through the SDK, as `action.as` (an administrator by default, whose identity policy
 * allows everything, as AdministratorAccess does): the fakes see the call as any other caller's.
 */
export async function performOutsideChange(cloud: LocalCloud, action: OutsideChangeAction): Promise<void> {
  const principal = action.as ?? OUTSIDE_ADMIN;
  if (!cloud.rolePolicies.has(principal)) {
    cloud.rolePolicies.set(principal, [
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    ]);
  }
  try {
    await runAs(principal, () => change(cloud, action));
  } catch (error) {
    // AWS refused the call (a rule, function or parameter that does not exist): one line, not a stack trace.
    if (error instanceof Error && '$metadata' in error) {
      const hint = 'rule' in action && action.rule ? " (a rule's name carries the stage: local-goldsmith-…)" : '';
      throw cannot(cloud, action, `${error.name}: ${error.message}${hint}`);
    }
    throw error;
  }
}

async function change(cloud: LocalCloud, action: OutsideChangeAction): Promise<void> {
  const region = action.region ?? '';
  const image = action.image ?? '';
  switch (action.action) {
    case 'disable-rule':
      await eventbridgeClient(region).send(new DisableRuleCommand({ Name: action.rule }));
      return;
    case 'remove-targets':
    case 'delete-rule': {
      const events = eventbridgeClient(region);
      const targets = await events.send(new ListTargetsByRuleCommand({ Rule: action.rule }));
      const ids = (targets.Targets ?? []).map((t) => t.Id ?? '');
      if (ids.length > 0) await events.send(new RemoveTargetsCommand({ Rule: action.rule, Ids: ids }));
      if (action.action === 'delete-rule') await events.send(new DeleteRuleCommand({ Name: action.rule }));
      return;
    }
    case 'put-parameter': {
      const name = channelParameterName(image, action.channel ?? '');
      const ssm = ssmClient(region);
      let value = action.value;
      if (value === undefined) {
        const now = await ssm.send(new GetParameterCommand({ Name: name }));
        const version = now.Parameter?.Version ?? 0;
        if (version < 2) throw cannot(cloud, action, `${name} in ${region} has no earlier value: give "value"`);
        const before = await ssm.send(new GetParameterCommand({ Name: `${name}:${version - 1}` }));
        value = before.Parameter?.Value ?? '';
      }
      if (action.dropEvent)
        cloud.bus.loseNext(
          (e, at) =>
            at === region && e.source === 'aws.ssm' && (e.detail as { name?: unknown } | undefined)?.name === name,
        );
      await ssm.send(
        new PutParameterCommand({
          Name: name,
          Value: value,
          Type: 'String',
          DataType: 'aws:ec2:image',
          Overwrite: true,
        }),
      );
      return;
    }
    case 'delete-schedule': {
      const name = revocationScheduleName(image, action.version ?? '');
      const schedule = cloud.scheduler.list().find((s) => s.Name === name);
      if (!schedule)
        throw cannot(cloud, action, `no schedule ${name} (revoke ${action.image} ${action.version} --at first)`);
      await schedulerClient().send(new DeleteScheduleCommand({ Name: name, GroupName: schedule.GroupName }));
      return;
    }
    case 'update-function-code': {
      const arn = [...cloud.wiring.functions].find(([, f]) => f.handler === action.handler)?.[0];
      if (!arn) throw cannot(cloud, action, `no function runs ${action.handler}`);
      await lambdaClient().send(
        new UpdateFunctionCodeCommand({ FunctionName: arn, ZipFile: new TextEncoder().encode('outside code') }),
      );
      return;
    }
    case 'modify-launch-permission': {
      const build = [...cloud.installed.fakes.imagebuilder.builds.values()].find(
        (b) => b.pipeline.image === image && b.arn.endsWith(`/${action.version}`),
      );
      if (!build) throw cannot(cloud, action, `no build ${action.image} ${action.version}`);
      // Found the way a person would: the AMI Image Builder tagged with the build's ARN.
      const images = await ec2Client(region).send(
        new DescribeImagesCommand({
          Owners: ['self'],
          Filters: [{ Name: 'tag:Ec2ImageBuilderArn', Values: [build.arn] }],
        }),
      );
      const imageId = images.Images?.[0]?.ImageId;
      if (!imageId) throw cannot(cloud, action, `${action.image} ${action.version} has no AMI in ${region}`);
      await ec2Client(region).send(
        new ModifyImageAttributeCommand({
          ImageId: imageId,
          LaunchPermission: {
            ...(action.add ? { Add: action.add } : {}),
            ...(action.remove ? { Remove: action.remove } : {}),
          },
        }),
      );
      return;
    }
  }
}

import { RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Function as SstFunction } from 'sst/constructs';
import { NAME_PREFIX } from '../names.js';
import { schedulerRole } from '../scheduled-invoke.js';

/** Goldsmith's schedule group for revocations asked for a later time, e.g. `goldsmith-prod-revocations`. */
export function revocationScheduleGroupName(stage: string): string {
  return `${NAME_PREFIX}-${stage}-revocations`;
}

/**
 * `revoke --at T`: the operator function creates (and reads back, and deletes on `revoke --cancel`) one-time
 * schedules in a schedule group of their own, which invoke on-lifecycle-request as a role Scheduler alone may assume
 * (in this account: aws:SourceAccount,
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html) and that may
 * only invoke that function. The operator function may pass that role and no other, to Scheduler only
 * (iam:PassRole with iam:PassedToService; CreateSchedule needs it:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridgescheduler.html).
 */
export function allowScheduledRevocations(
  stack: Stack,
  stage: string,
  operator: SstFunction,
  target: SstFunction,
): { group: scheduler.CfnScheduleGroup; role: iam.Role } {
  const groupName = revocationScheduleGroupName(stage);
  const group = new scheduler.CfnScheduleGroup(stack, 'RevocationScheduleGroup', { name: groupName });
  // Deleting a group deletes its schedules: a deploy or a stack removal never does.
  // https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-group-delete.html
  group.applyRemovalPolicy(RemovalPolicy.RETAIN);
  const role = schedulerRole(
    stack,
    'RevocationSchedulerRole',
    'Goldsmith: EventBridge Scheduler invokes on-lifecycle-request for a revocation asked for later',
    groupName,
  );
  role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.functionArn] }));
  operator.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['scheduler:CreateSchedule', 'scheduler:GetSchedule', 'scheduler:DeleteSchedule'],
      // Schedule ARNs: arn:aws:scheduler:<region>:<account>:schedule/<group>/<name>.
      resources: [stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${groupName}/*` })],
    }),
  );
  operator.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }),
  );
  operator.addEnvironment('REVOCATION_SCHEDULE_GROUP', groupName);
  operator.addEnvironment('REVOCATION_TARGET_ARN', target.functionArn);
  operator.addEnvironment('REVOCATION_SCHEDULER_ROLE_ARN', role.roleArn);
  return { group, role };
}

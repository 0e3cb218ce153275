import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-scheduler';
import { schedulerClient } from '../clients/scheduler.js';

/**
 * EventBridge Scheduler, for revocations asked for a later time: one one-time schedule per version, in Goldsmith's
 * schedule group, that invokes on-lifecycle-request with the "Image Revoked" event and deletes itself afterwards.
 * Request shape: https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html; a name already
 * taken in the group is a ConflictException (HTTP 409), read back with
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_GetSchedule.html.
 */

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** What the stacks give the operator function: the group, the target function and the role Scheduler assumes. */
export function revocationScheduleSettings(): { group: string; targetArn: string; roleArn: string } {
  return {
    group: env('REVOCATION_SCHEDULE_GROUP'),
    targetArn: env('REVOCATION_TARGET_ARN'),
    roleArn: env('REVOCATION_SCHEDULER_ROLE_ARN'),
  };
}

export interface RevocationScheduleRequest {
  name: string;
  /** `at(yyyy-mm-ddThh:mm:ss)`, UTC. */
  expression: string;
  description: string;
  /** The event the target receives, as JSON text. */
  input: string;
}

/**
 * Creates the one-time schedule; when the name is taken, answers the existing schedule's expression instead of
 * changing it (the caller decides whether that is the same request).
 */
export async function createRevocationSchedule(
  request: RevocationScheduleRequest,
): Promise<{ created: true } | { created: false; existingExpression: string }> {
  const { group, targetArn, roleArn } = revocationScheduleSettings();
  try {
    await schedulerClient().send(
      new CreateScheduleCommand({
        Name: request.name,
        GroupName: group,
        Description: request.description,
        ScheduleExpression: request.expression,
        ScheduleExpressionTimezone: 'UTC',
        // OFF: invoked at the time asked, not within a window after it.
        FlexibleTimeWindow: { Mode: 'OFF' },
        // DELETE: a one-time schedule removes itself once it has invoked its target.
        ActionAfterCompletion: 'DELETE',
        State: 'ENABLED',
        Target: {
          Arn: targetArn,
          RoleArn: roleArn,
          Input: request.input,
          // Scheduler retries a failed invocation for up to a day (its defaults, said here so they are reviewed).
          RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
        },
      }),
    );
    return { created: true };
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
    const existing = await schedulerClient().send(new GetScheduleCommand({ Name: request.name, GroupName: group }));
    return { created: false, existingExpression: existing.ScheduleExpression ?? '' };
  }
}

/**
 * Deletes the schedule of a cancelled revocation if it still fires at `expression`
 * (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_GetSchedule.html, then
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_DeleteSchedule.html): one schedule name serves every
 * time a version is scheduled for, so a schedule made since for another time is left alone.
 * @returns 'absent' when there was none (ResourceNotFoundException, 404: an earlier cancel deleted it, or it fired
 * and deleted itself), 'other' when it fires at another time.
 */
export async function deleteRevocationSchedule(
  name: string,
  expression: string,
): Promise<'deleted' | 'absent' | 'other'> {
  const { group } = revocationScheduleSettings();
  try {
    const existing = await schedulerClient().send(new GetScheduleCommand({ Name: name, GroupName: group }));
    if (existing.ScheduleExpression !== expression) return 'other';
    await schedulerClient().send(new DeleteScheduleCommand({ Name: name, GroupName: group }));
    return 'deleted';
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return 'absent';
    throw error;
  }
}

/**
 * A revocation's schedule as Scheduler holds it now (GetSchedule,
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_GetSchedule.html): its expression and state, or
 * undefined when there is none (ResourceNotFoundException, 404: deleted, or fired and deleted itself). Reads the
 * group only (REVOCATION_SCHEDULE_GROUP), so a function that audits schedules need not create them.
 */
export async function readRevocationSchedule(name: string): Promise<{ expression: string; state: string } | undefined> {
  try {
    const out = await schedulerClient().send(
      new GetScheduleCommand({ Name: name, GroupName: env('REVOCATION_SCHEDULE_GROUP') }),
    );
    return { expression: out.ScheduleExpression ?? '', state: out.State ?? 'ENABLED' };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { withSchemaVersion } from '../../events/schema-version.js';
import { sfnClient } from '../clients/sfn.js';

/**
 * Starts a named execution. Names are unique per state machine for 90 days, so a re-delivered event that derives
 * the same name either gets the running execution back (Standard workflows, same name and input) or meets
 * ExecutionAlreadyExists (closed execution, or other input): both mean the promotion was already started.
 * @returns 'started', or 'already-started' for a duplicate.
 */
export async function startNamedExecution(
  stateMachineArn: string,
  name: string,
  input: unknown,
): Promise<'started' | 'already-started'> {
  try {
    // The input carries the version of its shape (events/schema-version.ts): a later release's is refused, not misread.
    await sfnClient().send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(withSchemaVersion(input)) }),
    );
    return 'started';
  } catch (err) {
    if (err instanceof ExecutionAlreadyExists || (err instanceof Error && err.name === 'ExecutionAlreadyExists')) {
      return 'already-started';
    }
    throw err;
  }
}

/** Completes a waiting task with `output` (the approval's decision). Throws on any failure: never swallowed. */
export async function sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
  await sfnClient().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(withSchemaVersion(output)) }));
}

/** Fails a waiting task with `error` and `cause` (an approval rejection). Throws on any failure. */
export async function sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
  // Step Functions caps error at 256 and cause at 32768 characters.
  await sfnClient().send(
    new SendTaskFailureCommand({ taskToken, error: error.slice(0, 256), cause: cause.slice(0, 32_768) }),
  );
}

/**
 * Whether a SendTaskSuccess/SendTaskFailure error says the task will never take an answer: the token is unknown or
 * answered, or its wait timed out
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html#API_SendTaskSuccess_Errors).
 */
export function isTaskGone(error: unknown): boolean {
  return error instanceof Error && TASK_GONE.has(error.name);
}

const TASK_GONE = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

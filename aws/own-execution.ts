import { DescribeExecutionCommand, ExecutionDoesNotExist } from '@aws-sdk/client-sfn';
import { canonical } from '../core/canonical-json.js';
import { sfnClient } from './clients/sfn.js';
import { startNamedExecution } from './stepfunctions.js';

/** An execution of that name exists with another input: someone else's, not a retry of ours. */
export class ExecutionSquattedError extends Error {
  constructor(name: string) {
    super(`an execution named ${name} already exists with another input: it is not this one's, refusing to take it`);
    this.name = 'ExecutionSquatted';
  }
}

/** The execution `name` of a state machine: arn:…:stateMachine:<machine> → arn:…:execution:<machine>:<name>. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * Starts a named execution, or finds that this very execution was started before: on ExecutionAlreadyExists (a
 * closed execution of that name, whatever its input, or an open one with another input:
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html) it reads the existing
 * execution (DescribeExecution) and takes it as its own only when its input is the same; otherwise it throws
 * ExecutionSquattedError, so a name taken by someone else's input fails loudly.
 */
export async function startOwnExecution(
  stateMachineArn: string,
  name: string,
  input: unknown,
): Promise<'started' | 'already-started'> {
  const started = await startNamedExecution(stateMachineArn, name, input);
  if (started === 'started') return started;
  const existing = await sfnClient().send(
    new DescribeExecutionCommand({ executionArn: executionArnOf(stateMachineArn, name) }),
  );
  if (!sameJson(existing.input, input)) throw new ExecutionSquattedError(name);
  return started;
}

function sameJson(text: string | undefined, value: unknown): boolean {
  try {
    return canonical(JSON.parse(text ?? 'null')) === canonical(value);
  } catch {
    return false;
  }
}

/**
 * The status of the execution `name` of a state machine (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED,
 * PENDING_REDRIVE: https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html), or
 * MISSING when Step Functions does not know it (ExecutionDoesNotExist: never started, or its history is gone).
 */
export async function executionStatus(stateMachineArn: string, name: string): Promise<string> {
  try {
    const out = await sfnClient().send(
      new DescribeExecutionCommand({ executionArn: executionArnOf(stateMachineArn, name) }),
    );
    return String(out.status ?? 'MISSING');
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return 'MISSING';
    throw error;
  }
}

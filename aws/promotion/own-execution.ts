import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { canonical } from '../../core/canonical-json.js';
import { sfnClient } from '../clients/sfn.js';

/** An execution of that name exists that is not this one's: another input, or started before its starter could. */
export class ExecutionSquattedError extends Error {
  constructor(
    name: string,
    why = 'already exists with another input',
    /** The existing execution's status, as Step Functions reports it (RUNNING for one StartExecution answered). */
    readonly status = 'UNKNOWN',
  ) {
    super(`an execution named ${name} ${why}: it is not this one's, refusing to take it`);
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
 *
 * The same input is not proof enough: StartExecution answers a name whose execution is still open with the same
 * input with success and that execution (Standard workflows: "Executions with the same name and input are considered
 * idempotent", same page), so whoever started it first, with the input Goldsmith would give, owns it. Neither
 * StartExecution's answer nor DescribeExecution names who started an execution
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html: executionArn, input,
 * startDate, status …, no caller). With `notBefore`, the time the caller's own ledger recorded deciding to start it
 * (before any start of it), an execution whose `startDate` is earlier is not this one's: ExecutionSquattedError.
 */
export async function startOwnExecution(
  stateMachineArn: string,
  name: string,
  input: unknown,
  options: { notBefore?: string } = {},
): Promise<'started' | 'already-started'> {
  const notBefore = options.notBefore === undefined ? undefined : Date.parse(options.notBefore);
  const startedEarlier = (startDate: Date | undefined, status: string) => {
    if (notBefore === undefined || startDate === undefined || startDate.getTime() >= notBefore) return;
    const why = `was started at ${startDate.toISOString()}, before ${options.notBefore} when its starter recorded deciding to start it`;
    throw new ExecutionSquattedError(name, why, status);
  };
  try {
    const out = await sfnClient().send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
    startedEarlier(out.startDate, 'RUNNING');
    return 'started';
  } catch (error) {
    if (
      !(error instanceof ExecutionAlreadyExists || (error instanceof Error && error.name === 'ExecutionAlreadyExists'))
    )
      throw error;
  }
  const existing = await sfnClient().send(
    new DescribeExecutionCommand({ executionArn: executionArnOf(stateMachineArn, name) }),
  );
  const status = String(existing.status ?? 'UNKNOWN');
  if (!sameJson(existing.input, input)) throw new ExecutionSquattedError(name, undefined, status);
  startedEarlier(existing.startDate, status);
  return 'already-started';
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

import { paginateDescribeStackEvents, type StackEvent } from '@aws-sdk/client-cloudformation';
import { GetFunctionCommand, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand, ParameterNotFound, paginateGetParametersByPath } from '@aws-sdk/client-ssm';
import { type ExpectedFunction, expectedFunctionFrom, type HeldFunction } from '../../core/audit/functions.js';
import { cloudFormationClient } from '../clients/cloudformation.js';
import { lambdaClient } from '../clients/lambda.js';
import { ssmClient } from '../clients/ssm.js';

/**
 * Every function's expected properties the stacks wrote under `path` (GetParametersByPath, paginated, recursive), each
 * with when the deployment last wrote it (`LastModifiedDate`,
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Parameter.html). Asked for the path without its
 * trailing slash, which the role names exactly
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-retrieval-authorization.html).
 */
export async function readExpectedFunctions(path: string): Promise<ExpectedFunction[]> {
  const out: ExpectedFunction[] = [];
  for await (const page of paginateGetParametersByPath(
    { client: ssmClient() },
    { Path: path.replace(/\/$/, ''), Recursive: true },
  )) {
    for (const p of page.Parameters ?? []) {
      out.push(expectedFunctionFrom(p.Name ?? '', p.Value ?? '', p.LastModifiedDate ?? new Date(0)));
    }
  }
  return out;
}

/**
 * One function's expected properties, its parameter read on its own (GetParameter, with `LastModifiedDate`: "Date the
 * parameter was last changed or updated and the parameter version was created",
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Parameter.html); undefined when the parameter
 * is gone (ParameterNotFound, https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html).
 */
export async function readExpectedFunction(parameter: string): Promise<ExpectedFunction | undefined> {
  try {
    const out = await ssmClient().send(new GetParameterCommand({ Name: parameter }));
    const p = out.Parameter;
    return expectedFunctionFrom(p?.Name ?? parameter, p?.Value ?? '', p?.LastModifiedDate ?? new Date(0));
  } catch (error) {
    if (error instanceof ParameterNotFound) return undefined;
    throw error;
  }
}

/**
 * A function as Lambda holds it: GetFunction's `Configuration` (role, handler, runtime, environment, layers, timeout,
 * memory, `CodeSha256`, `LastModified`, the environment's customer managed key `KMSKeyArn`, and `Environment.Error`
 * in place of the variables when the caller may not decrypt them, EnvironmentResponse
 * https://docs.aws.amazon.com/lambda/latest/api/API_EnvironmentResponse.html) and `Concurrency` (its reserved concurrency, absent when none is set),
 * https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html.
 */
export async function readFunction(name: string): Promise<HeldFunction> {
  const out = await lambdaClient().send(new GetFunctionCommand({ FunctionName: name }));
  const c = out.Configuration ?? {};
  return {
    role: c.Role,
    handler: c.Handler,
    runtime: c.Runtime,
    environment: c.Environment?.Variables ?? {},
    kmsKeyArn: c.KMSKeyArn || undefined,
    environmentError: c.Environment?.Error
      ? { code: c.Environment.Error.ErrorCode, message: c.Environment.Error.Message }
      : undefined,
    layers: (c.Layers ?? []).map((l) => l.Arn ?? ''),
    timeout: c.Timeout,
    memorySize: c.MemorySize,
    codeSha256: c.CodeSha256,
    lastModified: c.LastModified,
    reserved: out.Concurrency?.ReservedConcurrentExecutions,
  };
}

/**
 * Stops a function: a reserved concurrency of 0 (PutFunctionConcurrency), which applies "to the function as a whole,
 * including all published versions and the unpublished version"
 * (https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html): Lambda throttles every invocation,
 * so the changed code cannot run, until a person lifts it (DeleteFunctionConcurrency).
 */
export async function stopFunction(name: string): Promise<void> {
  await lambdaClient().send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 0 }));
}

/**
 * When the stack's last operation was a rollback that completed: the time of its newest stack-level event if that is
 * `UPDATE_ROLLBACK_COMPLETE`, otherwise undefined. DescribeStackEvents "Returns all stack related events for a
 * specified stack in reverse chronological order"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html): the first
 * stack-level event read is the newest. A stack that does not exist (a ValidationError) has no rollback.
 */
export async function rollbackEndedAt(stackName: string): Promise<Date | undefined> {
  const latest = await latestStackEvent(stackName);
  return latest?.ResourceStatus === 'UPDATE_ROLLBACK_COMPLETE' ? latest.Timestamp : undefined;
}

/**
 * The stack's status while an operation on it is under way (its newest stack-level event ends `_IN_PROGRESS`: a
 * deploy, a rollback, a delete), otherwise undefined. While a deploy updates a role, the role and its record differ
 * for a moment: CloudFormation writes the record after the policy (stacks/expected-roles.ts).
 */
export async function stackChanging(stackName: string): Promise<string | undefined> {
  const status = (await latestStackEvent(stackName))?.ResourceStatus;
  return status?.endsWith('_IN_PROGRESS') ? status : undefined;
}

async function latestStackEvent(stackName: string): Promise<StackEvent | undefined> {
  // Pages are cut by size, not count: a large deploy's own events may push its stack-level event past the first one,
  // so read on until a stack-level event turns up (the newest, events coming newest first).
  try {
    for await (const page of paginateDescribeStackEvents(
      { client: cloudFormationClient() },
      { StackName: stackName },
    )) {
      const found = (page.StackEvents ?? []).find(
        (e) => e.ResourceType === 'AWS::CloudFormation::Stack' && e.LogicalResourceId === stackName,
      );
      if (found) return found;
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError') return undefined;
    throw error;
  }
  return undefined;
}

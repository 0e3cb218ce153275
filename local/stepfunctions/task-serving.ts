import type { LocalStepFunctionsOptions } from './engine-options.js';
import { readPath } from './jsonpath.js';
import { type Json, LOCAL_WAIT_RESOURCE, type LocalizedMachine } from './localize.js';
import { TaskError, type TaskTokens, withToken } from './tokens.js';

/** Serves one attempt of a task state: a localized Wait on the virtual clock, a token task, or a Lambda invoke. */
export async function serveTask(
  options: LocalStepFunctionsOptions,
  tokens: TaskTokens,
  machine: LocalizedMachine,
  stateName: string,
  resource: string,
  input: Json,
): Promise<Json> {
  if (resource === LOCAL_WAIT_RESOURCE) {
    await options.clock.sleepUntil(waitUntil(options, machine, stateName, input));
    return input;
  }
  const token = machine.tokenTasks[stateName];
  if (token) return serveTokenTask(options, tokens, stateName, token, input);
  return invokeTask(options, resource, input);
}

function waitUntil(
  options: LocalStepFunctionsOptions,
  machine: LocalizedMachine,
  stateName: string,
  input: Json,
): Date {
  const wait = machine.waits[stateName] ?? {};
  const now = options.clock.now().getTime();
  if (wait.seconds !== undefined) return new Date(now + wait.seconds * 1000);
  if (wait.secondsPath !== undefined) {
    const seconds = readPath(input, wait.secondsPath);
    if (typeof seconds !== 'number' || seconds < 0) {
      throw new TaskError('States.Runtime', `${stateName}: ${wait.secondsPath} is not a non-negative number`);
    }
    return new Date(now + seconds * 1000);
  }
  const stamp = wait.timestamp ?? (wait.timestampPath ? readPath(input, wait.timestampPath) : undefined);
  if (typeof stamp !== 'string' || Number.isNaN(Date.parse(stamp))) {
    throw new TaskError('States.Runtime', `${stateName}: no valid Seconds or Timestamp`);
  }
  return new Date(stamp);
}

/** lambda:invoke integrations wrap the function's result in `Payload`; a bare function ARN returns it as is. */
async function invokeTask(options: LocalStepFunctionsOptions, resource: string, input: Json): Promise<Json> {
  const integrated = resource.startsWith('arn:aws:states:::lambda:invoke');
  const parameters = input as { FunctionName?: string; Payload?: unknown };
  const functionArn = integrated ? (parameters.FunctionName ?? '') : resource;
  const payload = integrated ? parameters.Payload : input;
  const output = await options.invoke(functionArn, payload);
  return (integrated ? { Payload: output, StatusCode: 200, ExecutedVersion: '$LATEST' } : output) as Json;
}

async function serveTokenTask(
  options: LocalStepFunctionsOptions,
  tokens: TaskTokens,
  stateName: string,
  task: LocalizedMachine['tokenTasks'][string],
  input: Json,
): Promise<Json> {
  const { token: taskToken, answer } = tokens.issue();
  const timeoutSeconds =
    task.timeoutSeconds ?? (task.timeoutSecondsPath ? Number(readPath(input, task.timeoutSecondsPath)) : undefined);
  const resource = task.resource.replace(/\.waitForTaskToken$/, '');
  await invokeTask(options, resource, withToken(input, taskToken) as Json);
  const clock = options.clock;
  const waitForAnswer = () => (clock.park ? clock.park(answer) : answer);
  if (timeoutSeconds === undefined || Number.isNaN(timeoutSeconds)) return (await waitForAnswer()) as Json;
  const deadline = new Date(options.clock.now().getTime() + timeoutSeconds * 1000);
  const expire = (): void => tokens.expire(taskToken, `${stateName} timed out after ${timeoutSeconds} s`);
  // A scheduled item, not a sleep: a sleep would keep this execution parked after the answer arrives.
  if (clock.schedule) clock.schedule(deadline, `timeout ${stateName}`, expire);
  else void clock.sleepUntil(deadline).then(expire);
  return (await waitForAnswer()) as Json;
}

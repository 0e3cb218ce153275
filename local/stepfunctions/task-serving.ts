import type { LocalStepFunctionsOptions } from './engine-options.js';
import type { LocalExecution } from './execution.js';
import type { CallPhase, LiveCall } from './journal.js';
import { readPath } from './jsonpath.js';
import { type Json, LOCAL_WAIT_RESOURCE, type LocalizedMachine } from './localize.js';
import { TaskError, type TaskTokens, withToken } from './tokens.js';

/** What serving one task attempt needs: the engine's options and tokens, and the call it serves. */
export interface TaskAttempt {
  options: LocalStepFunctionsOptions;
  tokens: TaskTokens;
  execution: LocalExecution;
  call: LiveCall;
}

/**
 * Serves one attempt of a task state: a localized Wait on the virtual clock, a token task, or a Lambda invoke.
 * `resume`, the phase a saved call waited in, goes on from there instead: the Wait sleeps until its saved instant,
 * the token task waits on its saved token with its timeout at the saved deadline (the Lambda was invoked before).
 */
export async function serveTask(
  at: TaskAttempt,
  machine: LocalizedMachine,
  resource: string,
  input: Json,
  resume?: CallPhase,
): Promise<Json> {
  const { options, call } = at;
  if (resume?.kind === 'token') return awaitAnswer(at, resume, at.tokens.reopen(resume.token));
  if (resource === LOCAL_WAIT_RESOURCE) {
    const until = resume?.kind === 'wait' ? new Date(resume.at) : waitUntil(options, machine, call.state, input);
    call.phase = { kind: 'wait', at: until.toISOString() };
    await options.clock.sleepUntil(until, `states wait ${at.execution.name} ${call.state}`);
    call.phase = undefined;
    return input;
  }
  const token = machine.tokenTasks[call.state];
  if (token) return serveTokenTask(at, token, input);
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
  at: TaskAttempt,
  task: LocalizedMachine['tokenTasks'][string],
  input: Json,
): Promise<Json> {
  const { options, call } = at;
  const { token, answer } = at.tokens.issue(at.execution.executionArn);
  const timeoutSeconds =
    task.timeoutSeconds ?? (task.timeoutSecondsPath ? Number(readPath(input, task.timeoutSecondsPath)) : undefined);
  const resource = task.resource.replace(/\.waitForTaskToken$/, '');
  await invokeTask(options, resource, withToken(input, token) as Json);
  const timed = timeoutSeconds !== undefined && !Number.isNaN(timeoutSeconds);
  const phase: CallPhase = timed
    ? {
        kind: 'token',
        token,
        deadline: new Date(options.clock.now().getTime() + timeoutSeconds * 1000).toISOString(),
        message: `${call.state} timed out after ${timeoutSeconds} s`,
      }
    : { kind: 'token', token };
  return awaitAnswer(at, phase, answer);
}

/** Waits for a token's answer, timing it out at the phase's deadline (an item taken back once the answer came). */
async function awaitAnswer(at: TaskAttempt, phase: CallPhase & { kind: 'token' }, answer: Promise<unknown>) {
  const { options, tokens, call } = at;
  const clock = options.clock;
  call.phase = phase;
  const { token, deadline, message = '' } = phase;
  if (deadline !== undefined) {
    const expire = (): void => tokens.expire(token, message);
    const label = `states token timeout ${at.execution.name} ${call.state}`;
    // A scheduled item, not a sleep: a sleep would keep this execution parked after the answer arrives.
    if (clock.schedule) {
      const item = clock.schedule(new Date(deadline), label, expire);
      answer.then(
        () => item.cancel(),
        () => item.cancel(),
      );
    } else void clock.sleepUntil(new Date(deadline), label).then(expire);
  }
  try {
    return (await (clock.park ? clock.park(answer) : answer)) as Json;
  } finally {
    call.phase = undefined;
  }
}

import type { StackTemplate } from '../../core/limits/index.js';
import { referenced } from './pinned.js';

/**
 * What each state machine's definition invokes, and whether the next release still lets a running execution do it.
 *
 * A running execution keeps the definition it started with, but a deploy rewrites the state machine role's policy
 * from the new definition: an old execution reaching a Task whose function the new release no longer deploys, or no
 * longer grants that role, fails (Lambda.ResourceNotFoundException, or AccessDenied on lambda:InvokeFunction).
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateStateMachine.html (executions keep the
 * definition and role they started with); https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html
 * (the execution role must allow lambda:InvokeFunction on each function a Task invokes).
 */

type Resources = Record<string, { Type?: string; Properties?: Record<string, unknown> }>;

/** `stack logicalId` of a state machine → `stack logicalId` of every function its definition names, sorted. */
export type Invocations = Record<string, string[]>;

/** Every reference (Ref, GetAtt, ImportValue) inside `value`, resolved to `stack logicalId`. */
function references(value: unknown, stacks: readonly StackTemplate[], stack: string, into: Set<string>): Set<string> {
  const direct = referenced(value, stacks, stack);
  if (direct !== undefined) into.add(direct);
  else if (typeof value === 'object' && value !== null)
    for (const v of Object.values(value)) references(v, stacks, stack, into);
  return into;
}

function resourceAt(stacks: readonly StackTemplate[], at: string) {
  const [stack, id] = at.split(' ');
  const template = stacks.find((s) => s.stack === stack)?.template;
  return ((template?.Resources ?? {}) as Resources)[id ?? ''];
}

const isFunction = (stacks: readonly StackTemplate[], at: string) =>
  resourceAt(stacks, at)?.Type === 'AWS::Lambda::Function';

/** The functions each state machine's definition invokes. */
export function stateMachineInvocations(stacks: readonly StackTemplate[]): Invocations {
  const out: Invocations = {};
  for (const { stack, template } of stacks) {
    for (const [id, resource] of Object.entries((template.Resources ?? {}) as Resources)) {
      if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
      const props = resource.Properties ?? {};
      const definition = props.DefinitionString ?? props.Definition;
      out[`${stack} ${id}`] = [...references(definition, stacks, stack, new Set())]
        .filter((at) => isFunction(stacks, at))
        .sort();
    }
  }
  return out;
}

/** The functions a state machine's role may invoke: every Allow of lambda:InvokeFunction in the role's policies. */
function invokable(stacks: readonly StackTemplate[], machine: string): Set<string> {
  const [stack] = machine.split(' ');
  const role = references(resourceAt(stacks, machine)?.Properties?.RoleArn, stacks, stack ?? '', new Set());
  const allowed = new Set<string>();
  for (const { stack: s, template } of stacks) {
    for (const resource of Object.values((template.Resources ?? {}) as Resources)) {
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      const roles = references(resource.Properties?.Roles, stacks, s, new Set());
      if (![...roles].some((r) => role.has(r))) continue;
      const document = resource.Properties?.PolicyDocument as { Statement?: Record<string, unknown>[] } | undefined;
      for (const statement of document?.Statement ?? []) {
        const actions = [statement.Action].flat().map((a) => String(a).toLowerCase());
        if (
          statement.Effect !== 'Allow' ||
          !actions.some((a) => ['lambda:invokefunction', 'lambda:*', '*'].includes(a))
        )
          continue;
        for (const at of references(statement.Resource, stacks, s, new Set())) allowed.add(at);
      }
    }
  }
  return allowed;
}

/**
 * The functions `previous` release's state machines invoke that `next` no longer deploys or no longer grants to that
 * state machine's role: one line each (empty when a running execution of `previous` can finish under `next`).
 */
export function brokenInvocations(previous: Invocations, next: readonly StackTemplate[]): string[] {
  const broken: string[] = [];
  for (const [machine, functions] of Object.entries(previous)) {
    if (resourceAt(next, machine) === undefined) continue; // a removed state machine is the stateful check's finding
    const allowed = invokable(next, machine);
    for (const fn of functions) {
      if (!isFunction(next, fn))
        broken.push(`${machine} invokes ${fn}: the function is no longer deployed (a running execution fails there)`);
      else if (!allowed.has(fn))
        broken.push(`${machine} invokes ${fn}: its role no longer allows lambda:InvokeFunction on it (AccessDenied)`);
    }
  }
  return broken;
}

import type { StackTemplate } from '../../core/limits/index.js';

/**
 * Functions and roles that are stateless in themselves but whose ARN something outside the template holds: the
 * function behind a function URL (a replaced function gets a new URL), and the targets and roles that schedules
 * created at run time name (`Target.Arn`, `Target.RoleArn`: EventBridge Scheduler keeps the ARN it was given).
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_Target.html
 * And the role of each state machine: "Running executions will continue to use the previous definition and roleArn"
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateStateMachine.html), so an execution
 * waiting for weeks (approvals, soaks, rollouts between waves) calls its tasks as the role it started with.
 */

/** Environment variables whose value is an ARN a run-time schedule stores. */
const SCHEDULE_ARN_VARIABLES = /(_SCHEDULER_ROLE_ARN|^REVOCATION_TARGET_ARN)$/;
/** Environment variables that make their own function a run-time schedule's target (it schedules itself). */
const SELF_TARGET_VARIABLES = /^REDRIVE_SCHEDULER_ROLE_ARN$/;

type Resources = Record<string, Record<string, unknown>>;

/** The resource a value refers to (Ref, Fn::GetAtt, or Fn::ImportValue of another stack's export), if any. */
export function referenced(value: unknown, stacks: readonly StackTemplate[], stack: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return `${stack} ${v.Ref}`;
  if (Array.isArray(v['Fn::GetAtt'])) return `${stack} ${String(v['Fn::GetAtt'][0])}`;
  if (typeof v['Fn::GetAtt'] === 'string') return `${stack} ${v['Fn::GetAtt'].split('.')[0]}`;
  const imported = v['Fn::ImportValue'];
  if (imported === undefined) return undefined;
  for (const other of stacks) {
    const outputs = (other.template.Outputs ?? {}) as Record<string, { Value?: unknown; Export?: { Name?: unknown } }>;
    for (const output of Object.values(outputs)) {
      if (JSON.stringify(output.Export?.Name) === JSON.stringify(imported))
        return referenced(output.Value, stacks, other.stack);
    }
  }
  return undefined;
}

/**
 * Every resource a value may refer to: {@link referenced}, or each branch of an `Fn::If` (which one CloudFormation
 * takes depends on a condition, so each is pinned).
 */
export function referencedAny(value: unknown, stacks: readonly StackTemplate[], stack: string): string[] {
  const branches = (value as Record<string, unknown> | null)?.['Fn::If'];
  if (typeof value === 'object' && value !== null && Array.isArray(branches))
    return branches.slice(1).flatMap((branch) => referencedAny(branch, stacks, stack));
  const one = referenced(value, stacks, stack);
  return one === undefined ? [] : [one];
}

/** `stack logicalId` of every function and role whose ARN a function URL, a run-time schedule or an execution holds. */
export function pinnedResources(stacks: readonly StackTemplate[]): Set<string> {
  const pinned = new Set<string>();
  for (const { stack, template } of stacks) {
    for (const [id, resource] of Object.entries((template.Resources ?? {}) as Resources)) {
      const props = (resource.Properties ?? {}) as Record<string, unknown>;
      if (resource.Type === 'AWS::StepFunctions::StateMachine') {
        for (const role of referencedAny(props.RoleArn, stacks, stack)) pinned.add(role);
      }
      if (resource.Type === 'AWS::Lambda::Url') {
        for (const target of referencedAny(props.TargetFunctionArn, stacks, stack)) pinned.add(target);
      }
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const variables = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
        {}) as Record<string, unknown>;
      for (const [name, value] of Object.entries(variables)) {
        if (SELF_TARGET_VARIABLES.test(name)) pinned.add(`${stack} ${id}`);
        if (!SCHEDULE_ARN_VARIABLES.test(name)) continue;
        for (const target of referencedAny(value, stacks, stack)) pinned.add(target);
      }
    }
  }
  return pinned;
}

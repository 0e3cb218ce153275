import type { StatesDefinition } from '../stepfunctions/localize.js';
import type { SavedDeployment } from './deployment.js';

/** Every Lambda function a definition calls, by unqualified ARN (Task resources and `FunctionName`s, nested states
 * of Map and Parallel included). */
export function functionsCalled(definition: StatesDefinition): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const m = /^(arn:aws:lambda:[^:]+:\d{12}:function:[^:]+)/.exec(value);
      if (m?.[1]) found.add(m[1]);
    } else if (Array.isArray(value)) for (const v of value) visit(v);
    else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) visit(v);
  };
  visit(definition);
  return found;
}

/**
 * What a rollback (a deploy of `older` over a cloud `newer` runs) does to the work in flight, read off the two
 * deployments (docs/upgrading.md, "Rolling back"). The executions running keep `newer`'s definitions (`running`,
 * UpdateStateMachine), so their tasks call whatever function `older` deploys under the same name: one `older` does
 * not deploy, or deploys with another handler module, breaks them. A state machine `older` does not define is
 * deleted with its running executions. Running `older`'s code on what `newer` wrote cannot be rehearsed here.
 */
export function rollbackProblems(
  newer: SavedDeployment,
  older: SavedDeployment,
  running: readonly { stateMachineArn: string; definition: StatesDefinition }[],
): string[] {
  const problems: string[] = [];
  for (const arn of Object.keys(newer.stateMachines)) {
    if (!(arn in older.stateMachines)) problems.push(`${older.release} does not define state machine ${arn}`);
  }
  for (const { stateMachineArn, definition } of running) {
    for (const fn of functionsCalled(definition)) {
      const name = `${stateMachineArn.split(':').pop()} calls ${fn.split(':').pop()}`;
      if (older.functions[fn] === undefined) problems.push(`${name}, which ${older.release} does not deploy`);
      else if (older.functions[fn] !== newer.functions[fn])
        problems.push(
          `${name}, whose handler is ${older.functions[fn]} in ${older.release}, not ${newer.functions[fn]}`,
        );
    }
  }
  return problems;
}

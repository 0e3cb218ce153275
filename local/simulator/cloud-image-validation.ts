import type { VirtualClock } from '../clock.js';
import type { AwsEvent } from '../fakes/imagebuilder-model.js';
import type { InstalledFakes } from '../fakes/install.js';
import { principalArnOf } from '../trust/bus-authorizer.js';
import { currentCaller } from '../trust/caller.js';
import { evaluate, type PolicyDocument } from '../trust/policies.js';
import { LOCAL_ACCOUNT } from './cloud-types.js';
import type { Scenario } from './scenario.js';
import type { Wiring } from './wiring.js';

/**
 * The scenario's `faults.deny`: each entry adds an explicit Deny of its action to the role of every function whose
 * handler module it names, so a run can take a permission away from one function (e.g. Publish's
 * ec2:DescribeImages). An entry that names no function of the stacks is an error naming the field.
 */
export function applyDeniedActions(
  denied: Scenario['faults']['deny'],
  wiring: Wiring,
  roles: ReadonlyMap<string, string>,
  rolePolicies: Map<string, PolicyDocument[]>,
): void {
  denied.forEach((d, i) => {
    const matched = [...wiring.functions.values()].filter(
      (f) => f.handler === d.function || f.handler.startsWith(`${d.function}.`),
    );
    if (matched.length === 0) {
      throw new Error(`faults.deny[${i}].function: "${d.function}" is the handler module of no function of the stacks`);
    }
    for (const f of matched) {
      const role = roles.get(f.logicalId);
      const policies = role === undefined ? undefined : rolePolicies.get(role);
      if (!policies) throw new Error(`faults.deny[${i}].function: ${d.function} runs with no role of the stacks`);
      policies.push({
        Version: '2012-10-17',
        Statement: [{ Sid: 'ScenarioFaultDeny', Effect: 'Deny', Action: d.action, Resource: '*' }],
      });
    }
  });
}

/**
 * Makes the SSM fake validate `aws:ec2:image` values as Parameter Store does: asynchronously on the virtual clock,
 * with the calling function's own ec2:DescribeImages (its role's synthesized policies, and the scenario's denials),
 * reporting the outcome as a "Parameter Store Change" event on the default bus. A principal that is none of the
 * stacks' roles (a test's own call, as the account) is allowed: IAM lets the account's root do anything.
 */
export function startImageValidation(options: {
  installed: InstalledFakes;
  rolePolicies: ReadonlyMap<string, readonly PolicyDocument[]>;
  clock: VirtualClock;
  put: (event: AwsEvent) => unknown;
}): void {
  const { installed, rolePolicies, clock, put } = options;
  installed.fakes.ssm.validateImagesWith({
    caller: currentCaller,
    allows: async (principal, action) => {
      const arn = principalArnOf(principal);
      const policies = rolePolicies.get(arn);
      if (!policies) return true;
      // ec2:DescribeImages takes no resource (resource `*`): only the identity policies decide.
      const { decision } = await evaluate({
        principal: arn,
        action,
        resource: '*',
        resourceAccount: LOCAL_ACCOUNT,
        context: { 'aws:PrincipalArn': arn, 'aws:PrincipalAccount': arn.split(':')[4] ?? '' },
        identityPolicies: policies,
      });
      return decision === 'Allowed';
    },
    after: (ms, label, fn) => clock.after(ms, label, fn),
    put,
  });
}

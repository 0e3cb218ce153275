import { bytes, imagesIn } from './attribution.js';
import { policyMeasurements } from './policies.js';
import type { Measurement } from './report.js';
import { type DeployLengthResolver, type StackTemplate, shortStackName } from './resolve.js';

/**
 * What a catalog's synthesized stacks measure against CloudFormation, Lambda and Step Functions limits: resources,
 * outputs, parameters and size per stack, each function's environment, each state machine's definition. IAM and
 * EventBridge live in `policies.ts`. Sizes are taken after resolving intrinsics to deploy-length strings.
 */

type Json = unknown;

/** Images by how many resources of the stack carry them, most first. */
function imagesByShare(stack: StackTemplate, images: readonly string[]): string[] {
  const count = new Map<string, number>();
  for (const resource of Object.values(stack.template.Resources ?? {})) {
    for (const image of imagesIn(resource, images)) count.set(image, (count.get(image) ?? 0) + 1);
  }
  return [...count].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([image]) => image);
}

function stackMeasurements(stack: StackTemplate, images: readonly string[]): Measurement[] {
  const name = shortStackName(stack.stack);
  const contributors = imagesByShare(stack, images);
  const t = stack.template;
  return [
    {
      limit: 'cfnResources',
      subject: `stack ${name}`,
      value: Object.keys(t.Resources ?? {}).length,
      field: 'images',
      images: contributors,
    },
    {
      limit: 'cfnOutputs',
      subject: `stack ${name}`,
      value: Object.keys(t.Outputs ?? {}).length,
      field: 'images',
      images: contributors,
    },
    {
      limit: 'cfnParameters',
      subject: `stack ${name}`,
      value: Object.keys(t.Parameters ?? {}).length,
      field: 'catalog',
    },
    // CDK writes templates with one-space indentation; that file is what is uploaded.
    {
      limit: 'cfnTemplateBytes',
      subject: `stack ${name}`,
      value: bytes(JSON.stringify(t, undefined, 1)),
      field: 'images',
      images: contributors,
    },
  ];
}

interface StateMachineDefinition {
  States?: Record<string, { ItemProcessor?: StateMachineDefinition; Iterator?: StateMachineDefinition }>;
}

/** States in a definition, those inside Map item processors included. */
export function countStates(definition: StateMachineDefinition): number {
  return Object.values(definition.States ?? {}).reduce((n, state) => {
    const inner = state.ItemProcessor ?? state.Iterator;
    return n + 1 + (inner ? countStates(inner) : 0);
  }, 0);
}

function functionAndMachineMeasurements(
  stack: StackTemplate,
  resolver: DeployLengthResolver,
  images: readonly string[],
): Measurement[] {
  const out: Measurement[] = [];
  const name = shortStackName(stack.stack);
  for (const [id, r] of Object.entries(stack.template.Resources ?? {})) {
    if (r.Type === 'AWS::Lambda::Function') {
      const environment = r.Properties?.Environment as { Variables?: Json } | undefined;
      const variables = resolver.resolve(environment?.Variables ?? {}, stack) as Record<string, Json>;
      const size = Object.entries(variables).reduce((n, [k, v]) => n + bytes(k) + bytes(String(v)), 0);
      out.push({
        limit: 'lambdaEnvironmentBytes',
        subject: `function ${id} (${name})`,
        value: size,
        field: 'catalog',
        images: imagesIn(variables, images),
      });
    }
    if (r.Type === 'AWS::StepFunctions::StateMachine') {
      const raw = r.Properties?.DefinitionString ?? JSON.stringify(r.Properties?.Definition ?? {});
      const definition = String(resolver.resolve(raw, stack));
      let states = 0;
      try {
        states = countStates(JSON.parse(definition) as StateMachineDefinition);
      } catch {
        // A definition that is not JSON after resolution is measured by size alone.
      }
      out.push({
        limit: 'sfnDefinitionBytes',
        subject: `state machine ${id} (${name}, ${states} states)`,
        value: bytes(definition),
        field: 'channels',
      });
    }
  }
  return out;
}

/**
 * Every template-level measurement of a synthesized app: per stack, per function, per state machine, per role,
 * managed policy, rule, bus. `images` are the catalog's image names, for naming who contributes.
 */
export function measureTemplates(
  stacks: readonly StackTemplate[],
  resolver: DeployLengthResolver,
  images: readonly string[],
): Measurement[] {
  return [
    ...stacks.flatMap((s) => stackMeasurements(s, images)),
    ...stacks.flatMap((s) => functionAndMachineMeasurements(s, resolver, images)),
    ...policyMeasurements(stacks, resolver, images),
  ];
}

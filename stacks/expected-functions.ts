import { Aspects, Aws, CfnResource, type IAspect, Lazy, Names, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { IConstruct } from 'constructs';
import { App } from 'sst/constructs';
import { functionsPath } from '../core/audit/functions.js';

/**
 * Writes each function's properties as the deployment sets them (its `AWS::Lambda::Function` properties: role,
 * handler, runtime, environment, layers, timeout, memory, the code's S3 object), resolved by CloudFormation, to a
 * parameter `/goldsmith/_functions/<stage>/<id>`, for the functions' audit (functions/audit-functions.ts). Its value
 * names the function's ARN, so CloudFormation writes it after it created or updated the function; it holds every
 * property, so every deploy that changes the function rewrites it: a function updated later than its parameter was
 * changed by someone else (core/audit/functions.ts). Written when the template is (a `Lazy` value), with the
 * properties other aspects set (the log group). Intelligent-Tiering: an environment near Lambda's 4 KB makes the value
 * an Advanced parameter (8 KB), https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html.
 * Under `/goldsmith/`, so the SCP's `PointersOnlyByGoldsmith` keeps it to the deployment and Goldsmith's roles.
 */
/** A resource's properties and their rendering, which CfnResource keeps to itself and its subclasses. */
interface Rendering {
  cfnProperties: Record<string, unknown>;
  renderProperties(props: Record<string, unknown>): Record<string, unknown>;
}

/**
 * A function's environment as the template renders it (`Environment.Variables`), each value the token it is (so a
 * reference to another stack's resource becomes an import, as in the function's own properties). The CDK function
 * holds it in a field of its own (aws-cdk-lib 2.224.0, `Function.environment`) and renders the property from it
 * lazily, so the rendered property cannot be copied; test/stacks/audit-functions.test.ts holds the two alike.
 */
function environmentOf(node: CfnResource): { Environment?: unknown } {
  const fn = node.node.scope;
  if (!(node instanceof lambda.CfnFunction) || !(fn instanceof lambda.Function)) return {};
  const held = (fn as unknown as { environment?: Record<string, { value: string }> }).environment ?? {};
  return { Environment: { Variables: Object.fromEntries(Object.entries(held).map(([k, v]) => [k, v.value])) } };
}

class ExpectedFunctions implements IAspect {
  visit(node: IConstruct): void {
    // Every function: CDK's own (a custom resource provider's handler is a plain CfnResource) as well as ours.
    if (!(node instanceof CfnResource) || node.cfnResourceType !== 'AWS::Lambda::Function') return;
    const scope = node.node.scope;
    const id = `${node.node.id}Expected`;
    if (!scope || scope.node.tryFindChild(id)) return;
    const root = node.node.root;
    // A stack synthesized outside Goldsmith's app (a construct test) has no stage and no audit.
    if (!(root instanceof App)) return;
    const stack = Stack.of(node);
    const value = Lazy.string({
      produce: () => {
        // As the template renders them (`_toCloudFormation` does the same), tokens left for CloudFormation to resolve.
        const l1 = node as unknown as Rendering;
        const properties = { ...l1.renderProperties(l1.cfnProperties), ...environmentOf(node) };
        return stack.toJsonString({ name: node.ref, arn: node.getAtt('Arn'), stack: Aws.STACK_NAME, properties });
      },
    });
    new ssm.StringParameter(scope, id, {
      parameterName: expectedFunctionParameter(root.stage, node),
      description: 'Goldsmith: the function as the deployment made it, for the audit',
      stringValue: value,
      tier: ssm.ParameterTier.INTELLIGENT_TIERING,
    });
  }
}

/** The parameter that holds a function's expected properties (`node`: its `AWS::Lambda::Function`). */
export function expectedFunctionParameter(stage: string, node: IConstruct): string {
  return `${functionsPath(stage)}${Names.uniqueId(node)}`;
}

/** Applies {@link ExpectedFunctions} to every function `stack` holds, now or later. */
export function recordExpectedFunctions(stack: Stack): void {
  Aspects.of(stack).add(new ExpectedFunctions());
}

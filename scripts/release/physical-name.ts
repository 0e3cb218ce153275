import type { SpecDatabase } from '../readiness/cfn-schema.js';

/**
 * A resource's physical name as a template fixes it. A resource whose name the template fixes keeps that name across
 * stack operations; one without a name gets a generated one (stack name, logical id and a random suffix) at each
 * create, so a second create never meets the first.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html ("If you don't
 * specify a name, CloudFormation generates a unique physical ID"; "Resource names must be unique")
 */

interface SpecResource {
  name: string;
  primaryIdentifier?: string[];
  properties: Record<string, unknown>;
}

/**
 * The property that names a resource of `type`, from its CloudFormation registry schema: the primary identifier when
 * the template sets it (`AWS::Scheduler::ScheduleGroup` Name, `AWS::Logs::LogGroup` LogGroupName), else
 * `<Type>Name` (`AWS::SQS::Queue` QueueName, `AWS::StepFunctions::StateMachine` StateMachineName), else `Name`
 * (`AWS::SecretsManager::Secret`). None for a type the template cannot name (`AWS::KMS::Key`: its id is generated).
 */
export function nameProperty(db: SpecDatabase, type: string): string | undefined {
  const found = db.lookup('resource', 'cloudFormationType', 'equals', type);
  if (found.length !== 1) return undefined;
  const spec = found[0] as unknown as SpecResource;
  const candidates = [...(spec.primaryIdentifier ?? []).slice(0, 1), `${spec.name}Name`, 'Name'];
  return candidates.find((name) => name in spec.properties);
}

/** Pseudo parameters whose value a stack keeps for its life: a name built from them is as fixed as a literal. */
const FIXED_PSEUDO = new Set(['AWS::StackName', 'AWS::Region', 'AWS::AccountId', 'AWS::Partition', 'AWS::URLSuffix']);

/**
 * The name `value` fixes, rendered (`${AWS::StackName}` for a pseudo parameter, `${Stage}` for a template parameter),
 * or undefined when it is absent or depends on anything else (another resource's generated name, a condition): a
 * literal, `Ref` of a fixed pseudo parameter or of one of the template's `parameters`, and `Fn::Join` / `Fn::Sub` of
 * those. A template parameter keeps its value (given, or its Default) across a failed deploy and its retry: a name
 * built from it is as fixed as a literal.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
 */
export function fixedName(value: unknown, parameters: ReadonlySet<string> = new Set()): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  if (typeof v.Ref === 'string') return FIXED_PSEUDO.has(v.Ref) || parameters.has(v.Ref) ? `\${${v.Ref}}` : undefined;
  const join = v['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = (join[1] as unknown[]).map((part) => fixedName(part, parameters));
    return parts.every((p) => p !== undefined) ? parts.join(join[0]) : undefined;
  }
  const sub = v['Fn::Sub'];
  const [text, values] = Array.isArray(sub) ? [sub[0], (sub[1] ?? {}) as Record<string, unknown>] : [sub, {}];
  if (typeof text !== 'string') return undefined;
  let rendered = text;
  for (const name of [...text.matchAll(/\$\{([^!}][^}]*)\}/g)].map((m) => m[1] ?? '')) {
    // A variable of the second form's map is as fixed as its value (and hides a parameter of the same name).
    if (!Object.hasOwn(values, name) && (FIXED_PSEUDO.has(name) || parameters.has(name))) continue;
    const value = Object.hasOwn(values, name) ? fixedName(values[name], parameters) : undefined;
    if (value === undefined) return undefined;
    rendered = rendered.replaceAll(`\${${name}}`, value);
  }
  return rendered;
}

/** The fixed physical name of a resource of `type` with `properties`, if its template fixes one. */
export function resourceFixedName(
  db: SpecDatabase,
  type: string,
  properties: Record<string, unknown>,
  parameters: ReadonlySet<string> = new Set(),
): string | undefined {
  const property = nameProperty(db, type);
  return property === undefined ? undefined : fixedName(properties[property], parameters);
}

/** Whether `value` holds an `Fn::If` anywhere: which value CloudFormation uses depends on a condition. */
export function hasFnIf(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (!Array.isArray(value) && Object.hasOwn(value, 'Fn::If')) return true;
  return Object.values(value).some(hasFnIf);
}

/**
 * The member baseline's template as AWS reads it: the StackSet carries it as a `TemplateBody` string, which
 * CloudFormation parses on its own in every member account and Region. The factory's template checks never see
 * inside that string, so this module takes it out (one entry per StackSet, named `<stack>-<logicalId>`) for the
 * same schema, IAM and cdk-nag checks, and adds what only a StackSet's template must satisfy.
 */

/** `TemplateBody` of CreateStackSet / UpdateStackSet: 1 to 51,200 bytes
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html). */
export const TEMPLATE_BODY_MAX_BYTES = 51_200;

/** Pseudo parameters a template may `Ref` (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html). */
const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface MemberTemplate {
  /** `<factory stack>-<StackSet logical id>` (a CDK stack id, for cdk-nag: no slash). */
  name: string;
  /** The body exactly as the StackSet sends it. */
  body: string;
  template: {
    Parameters?: Record<string, { Default?: unknown }>;
    Resources?: Record<string, Resource>;
    Transform?: unknown;
    [section: string]: unknown;
  };
  /** The parameters the StackSet passes: key → value (an intrinsic of the factory's template). */
  passed: Map<string, unknown>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every StackSet's template body in `templates`, parsed; a body that is not a JSON string is a problem. */
export function memberTemplatesOf(templates: ReadonlyMap<string, { Resources?: object }>): {
  found: MemberTemplate[];
  problems: string[];
} {
  const found: MemberTemplate[] = [];
  const problems: string[] = [];
  for (const [stack, t] of templates) {
    for (const [id, raw] of Object.entries(t.Resources ?? {})) {
      const r = raw as Resource;
      if (r.Type !== 'AWS::CloudFormation::StackSet') continue;
      const name = `${stack}-${id}`;
      const body = r.Properties?.TemplateBody;
      if (typeof body !== 'string') {
        problems.push(`${name}: TemplateBody is not a literal string (CloudFormation would not see one template)`);
        continue;
      }
      let template: MemberTemplate['template'];
      try {
        template = JSON.parse(body) as MemberTemplate['template'];
      } catch (e) {
        problems.push(`${name}: TemplateBody is not JSON: ${(e as Error).message}`);
        continue;
      }
      const passed = new Map<string, unknown>();
      for (const p of (r.Properties?.Parameters as { ParameterKey: string; ParameterValue: unknown }[]) ?? [])
        passed.set(p.ParameterKey, p.ParameterValue);
      found.push({ name, body, template, passed });
    }
  }
  return { found, problems };
}

/** Every name the template refers to with `Ref`, `Fn::GetAtt` or a `${Name}` of `Fn::Sub`. */
function referencedNames(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) referencedNames(v, out);
  else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') out.add(v);
      else if (k === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string') out.add(v[0]);
      else if (k === 'Fn::Sub') {
        const [text, vars] = Array.isArray(v) ? [v[0], v[1]] : [v, undefined];
        const local = new Set(isRecord(vars) ? Object.keys(vars) : []);
        for (const [, name] of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const base = name!.split('.')[0]!;
          if (!local.has(base)) out.add(base);
        }
        if (isRecord(vars)) referencedNames(vars, out);
      } else referencedNames(v, out);
    }
  }
  return out;
}

/** Whether `value` holds a macro anywhere (`Fn::Transform`). */
function hasTransform(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasTransform);
  if (isRecord(value)) return Object.entries(value).some(([k, v]) => k === 'Fn::Transform' || hasTransform(v));
  return false;
}

/**
 * What a StackSet's template must satisfy beyond any template's schema: its size as a request member, no macros
 * (a service-managed StackSet refuses templates that use them:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-macros-overview.html), every parameter
 * without a default passed and nothing passed that is not declared, and every reference resolvable inside it.
 */
export function memberTemplateProblems(member: MemberTemplate): string[] {
  const problems: string[] = [];
  const { name, template } = member;
  const bytes = Buffer.byteLength(member.body);
  if (bytes > TEMPLATE_BODY_MAX_BYTES)
    problems.push(`${name}: TemplateBody is ${bytes} bytes; CloudFormation takes at most ${TEMPLATE_BODY_MAX_BYTES}`);
  if (template.Transform !== undefined || hasTransform(template))
    problems.push(`${name}: the template uses a transform; a service-managed StackSet cannot`);
  const declared = template.Parameters ?? {};
  for (const [key, p] of Object.entries(declared))
    if (p.Default === undefined && !member.passed.has(key))
      problems.push(`${name}: parameter ${key} has no default and the StackSet does not pass it`);
  for (const key of member.passed.keys())
    if (!(key in declared)) problems.push(`${name}: the StackSet passes ${key}, which the template does not declare`);
  const known = new Set([...Object.keys(declared), ...Object.keys(template.Resources ?? {}), ...PSEUDO_PARAMETERS]);
  for (const ref of referencedNames(template.Resources ?? {}, new Set()))
    if (!known.has(ref))
      problems.push(`${name}: refers to ${ref}, which is no parameter, resource or pseudo parameter`);
  for (const ref of referencedNames(template.Outputs ?? {}, new Set()))
    if (!known.has(ref)) problems.push(`${name}: an output refers to ${ref}, which the template does not declare`);
  return problems;
}

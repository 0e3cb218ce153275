/**
 * The gate's doors, checked on synthesized templates (the test synthesis and `sst build`'s output alike):
 *
 * - A function behind a function URL trusts the caller AWS writes into its request context, which only the URL
 *   writes. Every grant of lambda:InvokeFunction on it to a principal that is not an AWS service (the function's
 *   resource policy, and every identity policy in the templates) must carry `lambda:InvokedViaFunctionUrl` = true
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html), so it cannot be invoked
 *   directly with a forged context.
 * - Every statement that changes images or parameters is held to Goldsmith's own: EC2 image writes by the tag
 *   Goldsmith's distributions set (`aws:ResourceTag/goldsmith:managed-by`), parameter writes under `/goldsmith/`,
 *   Image Builder image deletes to `goldsmith-` images. Snapshot writes are reported apart: Image Builder sets no tag
 *   Goldsmith chooses on an AMI's snapshots, so they are scoped by ARN type only (a known gap, counted).
 */

type Json = Record<string, unknown>;
interface Template {
  Resources?: object;
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
  return re.test(action);
}

/** Every Allow statement of every identity policy in a template, with where it is. */
function identityStatements(template: Template): { where: string; statement: Json }[] {
  const found: { where: string; statement: Json }[] = [];
  for (const [id, raw] of Object.entries(template.Resources ?? {})) {
    const r = raw as { Type?: string; Properties?: Json };
    const docs: unknown[] = [];
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push(r.Properties?.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of asList(r.Properties?.Policies)) docs.push((p as Json).PolicyDocument);
    }
    for (const doc of docs) {
      for (const s of asList((doc as Json | undefined)?.Statement)) {
        const statement = s as Json;
        if (statement.Effect === 'Allow') found.push({ where: id, statement });
      }
    }
  }
  return found;
}

/** The logical id a `Fn::GetAtt [id, Arn]` or `Ref id` names, if the value is one. */
function referencedId(value: unknown): string | undefined {
  const v = value as { 'Fn::GetAtt'?: unknown[]; Ref?: string } | undefined;
  if (Array.isArray(v?.['Fn::GetAtt'])) return String(v['Fn::GetAtt'][0]);
  if (typeof v?.Ref === 'string') return v.Ref;
  return undefined;
}

function viaUrlOnly(statement: Json): boolean {
  const bool = (statement.Condition as Json | undefined)?.Bool as Json | undefined;
  return String(bool?.['lambda:InvokedViaFunctionUrl']) === 'true';
}

/** Problems of the function-URL door in one template. */
export function urlDoorProblems(stack: string, template: Template): string[] {
  const resources = Object.entries(template.Resources ?? {}) as [string, { Type?: string; Properties?: Json }][];
  const behindUrl = new Set(
    resources
      .filter(([, r]) => r.Type === 'AWS::Lambda::Url')
      .map(([, r]) => referencedId(r.Properties?.TargetFunctionArn))
      .filter((id): id is string => id !== undefined),
  );
  const problems: string[] = [];
  for (const [id, r] of resources) {
    if (r.Type !== 'AWS::Lambda::Permission') continue;
    const target = referencedId(r.Properties?.FunctionName);
    if (!target || !behindUrl.has(target)) continue;
    const action = String(r.Properties?.Action);
    if (!actionMatches(action, 'lambda:InvokeFunction')) continue;
    const principal = String(r.Properties?.Principal);
    if (/\.amazonaws\.com$/.test(principal)) continue;
    if (r.Properties?.InvokedViaFunctionUrl !== true && r.Properties?.InvokedViaFunctionUrl !== 'true') {
      problems.push(`${stack}/${id}: ${principal} may invoke ${target} directly (no InvokedViaFunctionUrl)`);
    }
  }
  for (const { where, statement } of identityStatements(template)) {
    // NotAction grants every action it does not name, lambda:InvokeFunction included unless it names it.
    const notAction = statement.NotAction === undefined ? undefined : asList(statement.NotAction);
    const invokes = notAction
      ? !notAction.some((a) => actionMatches(String(a), 'lambda:InvokeFunction'))
      : asList(statement.Action).some((a) => actionMatches(String(a), 'lambda:InvokeFunction'));
    if (!invokes) continue;
    const text = JSON.stringify(asList(statement.Resource));
    const hits = [...behindUrl].filter((fn) => text.includes(`"${fn}"`));
    // `*`, or a wildcard ARN that can name a function (`arn:aws:lambda:*:*:function:*`, `…:function:goldsmith-*`).
    const everything = asList(statement.Resource).some(
      (r) => typeof r === 'string' && r.includes('*') && (r === '*' || /^arn:[^:]*:lambda:/.test(r)),
    );
    if ((hits.length > 0 || (everything && behindUrl.size > 0)) && !viaUrlOnly(statement)) {
      problems.push(
        `${stack}/${where}: lambda:InvokeFunction on ${hits.join(', ') || '*'} without lambda:InvokedViaFunctionUrl`,
      );
    }
  }
  return problems;
}

const IMAGE_WRITES = [
  'ec2:ModifyImageAttribute',
  'ec2:ResetImageAttribute',
  'ec2:EnableImageDeprecation',
  'ec2:DisableImageDeprecation',
  'ec2:DeregisterImage',
  'ec2:CreateTags',
  'ec2:DeleteTags',
];
const SNAPSHOT_WRITES = ['ec2:ModifySnapshotAttribute', 'ec2:ResetSnapshotAttribute', 'ec2:DeleteSnapshot'];
const PARAMETER_WRITES = [
  'ssm:PutParameter',
  'ssm:DeleteParameter',
  'ssm:DeleteParameters',
  'ssm:LabelParameterVersion',
  'ssm:PutResourcePolicy',
  'ssm:DeleteResourcePolicy',
];
const BUILDER_IMAGE_WRITES = ['imagebuilder:DeleteImage'];

/** Scoped only by an exact StringEquals on Goldsmith's tag: StringNotEquals or an …IfExists operator would open it. */
function tagScoped(statement: Json): boolean {
  const equals = (statement.Condition as Json | undefined)?.StringEquals as Json | undefined;
  return ['aws', 'ec2'].some((ns) => {
    const value = equals?.[`${ns}:ResourceTag/goldsmith:managed-by`];
    return value === 'goldsmith' || (Array.isArray(value) && value.length === 1 && value[0] === 'goldsmith');
  });
}

export interface ScopeReport {
  problems: string[];
  /** Snapshot write statements scoped by ARN type only (see the module comment). */
  snapshotStatements: string[];
  /** Mutating statements checked. */
  checked: number;
}

/** Problems of the write scope in one template. */
export function writeScopeProblems(stack: string, template: Template): ScopeReport {
  const report: ScopeReport = { problems: [], snapshotStatements: [], checked: 0 };
  for (const { where, statement } of identityStatements(template)) {
    const actions = asList(statement.Action).map(String);
    const resources = JSON.stringify(asList(statement.Resource));
    const does = (list: string[]) => actions.filter((a) => list.some((w) => actionMatches(a, w)));
    const image = does(IMAGE_WRITES).filter((a) => !/CreateTags|DeleteTags/.test(a) || /image|"\*"/.test(resources));
    if (image.length > 0) {
      report.checked++;
      if (!tagScoped(statement))
        report.problems.push(`${stack}/${where}: ${image.join(', ')} on any image of the account`);
    }
    if (does(SNAPSHOT_WRITES).length > 0) {
      report.checked++;
      if (!tagScoped(statement)) report.snapshotStatements.push(`${stack}/${where}`);
      if (resources.includes('"*"')) report.problems.push(`${stack}/${where}: snapshot writes on Resource "*"`);
    }
    const parameters = does(PARAMETER_WRITES);
    if (parameters.length > 0) {
      report.checked++;
      const scoped = asList(statement.Resource).every((r) => JSON.stringify(r).includes(':parameter/goldsmith/'));
      if (!scoped) report.problems.push(`${stack}/${where}: ${parameters.join(', ')} outside /goldsmith/`);
    }
    const builder = does(BUILDER_IMAGE_WRITES);
    if (builder.length > 0) {
      report.checked++;
      const scoped = asList(statement.Resource).every((r) => JSON.stringify(r).includes(':image/goldsmith-'));
      if (!scoped) report.problems.push(`${stack}/${where}: ${builder.join(', ')} outside goldsmith- images`);
    }
  }
  return report;
}

/** Both checks over every template of an app. */
export function gateDoorReport(templates: ReadonlyMap<string, Template>): {
  urlProblems: string[];
  scope: ScopeReport;
} {
  const urlProblems: string[] = [];
  const scope: ScopeReport = { problems: [], snapshotStatements: [], checked: 0 };
  for (const [stack, template] of templates) {
    urlProblems.push(...urlDoorProblems(stack, template));
    const r = writeScopeProblems(stack, template);
    scope.problems.push(...r.problems);
    scope.snapshotStatements.push(...r.snapshotStatements);
    scope.checked += r.checked;
  }
  return { urlProblems, scope };
}

/** The two readiness lines (`npm run verify`, `npm run build`) of a report: a figure and the problems that fail it. */
export function gateDoorLines(
  label: string,
  report: ReturnType<typeof gateDoorReport>,
): { name: string; figure: string; problems: string[] }[] {
  return [
    {
      name: `${label}: functions behind a URL invocable only through it (lambda:InvokedViaFunctionUrl)`,
      figure: `${report.urlProblems.length} grants without the condition`,
      problems: report.urlProblems,
    },
    {
      name: `${label}: writes on images, snapshots and parameters held to Goldsmith's own`,
      figure:
        `${report.scope.checked} statements, ${report.scope.problems.length} unscoped; ` +
        `${report.scope.snapshotStatements.length} snapshot statements scoped by ARN type only (no tag Goldsmith sets on snapshots)`,
      problems: report.scope.problems,
    },
  ];
}

/**
 * Extracts a state machine's ASL from a synthesized CloudFormation template, for tests and the local simulator.
 * Pure: takes the template as JSON. The definition is a `Fn::Join` of strings and intrinsics; references are
 * resolved to stable placeholder ARNs (a function's placeholder ARN names its logical id) before parsing.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A CloudFormation template as JSON (`Template.toJSON()` or the `.template.json` file). */
export interface TemplateJson {
  Resources?: Record<string, { Type: string; Properties?: Record<string, Json> }>;
}

/** Placeholder values for pseudo parameters and resources, so the ASL parses and Resources stay recognisable. */
export interface PlaceholderOptions {
  region?: string;
  accountId?: string;
  partition?: string;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The placeholder ARN a Lambda function's logical id resolves to: `arn:aws:lambda:<region>:<account>:function:<id>`. */
export function placeholderFunctionArn(logicalId: string, options: PlaceholderOptions = {}): string {
  const { region = 'us-east-1', accountId = '123456789012', partition = 'aws' } = options;
  return `arn:${partition}:lambda:${region}:${accountId}:function:${logicalId}`;
}

function resolve(value: Json, template: TemplateJson, options: PlaceholderOptions): string {
  if (typeof value === 'string') return value;
  if (!isObject(value)) throw new Error(`aslFromTemplate: cannot resolve ${JSON.stringify(value)}`);
  const { region = 'us-east-1', accountId = '123456789012', partition = 'aws' } = options;
  const ref = value.Ref;
  if (typeof ref === 'string') {
    const pseudo: Record<string, string> = {
      'AWS::Region': region,
      'AWS::AccountId': accountId,
      'AWS::Partition': partition,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    return pseudo[ref] ?? ref;
  }
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
    const type = template.Resources?.[getAtt[0]]?.Type;
    if (type === 'AWS::Lambda::Function') return placeholderFunctionArn(getAtt[0], options);
    return `arn:${partition}:placeholder:${region}:${accountId}:${getAtt[0]}/${String(getAtt[1])}`;
  }
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const separator = join[0];
    return join[1].map((part) => resolve(part, template, options)).join(separator);
  }
  throw new Error(`aslFromTemplate: unsupported intrinsic ${Object.keys(value).join(', ')}`);
}

/** Logical ids of the template's state machines whose id starts with `logicalIdPrefix`. */
export function stateMachineIds(template: TemplateJson, logicalIdPrefix = ''): string[] {
  return Object.entries(template.Resources ?? {})
    .filter(([id, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && id.startsWith(logicalIdPrefix))
    .map(([id]) => id);
}

/**
 * The ASL of the one state machine whose logical id starts with `logicalIdPrefix`, parsed.
 * @throws Error when none or several match, or the definition uses an intrinsic this cannot resolve.
 */
export function aslFromTemplate(
  template: TemplateJson,
  logicalIdPrefix: string,
  options: PlaceholderOptions = {},
): { StartAt: string; States: Record<string, { Type: string; [key: string]: unknown }>; [key: string]: unknown } {
  const ids = stateMachineIds(template, logicalIdPrefix);
  if (ids.length !== 1) {
    throw new Error(
      `aslFromTemplate: expected one state machine with id prefix "${logicalIdPrefix}", found ${ids.length}`,
    );
  }
  const props = template.Resources?.[ids[0] as string]?.Properties ?? {};
  const definition = props.DefinitionString;
  if (definition === undefined) throw new Error(`aslFromTemplate: ${ids[0]} has no DefinitionString`);
  return JSON.parse(resolve(definition, template, options));
}

/**
 * Resolves CloudFormation intrinsics to strings as long as a deploy would make them, so sizes measured on a
 * synthesized template (policies, environments, patterns, definitions) are the sizes AWS will see. Names that
 * CloudFormation generates are `<stack>-<logical id>-<13 characters>`, cut to 64, as it does for roles and
 * functions; ARNs are built from them. Pure: it reads template JSON only.
 */

export interface TemplateJson {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
  Parameters?: Record<string, unknown>;
}

/** One synthesized stack: its name as deployed (`prod-goldsmith-Factory`) and its template. */
export interface StackTemplate {
  stack: string;
  template: TemplateJson;
}

export interface DeploySite {
  region: string;
  account: string;
}

const NAME_PROPERTY: Record<string, string> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::Events::EventBus': 'Name',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::ImageBuilder::ImagePipeline': 'Name',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::ECR::Repository': 'RepositoryName',
};

/** Ref returns an ARN for these types (a URL for queues); a name or id for the rest. */
const REF_IS_ARN = /^AWS::(SNS::Topic|StepFunctions::StateMachine|ImageBuilder::|IAM::ManagedPolicy|SecretsManager::)/;

type Json = unknown;

export class DeployLengthResolver {
  private readonly exports = new Map<string, { stack: StackTemplate; value: Json }>();

  constructor(
    stacks: readonly StackTemplate[],
    private readonly site: DeploySite,
  ) {
    for (const s of stacks) {
      for (const output of Object.values(s.template.Outputs ?? {})) {
        if (output.Export)
          this.exports.set(String(this.resolve(output.Export.Name, s)), { stack: s, value: output.Value });
      }
    }
  }

  /** `value` with every intrinsic resolved as a deploy of `stack` would resolve it. */
  resolve(value: Json, stack: StackTemplate): Json {
    if (Array.isArray(value)) return value.filter((v) => !isNoValue(v)).map((v) => this.resolve(v, stack));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, Json>).filter(([, v]) => !isNoValue(v));
    if (entries.length === 1) {
      const [[key, arg]] = entries as [[string, Json]];
      switch (key) {
        case 'Ref':
          return this.ref(String(arg), stack);
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
          return this.getAtt(String(id), String(attr), stack);
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, Json[]];
          return (this.resolve(parts, stack) as Json[]).map(String).join(sep);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [Json, Json];
          return (this.resolve(list, stack) as Json[])[Number(this.resolve(index, stack))];
        }
        case 'Fn::Split': {
          const [sep, source] = arg as [string, Json];
          return String(this.resolve(source, stack)).split(sep);
        }
        case 'Fn::Sub':
          return this.sub(arg, stack);
        case 'Fn::ImportValue': {
          const found = this.exports.get(String(this.resolve(arg, stack)));
          // An export of a stack outside this set: an ARN-sized stand-in.
          return found ? this.resolve(found.value, found.stack) : 'x'.repeat(96);
        }
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v, stack)]));
  }

  /** The logical id a `Ref`/`GetAtt`/import of `value` points at, with its stack (to key roles across stacks). */
  target(value: Json, stack: StackTemplate): { stack: string; logicalId: string } | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const record = value as Record<string, Json>;
    if (typeof record.Ref === 'string') return { stack: stack.stack, logicalId: record.Ref };
    if (Array.isArray(record['Fn::GetAtt'])) return { stack: stack.stack, logicalId: String(record['Fn::GetAtt'][0]) };
    // Stryker disable next-line ConditionalExpression: without an import, the export named "undefined" is looked up, which no stack has
    if ('Fn::ImportValue' in record) {
      const found = this.exports.get(String(this.resolve(record['Fn::ImportValue'], stack)));
      return found ? this.target(found.value, found.stack) : undefined;
    }
    return undefined;
  }

  private physicalName(logicalId: string, stack: StackTemplate): string {
    const r = stack.template.Resources?.[logicalId];
    const prop = r ? NAME_PROPERTY[r.Type] : undefined;
    const explicit = prop ? r?.Properties?.[prop] : undefined;
    if (explicit !== undefined) return String(this.resolve(explicit, stack));
    return `${`${stack.stack}-${logicalId}`.slice(0, 50)}-ABCDEFGHIJKLM`;
  }

  private arn(logicalId: string, stack: StackTemplate): string {
    // Stryker disable next-line StringLiteral: any text without two "::" gets the Unknown service and Resource kind below
    const type = stack.template.Resources?.[logicalId]?.Type ?? 'AWS::Unknown::Resource';
    const [, Service = 'Unknown', Kind = 'Resource'] = type.split('::');
    const service = Service === 'StepFunctions' ? 'states' : Service.toLowerCase();
    const kind = Kind.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
    const name = this.physicalName(logicalId, stack);
    const { region, account } = this.site;
    if (service === 'iam') return `arn:aws:iam::${account}:${kind}/${name}`;
    if (service === 'sns' || service === 'sqs') return `arn:aws:${service}:${region}:${account}:${name}`;
    // `arn:aws:lambda:<region>:<account>:function:<name>`, a colon before the name
    // (https://docs.aws.amazon.com/iot-twinmaker/latest/apireference/API_LambdaFunction.html).
    if (service === 'lambda') return `arn:aws:lambda:${region}:${account}:${kind}:${name}`;
    return `arn:aws:${service}:${region}:${account}:${kind}/${name}`;
  }

  private ref(name: string, stack: StackTemplate): string {
    switch (name) {
      case 'AWS::Region':
        return this.site.region;
      case 'AWS::AccountId':
        return this.site.account;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stack.stack;
    }
    const type = stack.template.Resources?.[name]?.Type;
    // A template parameter (SST's bootstrap version, CDK's asset parameters): a name-sized stand-in.
    if (type === undefined) return 'x'.repeat(64);
    if (REF_IS_ARN.test(type)) return this.arn(name, stack);
    if (type === 'AWS::SQS::Queue') {
      return `https://sqs.${this.site.region}.amazonaws.com/${this.site.account}/${this.physicalName(name, stack)}`;
    }
    if (type === 'AWS::KMS::Key') return '1234abcd-12ab-34cd-56ef-1234567890ab';
    return this.physicalName(name, stack);
  }

  private getAtt(logicalId: string, attribute: string, stack: StackTemplate): string {
    if (attribute.endsWith('Arn')) return this.arn(logicalId, stack);
    if (attribute === 'FunctionUrl') return `https://${'x'.repeat(32)}.lambda-url.${this.site.region}.on.aws/`;
    if (attribute === 'QueueUrl') return this.ref(logicalId, stack);
    return this.physicalName(logicalId, stack);
  }

  private sub(arg: Json, stack: StackTemplate): string {
    const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, Json>]) : [String(arg), {}];
    return text.replace(/\$\{([^}!]+)\}/g, (_m, expr: string) => {
      if (expr in vars) return String(this.resolve(vars[expr], stack));
      const [id, attr] = expr.split('.');
      return attr ? this.getAtt(id!, attr, stack) : this.ref(id!, stack);
    });
  }
}

function isNoValue(value: Json): boolean {
  return (value as { Ref?: unknown } | null | undefined)?.Ref === 'AWS::NoValue';
}

/** `prod-goldsmith-Factory` → `Factory`: stacks are named `<stage>-<app>-<Stack>` by SST. */
export function shortStackName(stack: string): string {
  return stack.split('-').at(-1) ?? stack;
}

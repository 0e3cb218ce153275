/**
 * Resolves CloudFormation intrinsics in a synthesized template to local physical names and ARNs, as a deploy
 * would: `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Fn::ImportValue` and the pseudo
 * parameters. Physical names are the resource's explicit name property or its logical id.
 */

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

export interface Environment {
  accountId: string;
  region: string;
  /** The stack's id and name (`AWS::StackId`, `AWS::StackName`), where the template runs as one stack of its own. */
  stackId?: string;
  stackName?: string;
}

const NAME_PROPERTY: Record<string, string> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::ImageBuilder::ImagePipeline': 'Name',
  'AWS::Scheduler::Schedule': 'Name',
  'AWS::SecretsManager::Secret': 'Name',
};

function arnFor(type: string, name: string, env: Environment): string {
  const { region, accountId } = env;
  switch (type) {
    case 'AWS::DynamoDB::Table':
      return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${region}:${accountId}:${name}`;
    case 'AWS::SQS::Queue':
      return `arn:aws:sqs:${region}:${accountId}:${name}`;
    case 'AWS::CloudWatch::Alarm':
      return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`;
    case 'AWS::Events::EventBus':
      return `arn:aws:events:${region}:${accountId}:event-bus/${name}`;
    case 'AWS::StepFunctions::StateMachine':
      return `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${accountId}:role/${name}`;
    case 'AWS::KMS::Key':
      return `arn:aws:kms:${region}:${accountId}:key/${name}`;
    case 'AWS::ImageBuilder::ImagePipeline':
      return `arn:aws:imagebuilder:${region}:${accountId}:image-pipeline/${name}`;
    // Bucket ARNs name neither Region nor account.
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${name}`;
    case 'AWS::SecretsManager::Secret':
      return `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}`;
    default:
      return `arn:aws:local:${region}:${accountId}:${type.replaceAll('::', '-').toLowerCase()}/${name}`;
  }
}

/** A resolver over a set of templates deployed together (one app, several stacks). */
export class TemplateResolver {
  private readonly resources = new Map<string, CfnResource>();
  private readonly exports = new Map<string, unknown>();

  constructor(
    templates: readonly CfnTemplate[],
    readonly env: Environment,
  ) {
    for (const t of templates) {
      for (const [id, r] of Object.entries(t.Resources ?? {})) this.resources.set(id, r);
    }
    for (const t of templates) {
      for (const output of Object.values(t.Outputs ?? {})) {
        if (output.Export) this.exports.set(String(this.resolve(output.Export.Name)), output.Value);
      }
    }
  }

  /** The physical name a deploy would give this logical resource here. */
  physicalName(logicalId: string): string {
    const r = this.resources.get(logicalId);
    const prop = r ? NAME_PROPERTY[r.Type] : undefined;
    const explicit = prop ? r?.Properties?.[prop] : undefined;
    return explicit === undefined ? logicalId : String(this.resolve(explicit));
  }

  arn(logicalId: string): string {
    const r = this.resources.get(logicalId);
    if (r?.Type === 'AWS::ImageBuilder::Component') {
      // A component's ARN is its build version's: `component/<name>/<version>/<build>`, names in lower case, the
      // first build of a version `1` (GetComponent "Regex requires the suffix /\d+$":
      // https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_GetComponent.html).
      const name = String(this.resolve(r.Properties?.Name)).toLowerCase();
      const version = String(this.resolve(r.Properties?.Version));
      return `arn:aws:imagebuilder:${this.env.region}:${this.env.accountId}:component/${name}/${version}/1`;
    }
    return arnFor(r?.Type ?? 'Unknown', this.physicalName(logicalId), this.env);
  }

  /** What `Ref` returns for this resource type. */
  ref(logicalId: string): string {
    const type = this.resources.get(logicalId)?.Type;
    if (
      type === 'AWS::SNS::Topic' ||
      type === 'AWS::StepFunctions::StateMachine' ||
      type?.startsWith('AWS::ImageBuilder::')
    ) {
      return this.arn(logicalId);
    }
    if (type === 'AWS::SQS::Queue') {
      return `https://sqs.${this.env.region}.amazonaws.com/${this.env.accountId}/${this.physicalName(logicalId)}`;
    }
    return this.physicalName(logicalId);
  }

  getAtt(logicalId: string, attribute: string): string {
    if (attribute === 'FunctionUrl') {
      return `https://${logicalId.toLowerCase()}.lambda-url.${this.env.region}.on.aws/`;
    }
    if (attribute === 'Arn' || attribute.endsWith('Arn')) return this.arn(logicalId);
    if (attribute === 'Name' || attribute === 'TopicName' || attribute === 'QueueName') {
      return this.physicalName(logicalId);
    }
    if (attribute === 'QueueUrl') return this.ref(logicalId);
    return `${this.physicalName(logicalId)}.${attribute}`;
  }

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [[key, arg]] = entries as [[string, unknown]];
      switch (key) {
        case 'Ref':
          return this.resolveRef(String(arg));
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(arg) ? arg : String(arg).split('.');
          return this.getAtt(String(id), String(attr));
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, unknown[]];
          return (this.resolve(parts) as unknown[]).map(String).join(sep);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          return (this.resolve(list) as unknown[])[Number(this.resolve(index))];
        }
        case 'Fn::Split': {
          const [sep, source] = arg as [string, unknown];
          return String(this.resolve(source)).split(sep);
        }
        case 'Fn::Sub':
          return this.sub(arg);
        case 'Fn::ImportValue': {
          const name = String(this.resolve(arg));
          if (!this.exports.has(name)) throw new Error(`no export named ${name}`);
          return this.resolve(this.exports.get(name));
        }
        default:
          break;
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  private resolveRef(name: string): string {
    switch (name) {
      case 'AWS::Region':
        return this.env.region;
      case 'AWS::AccountId':
        return this.env.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.env.stackName ?? 'goldsmith-local';
      case 'AWS::StackId':
        return (
          this.env.stackId ??
          `arn:aws:cloudformation:${this.env.region}:${this.env.accountId}:stack/goldsmith-local/local`
        );
      default:
        return this.ref(name);
    }
  }

  private sub(arg: unknown): string {
    const [template, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
    const parts = subParts(template);
    let out = parts[0]!;
    for (let i = 1; i < parts.length; i += 2) {
      const expr = parts[i]!;
      if (expr in vars) out += String(this.resolve(vars[expr]));
      else {
        const [id, attr] = expr.split('.');
        out += attr ? this.getAtt(id!, attr) : this.resolveRef(id!);
      }
      out += parts[i + 1]!;
    }
    return out;
  }
}

/** `Fn::Sub` strings split once into text and `${…}` names, alternating (text first and last; `${!…}` is text). */
const subTemplates = new Map<string, readonly string[]>();
const MAX_SUB_TEMPLATES = 4096;

function subParts(template: string): readonly string[] {
  let parts = subTemplates.get(template);
  if (!parts) {
    const split: string[] = [];
    let last = 0;
    for (const m of template.matchAll(/\$\{([^}!]+)\}/g)) {
      split.push(template.slice(last, m.index), m[1]!);
      last = m.index + m[0].length;
    }
    split.push(template.slice(last));
    parts = split;
    if (subTemplates.size >= MAX_SUB_TEMPLATES) subTemplates.clear();
    subTemplates.set(template, parts);
  }
  return parts;
}

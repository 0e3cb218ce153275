import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventPatternFor } from '../../events/patterns.js';
import example from '../../goldsmith.config.js';
import { Ledger } from '../../stacks/Ledger.js';
import { Triggers } from '../../stacks/Triggers.js';
import { chunkForPattern } from '../../stacks/triggers/rules.js';
import { resourcesOf, synthesize } from './helpers.js';

type Json = Record<string, unknown>;
interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

const AL2023_TOPIC = 'arn:aws:sns:us-east-1:137112412989:amazon-linux-2023-ami-updates';

let triggers: Template;
let ledger: Template;

beforeAll(async () => {
  const built = await synthesize(example, { stacks: [Ledger, Triggers] });
  triggers = built.template;
  ledger = built.templates.get(Ledger)!;
}, 120_000);

function only<T>(record: Record<string, T>): T {
  const values = Object.values(record);
  expect(values).toHaveLength(1);
  return values[0]!;
}

/** The logical id of the function whose handler file is `file` (SST tags the handler in the Code's metadata). */
function functionId(file: string): string {
  const fns = triggers.toJSON().Resources as Record<string, { Type: string; Properties: Json }>;
  const found = Object.entries(fns).filter(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.toLowerCase().startsWith(file.toLowerCase()),
  );
  expect(found, `function ${file}`).toHaveLength(1);
  return found[0]![0];
}

function rules(): Array<{ Properties: Json }> {
  return Object.values(resourcesOf(triggers, 'AWS::Events::Rule'));
}

function ruleWith(detailType: string): Json {
  const found = rules().filter((r) => (r.Properties['EventPattern'] as Json)['detail-type']?.toString() === detailType);
  expect(found, `rule for ${detailType}`).toHaveLength(1);
  return found[0]!.Properties;
}

function targetOf(rule: Json): Json {
  const [target] = rule['Targets'] as Json[];
  return target!;
}

/** Statements of the policies attached to a function's role (`<Name>ServiceRole…`). */
function statementsOf(functionName: string): Statement[] {
  const policies = Object.values(resourcesOf(triggers, 'AWS::IAM::Policy')).filter((p) =>
    (p.Properties['Roles'] as string[]).some((role) => role.startsWith(`<${functionName}ServiceRole`)),
  );
  return policies.flatMap((p) => (p.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement);
}

/** Goldsmith's pipelines in the account and Region, by name prefix (`goldsmith-<image>`). */
const PIPELINE_PREFIX = /^arn:aws:imagebuilder:us-east-1:[^:]+:image-pipeline\/goldsmith-$/;

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('Ledger stack', () => {
  it('creates one on-demand, encrypted, recoverable table keyed pk/sk with TTL on expiresAt', () => {
    const table = only(resourcesOf(ledger, 'AWS::DynamoDB::Table')).Properties;
    expect(table).toMatchObject({
      TableName: 'goldsmith-test-ledger',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});

describe('Triggers stack: schedules', () => {
  it('schedules the monthly patch image on its candidate days, in its timezone, into start-builds with retries and a DLQ', () => {
    const schedules = Object.values(resourcesOf(triggers, 'AWS::Scheduler::Schedule')).map((s) => s.Properties);
    const base = schedules.find((s) => String((s['Target'] as Json)['Input']).includes('"base"'));
    expect(base).toMatchObject({
      ScheduleExpression: 'cron(0 3 10-16 * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: `<${functionId('StartBuilds')}.Arn>`,
        Input: JSON.stringify({ image: 'base', window: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumEventAgeInSeconds: 21600, MaximumRetryAttempts: 20 },
        DeadLetterConfig: { Arn: expect.stringMatching(/^<TriggersDlq.*\.Arn>$/) },
      },
    });
  });

  it('passes cron schedules through and runs the watcher hourly', () => {
    const schedules = Object.values(resourcesOf(triggers, 'AWS::Scheduler::Schedule')).map((s) => s.Properties);
    expect(schedules.map((s) => s['ScheduleExpression']).sort()).toEqual([
      'cron(0 3 10-16 * ? *)',
      'cron(0 4 ? * SUN *)',
      'rate(1 hour)',
    ]);
    const watcher = schedules.find((s) => s['ScheduleExpression'] === 'rate(1 hour)');
    expect(watcher?.['Target']).toMatchObject({
      Arn: `<${functionId('WatchBaseImages')}.Arn>`,
      Input: '{"watch":"base-images"}',
    });
  });
});

describe('Triggers stack: rules', () => {
  it("limits the CodeArtifact rule to the catalog's packages, published", () => {
    const rule = ruleWith('CodeArtifact Package Version State Change');
    expect(rule['EventPattern']).toEqual({
      source: ['aws.codeartifact'],
      'detail-type': ['CodeArtifact Package Version State Change'],
      detail: {
        packageName: ['glibc', 'java-21-amazon-corretto', 'nginx', 'openssh', 'openssl'],
        packageVersionState: ['Published'],
      },
    });
    expect(rule['EventBusName']).toBeUndefined();
  });

  it('routes Package Update, Base Image Changed and Image Promoted on the Goldsmith bus', () => {
    for (const detailType of ['Package Update', 'Base Image Changed', 'Image Promoted']) {
      const rule = ruleWith(detailType);
      expect(rule['EventBusName'], detailType).toMatch(/^<Bus/);
      const source = detailType === 'Package Update' ? 'goldsmith.ci' : 'goldsmith';
      expect((rule['EventPattern'] as Json)['source'], detailType).toEqual([source]);
    }
    expect((ruleWith('Image Promoted')['EventPattern'] as Json)['detail']).toEqual({ image: ['base', 'hardened'] });
  });

  it('filters the auto-disabled rule to our pipelines, by name prefix so the pattern does not grow with the catalog', () => {
    const rule = ruleWith('EC2 Image Builder Image Pipeline Automatically Disabled');
    expect((rule['EventPattern'] as Json)['resources']).toEqual([{ prefix: expect.stringMatching(PIPELINE_PREFIX) }]);
    expect(targetOf(rule)['Arn']).toBe(`<${functionId('OnPipelineDisabled')}.Arn>`);
  });

  it('gives every rule target a retry policy and the encrypted DLQ', () => {
    const dlq = only(resourcesOf(triggers, 'AWS::SQS::Queue')).Properties;
    expect(dlq['SqsManagedSseEnabled']).toBe(true);
    expect(rules()).toHaveLength(6);
    for (const rule of rules()) {
      expect(targetOf(rule.Properties)).toMatchObject({
        RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        DeadLetterConfig: { Arn: expect.stringMatching(/^<TriggersDlq.*\.Arn>$/) },
      });
    }
  });

  it('subscribes start-builds to the AL2023 AMI-update topic only', () => {
    const subscription = only(resourcesOf(triggers, 'AWS::SNS::Subscription')).Properties;
    expect(subscription).toMatchObject({
      Protocol: 'lambda',
      TopicArn: AL2023_TOPIC,
      Endpoint: `<${functionId('StartBuilds')}.Arn>`,
      Region: 'us-east-1',
    });
  });

  it('sends failed asynchronous invocations of every trigger function to the DLQ', () => {
    const configs = Object.values(resourcesOf(triggers, 'AWS::Lambda::EventInvokeConfig')).map((c) => c.Properties);
    expect(configs).toHaveLength(3);
    for (const config of configs) {
      expect(config['DestinationConfig']).toEqual({
        OnFailure: { Destination: expect.stringMatching(/^<TriggersDlq.*\.Arn>$/) },
      });
    }
  });
});

describe('Triggers stack: permissions', () => {
  it("lets start-builds start and list only Goldsmith's pipelines (goldsmith-*)", () => {
    const statements = statementsOf('StartBuilds');
    const start = statements.filter((s) => actionsOf(s).includes('imagebuilder:StartImagePipelineExecution'));
    expect(start).toHaveLength(1);
    expect(String(start[0]!.Resource).slice(0, -1)).toMatch(PIPELINE_PREFIX);
    expect(String(start[0]!.Resource).endsWith('goldsmith-*')).toBe(true);
    expect(actionsOf(start[0]!)).toEqual([
      'imagebuilder:StartImagePipelineExecution',
      'imagebuilder:ListImagePipelineImages',
    ]);
  });

  it('gives no other trigger function Image Builder actions', () => {
    for (const fn of ['WatchBaseImages', 'OnPipelineDisabled']) {
      const actions = statementsOf(fn).flatMap(actionsOf);
      expect(actions.length, fn).toBeGreaterThan(0);
      expect(
        actions.some((a) => a.startsWith('imagebuilder:')),
        fn,
      ).toBe(false);
    }
  });
});

describe('chunkForPattern', () => {
  const codeArtifact = (packageName: string[]) =>
    eventPatternFor('package-version-state-change', { detail: { packageName, packageVersionState: ['Published'] } });

  it('keeps a short list in one rule and splits a long one, in order, each pattern within 2,048 characters', () => {
    const many = Array.from({ length: 120 }, (_, i) => `team-${i}-application-runtime-bundle`);

    const chunks = chunkForPattern(many, codeArtifact);

    expect(chunkForPattern(['openssl', 'glibc'], codeArtifact)).toEqual([['openssl', 'glibc']]);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.flat()).toEqual(many);
    for (const chunk of chunks) expect(JSON.stringify(codeArtifact(chunk)).length).toBeLessThanOrEqual(2048);
  });
});

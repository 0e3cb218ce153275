import { describe, expect, it } from 'vitest';
import { checkLimits, LIMITS } from '../../../core/limits/index.js';
import { DeployLengthResolver, type TemplateJson } from '../../../core/limits/resolve.js';
import { countStates } from '../../../core/limits/templates.js';
import { CATALOG, catalogWith, NO_FILES, padTo, problemsOf, queues, stack, templateProblems } from './helpers.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('CloudFormation limits on a synthesized stack', () => {
  it('passes 500 resources in a stack and refuses 501, naming the stack and the limit', () => {
    const at = templateProblems('cfnResources', [stack('Factory', { Resources: queues(500) })]);
    const over = templateProblems('cfnResources', [stack('Factory', { Resources: queues(501) })]);

    expect(at).toEqual([]);
    expect(over).toEqual([
      'images: stack Factory would be 501 resources, over the CloudFormation resources per stack limit of 500',
    ]);
  });

  it('names the images whose resources fill the stack, most first', () => {
    const tagged = (image: string) => ({
      Type: 'AWS::ImageBuilder::ImagePipeline',
      Properties: { Name: `goldsmith-${image}` },
    });
    const resources = { ...queues(498), A: tagged('app'), B: tagged('app'), C: tagged('base') };

    const report = checkLimits(catalogWith(['app', 'base', 'other']), NO_FILES, [
      stack('Factory', { Resources: resources }),
    ]);
    const [problem] = problemsOf(report, 'cfnResources');

    expect(problem).toMatch(/501 resources, .* \(images: app, base\)$/);
  });

  it('passes 200 outputs and refuses 201', () => {
    const outputs = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`Out${i}`, { Value: 'x' }]));

    expect(templateProblems('cfnOutputs', [stack('Factory', { Resources: queues(1), Outputs: outputs(200) })])).toEqual(
      [],
    );
    expect(templateProblems('cfnOutputs', [stack('Factory', { Resources: queues(1), Outputs: outputs(201) })])).toEqual(
      ['images: stack Factory would be 201 outputs, over the CloudFormation outputs per stack limit of 200'],
    );
  });

  it('passes 200 parameters and refuses 201', () => {
    const parameters = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`P${i}`, { Type: 'String' }]));

    expect(
      templateProblems('cfnParameters', [stack('Ledger', { Resources: queues(1), Parameters: parameters(200) })]),
    ).toEqual([]);
    expect(
      templateProblems('cfnParameters', [stack('Ledger', { Resources: queues(1), Parameters: parameters(201) })]),
    ).toHaveLength(1);
  });

  it('passes a template of exactly 1,000,000 bytes as written (one-space indent) and refuses one byte more', () => {
    const max = LIMITS.cfnTemplateBytes.max;
    const template = (padding: string): TemplateJson => ({
      Resources: { Big: { Type: 'AWS::SQS::Queue', Properties: { QueueName: padding } } },
    });
    const size = (t: TemplateJson) => bytes(JSON.stringify(t, undefined, 1));

    const at = padTo(max, template, size);
    const over = padTo(max + 1, template, size);

    expect(templateProblems('cfnTemplateBytes', [stack('Factory', at)])).toEqual([]);
    expect(templateProblems('cfnTemplateBytes', [stack('Factory', over)])).toEqual([
      'images: stack Factory would be 1,000,001 bytes, over the CloudFormation template size (via S3) limit of 1,000,000',
    ]);
  });
});

describe('Lambda and Step Functions limits on a synthesized stack', () => {
  const fn = (variables: Record<string, unknown>): TemplateJson => ({
    Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: variables } } } },
  });
  const envSize = (t: TemplateJson) => {
    const vars = t.Resources!.Fn!.Properties!.Environment as { Variables: Record<string, string> };
    return Object.entries(vars.Variables).reduce((n, [k, v]) => n + bytes(k) + bytes(v), 0);
  };

  it('passes 4,096 bytes of environment and refuses 4,097', () => {
    const at = padTo(4096, (p) => fn({ TABLE: 'ledger', PADDING: p }), envSize);
    const over = padTo(4097, (p) => fn({ TABLE: 'ledger', PADDING: p }), envSize);

    expect(templateProblems('lambdaEnvironmentBytes', [stack('Triggers', at)])).toEqual([]);
    expect(templateProblems('lambdaEnvironmentBytes', [stack('Triggers', over)])).toEqual([
      'catalog: function Fn (Triggers) would be 4,097 bytes, over the Lambda environment variables (aggregate) limit of 4,096',
    ]);
  });

  it('measures environment values as deployed: a Ref to a queue is its URL, not the logical id', () => {
    const template: TemplateJson = {
      Resources: { ...fn({ QUEUE: { Ref: 'Dlq' } }).Resources, Dlq: { Type: 'AWS::SQS::Queue' } },
    };

    const figure = checkLimits(CATALOG, NO_FILES, [stack('Triggers', template)]).figures.find(
      (f) => f.id === 'lambdaEnvironmentBytes',
    );

    const url = 'https://sqs.us-east-1.amazonaws.com/123456789012/prod-goldsmith-Triggers-Dlq-ABCDEFGHIJKLM';
    expect(figure?.tightest?.value).toBe('QUEUE'.length + url.length);
  });

  it('passes a 1,000,000-byte state machine definition and refuses one byte more, with its state count', () => {
    const machine = (padding: string): TemplateJson => ({
      Resources: {
        Machine: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: {
            DefinitionString: JSON.stringify({
              StartAt: 'A',
              States: { A: { Type: 'Pass', Comment: padding, End: true } },
            }),
          },
        },
      },
    });
    const size = (t: TemplateJson) => bytes(String(t.Resources!.Machine!.Properties!.DefinitionString));

    const at = padTo(1_000_000, machine, size);
    const over = padTo(1_000_001, machine, size);

    expect(templateProblems('sfnDefinitionBytes', [stack('Promotion', at)])).toEqual([]);
    expect(templateProblems('sfnDefinitionBytes', [stack('Promotion', over)])).toEqual([
      'channels: state machine Machine (Promotion, 1 states) would be 1,000,001 bytes, over the Step Functions state machine definition size limit of 1,000,000',
    ]);
  });
});

describe('countStates', () => {
  it('counts the states inside a Map item processor too', () => {
    const definition = {
      States: { Load: {}, Loop: { ItemProcessor: { States: { Gate: {}, Share: {} } } }, Done: {} },
    };

    expect(countStates(definition)).toBe(5);
  });
});

describe('DeployLengthResolver', () => {
  it('resolves generated names to deploy length and imports through the exporting stack', () => {
    const producer = stack('Factory', {
      Resources: { Pipeline: { Type: 'AWS::ImageBuilder::ImagePipeline', Properties: { Name: 'goldsmith-app' } } },
      Outputs: {
        Out: { Value: { 'Fn::GetAtt': ['Pipeline', 'Arn'] }, Export: { Name: 'prod-goldsmith-Factory:Out' } },
      },
    });
    const consumer = stack('Triggers', { Resources: { Role: { Type: 'AWS::IAM::Role' } } });
    const resolver = new DeployLengthResolver([producer, consumer], { region: 'us-east-1', account: '123456789012' });

    expect(resolver.resolve({ 'Fn::ImportValue': 'prod-goldsmith-Factory:Out' }, consumer)).toBe(
      'arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/goldsmith-app',
    );
    expect(resolver.resolve({ 'Fn::GetAtt': ['Role', 'Arn'] }, consumer)).toBe(
      'arn:aws:iam::123456789012:role/prod-goldsmith-Triggers-Role-ABCDEFGHIJKLM',
    );
  });
});

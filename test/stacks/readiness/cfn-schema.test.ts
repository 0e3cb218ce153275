import { beforeAll, describe, expect, it } from 'vitest';
import exampleCatalog from '../../../goldsmith.config.js';
import {
  isCustomResourceType,
  serviceSpec,
  validateResource,
  validateTemplate,
} from '../../../scripts/readiness/cfn-schema.js';
import { minimalCatalog } from '../helpers.js';
import { APP_STACKS, type SynthesizedApp, synthesizeApp } from './synth.js';

const apps: Record<string, SynthesizedApp> = {};
const STACK_NAMES = APP_STACKS.map((fn) => fn.name);

beforeAll(async () => {
  serviceSpec();
  apps.example = await synthesizeApp(exampleCatalog);
  apps.minimal = await synthesizeApp(minimalCatalog());
}, 120_000);

describe('validateResource', () => {
  const fn = (properties: Record<string, unknown>) => ({
    Type: 'AWS::Lambda::Function',
    Properties: { Code: { ZipFile: 'x' }, Role: 'arn:aws:iam::111111111111:role/r', ...properties },
  });

  it('accepts a resource that matches its schema, intrinsics included', () => {
    expect(validateResource(fn({ Timeout: 60, MemorySize: { Ref: 'Memory' }, Runtime: 'nodejs22.x' }))).toEqual([]);
  });

  it('reports a missing required property with its path', () => {
    expect(validateResource({ Type: 'AWS::Lambda::Function', Properties: { Code: { ZipFile: 'x' } } })).toEqual([
      { path: 'Properties.Role', message: 'required' },
    ]);
  });

  it('reports unknown property names, nested ones too', () => {
    expect(validateResource(fn({ Timeuot: 60, Code: { ZipFile: 'x', S3Kee: 'k' } }))).toEqual([
      { path: 'Properties.Code.S3Kee', message: 'unknown property' },
      { path: 'Properties.Timeuot', message: 'unknown property' },
    ]);
  });

  it('reports a literal of the wrong primitive type inside arrays and nested types', () => {
    const problems = validateResource({
      Type: 'AWS::SQS::Queue',
      Properties: { FifoQueue: 'yes', DelaySeconds: 'soon', Tags: [{ Key: 'a' }] },
    });
    expect(problems).toEqual([
      { path: 'Properties.FifoQueue', message: 'expected a boolean, got a string' },
      { path: 'Properties.DelaySeconds', message: 'expected an integer, got a string' },
      { path: 'Properties.Tags[0].Value', message: 'required' },
    ]);
  });

  it('reports a value outside the allowed values of an enumerated string', () => {
    const problems = validateResource({
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: { RoleArn: 'arn:aws:iam::111111111111:role/r', StateMachineType: 'QUICK' },
    });
    expect(problems.map((p) => p.path)).toEqual(['Properties.StateMachineType']);
  });

  it('reports a type the registry does not know and an unknown resource attribute', () => {
    expect(validateResource({ Type: 'AWS::SQS::Queu', Properties: {} })).toEqual([
      { path: 'Type', message: 'no registry schema for "AWS::SQS::Queu"' },
    ]);
    expect(validateResource({ Type: 'AWS::SQS::Queue', DeletionPolicies: 'Retain' })).toEqual([
      { path: 'DeletionPolicies', message: 'unknown resource attribute' },
    ]);
  });
});

describe('validateTemplate', () => {
  it('skips and counts custom resources instead of validating them', () => {
    const result = validateTemplate({
      Resources: {
        Replica: { Type: 'Custom::KeyReplica', Properties: { Anything: 1 } },
        Generic: { Type: 'AWS::CloudFormation::CustomResource', Properties: { ServiceToken: 'arn' } },
        Queue: { Type: 'AWS::SQS::Queue', Properties: { Bogus: true } },
      },
    });
    expect(result).toEqual({
      validated: 1,
      skippedCustom: 2,
      problems: ['Queue (AWS::SQS::Queue) Properties.Bogus: unknown property'],
    });
  });
});

describe.each(['example', 'minimal'])('the %s catalog app', (catalog) => {
  it.each(STACK_NAMES)('%s: every resource validates against its registry schema', (stack) => {
    const template = apps[catalog]!.templates.get(stack)!;
    const result = validateTemplate(template);
    expect(result.problems).toEqual([]);
    expect(result.validated).toBeGreaterThan(0);
    const custom = Object.values(template.Resources).filter((r) => isCustomResourceType(r.Type));
    expect(result.skippedCustom).toBe(custom.length);
  });
});

describe('references in the synthesized templates', () => {
  /** Every `Ref` and `Fn::GetAtt` target in `value` (a `Ref` to a pseudo parameter is CloudFormation's own). */
  function targets(value: unknown, out: string[] = []): string[] {
    if (Array.isArray(value)) for (const v of value) targets(v, out);
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'Ref' && typeof v === 'string' && !v.startsWith('AWS::')) out.push(v);
        else if (k === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string') out.push(v[0]);
        else targets(v, out);
      }
    }
    return out;
  }

  it("names only a resource or parameter of the same stack: another stack's is imported (CloudFormation refuses the deploy otherwise)", () => {
    for (const [name, app] of Object.entries(apps)) {
      const dangling = [...app.templates].flatMap(([stack, template]) => {
        const t = template as { Resources?: Record<string, unknown>; Parameters?: Record<string, unknown> };
        const known = new Set([...Object.keys(t.Resources ?? {}), ...Object.keys(t.Parameters ?? {})]);
        return Object.entries(t.Resources ?? {}).flatMap(([id, r]) =>
          targets(r)
            .filter((target) => !known.has(target))
            .map((target) => `${name} ${stack} ${id} → ${target}`),
        );
      });
      expect(dangling).toEqual([]);
    }
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import exampleCatalog from '../../../goldsmith.config.js';
import { BUILD_ACCOUNT } from '../../../scripts/build/offline.js';
import { type NagResult, nagTemplates } from '../../../scripts/readiness/nag.js';
import { NAG_SUPPRESSIONS } from '../../../scripts/readiness/nag-suppressions.js';
import { minimalCatalog } from '../helpers.js';
import { synthesizeApp } from './synth.js';

const results: Record<string, NagResult> = {};

/**
 * The templates as `sst build` writes them: the offline synthesis names the account `my-account`, `sst build` the
 * caller's 12-digit account (scripts/build/offline.ts), so a suppression that matches one spelling only fails there.
 */
function withBuildAccount(templates: ReadonlyMap<string, object>): Map<string, { Resources?: object }> {
  return new Map(
    [...templates].map(([name, t]) => [name, JSON.parse(JSON.stringify(t).replaceAll('my-account', BUILD_ACCOUNT))]),
  );
}

beforeAll(async () => {
  const catalogs = {
    example: exampleCatalog,
    minimal: minimalCatalog(),
    // A security account as Inspector's delegated administrator: on-finding runs as a named role.
    security: minimalCatalog({
      organization: { id: 'o-zz9988776655', homeRegion: 'us-east-1', inspectorAdministrator: '444455556666' },
    }),
  };
  for (const [name, catalog] of Object.entries(catalogs)) {
    const app = await synthesizeApp(catalog);
    results[name] = await nagTemplates(app.templates);
    if (name === 'example') results.exampleBuildAccount = await nagTemplates(withBuildAccount(app.templates));
  }
}, 300_000);

const policy = (statement: Record<string, unknown>) => ({
  Resources: {
    Role1: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
      },
    },
    Policy1: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'p',
        Roles: [{ Ref: 'Role1' }],
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] },
      },
    },
  },
});

describe('cdk-nag AwsSolutions over the app', () => {
  it.each(['example', 'minimal', 'security', 'exampleBuildAccount'])(
    'finds no unsuppressed error or warning in any stack of the %s catalog',
    (name) => {
      const result = results[name]!;
      expect(result.resources).toBeGreaterThan(50);
      expect(result.findings.map((f) => `${f.stack}/${f.resource} ${f.rule}`)).toEqual([]);
      expect(result.suppressed.length).toBeGreaterThan(0);
    },
  );

  it('gives every suppression a reason a reviewer can check, naming what it covers', () => {
    for (const s of NAG_SUPPRESSIONS) {
      expect(s.reason.length, s.rule).toBeGreaterThan(80);
      expect(s.types ?? s.logicalIds ?? s.appliesTo, s.rule).toBeDefined();
    }
    for (const s of results.example!.suppressed) expect(s.reason.length).toBeGreaterThan(40);
  });
});

describe('nagTemplates', () => {
  it('flags a wildcard action on every resource', async () => {
    const result = await nagTemplates(new Map([['Broken', policy({ Action: 's3:*', Resource: '*' })]]));
    expect(result.findings.map((f) => `${f.resource} ${f.rule}`)).toContain('Policy1 AwsSolutions-IAM5');
  });

  it('accepts Resource "*" for actions IAM cannot scope, and flags it for an action that takes a resource', async () => {
    const unscopable = await nagTemplates(
      new Map([['Ok', policy({ Action: ['xray:PutTraceSegments', 'ec2:DescribeImages'], Resource: '*' })]]),
    );
    expect(unscopable.findings.filter((f) => f.rule === 'AwsSolutions-IAM5')).toEqual([]);
    expect(unscopable.suppressed.map((s) => s.rule)).toContain('AwsSolutions-IAM5');
    const scopable = await nagTemplates(
      new Map([['Broken', policy({ Action: ['xray:PutTraceSegments', 'imagebuilder:GetImage'], Resource: '*' })]]),
    );
    expect(scopable.findings.map((f) => `${f.resource} ${f.rule}`)).toContain('Policy1 AwsSolutions-IAM5');
  });

  it('flags an unencrypted queue without the reviewed suppressions', async () => {
    const queue = { Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: {} } } };
    const result = await nagTemplates(new Map([['Broken', queue]]), []);
    expect(result.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']),
    );
  });
});

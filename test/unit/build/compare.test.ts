import { describe, expect, it } from 'vitest';
import { compareBuilds, type Template } from '../../../scripts/build/compare.js';

const OPTIONS = { app: 'goldsmith', stage: 'prod' };
const SST_TAGS = [
  { Key: 'sst:app', Value: 'goldsmith' },
  { Key: 'sst:stage', Value: 'prod' },
];

/** A stack as the in-process synthesis writes it: one function with placeholder code, one queue. */
function inProcess(): Template {
  return {
    Resources: {
      StartBuilds1A2B3C4D: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Code: { ZipFile: 'export function placeholder() {}' },
          Handler: 'index.placeholder',
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
        },
      },
      CustomResourceHandlerE8FB56BA: {
        Type: 'AWS::Lambda::Function',
        Properties: { Code: { S3Bucket: 'assets', S3Key: 'digest.zip' }, Handler: 'index.handler' },
      },
      Queue4A7E3555: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600 } },
    },
    Outputs: { GoldsmithCommit: { Value: 'unknown', Description: 'Goldsmith commit' } },
  };
}

/** The same stack as `sst build` writes it: bundled code, SST's tags, binding parameter, sourcemaps, metadata. */
function real(): Template {
  return {
    Resources: {
      StartBuilds1A2B3C4D: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Code: { S3Bucket: 'assets', S3Key: '0e3b.zip' },
          Handler: 'functions/start-builds.handler',
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Tags: SST_TAGS,
        },
      },
      CustomResourceHandlerE8FB56BA: {
        Type: 'AWS::Lambda::Function',
        Properties: { Code: { S3Bucket: 'assets', S3Key: 'text-hash.zip' }, Handler: 'index.handler', Tags: SST_TAGS },
      },
      Queue4A7E3555: {
        Type: 'AWS::SQS::Queue',
        Properties: { MessageRetentionPeriod: 1209600, Tags: SST_TAGS },
      },
      StartBuildsParameterfunctionName0F1E2D3C: {
        Type: 'AWS::SSM::Parameter',
        Properties: { Name: '/sst/goldsmith/prod/Function/StartBuilds/functionName', Type: 'String', Value: 'x' },
      },
      SourcemapUploader: { Type: 'Custom::SourcemapUploader', Properties: {} },
      SourcemapUploaderPolicy6476872E: { Type: 'AWS::IAM::Policy', Properties: {} },
      SourcemapUploaderPolicyResourceExpected09EC6586B: {
        Type: 'AWS::SSM::Parameter',
        Properties: { Name: '/goldsmith/_roles/build/buildgoldsmithTrustSourcemapUploaderPolicy6476872E-0' },
      },
    },
    Outputs: {
      SSTMetadata: { Value: '{}' },
      GoldsmithCommit: { Value: '4a6a6b60fac4fc7b8c3dfe03afc5878f55c3010a', Description: 'Goldsmith commit' },
    },
  };
}

describe('the real build against the in-process synthesis', () => {
  it('finds no drift where they differ only as App.finish() and the digest hash make them differ', () => {
    const result = compareBuilds(new Map([['Triggers', inProcess()]]), new Map([['Triggers', real()]]), OPTIONS);
    expect(result.drifts).toEqual([]);
    expect(result.documented).toEqual({
      code: 1,
      customResourceKey: 1,
      tags: 3,
      bindingParameters: 1,
      sourcemaps: 3,
      metadata: 1,
      commit: 1,
      expectedFunctions: 0,
    });
  });

  it("takes a function's record for the audit as documented where only its code and handler differ", () => {
    /** The record stacks/expected-functions.ts writes: JSON text around the references CloudFormation resolves. */
    const record = (code: string, handler: string, runtime = 'nodejs22.x') => ({
      Type: 'AWS::SSM::Parameter',
      Properties: {
        Name: '/goldsmith/_functions/prod/StartBuilds',
        Type: 'String',
        Value: {
          'Fn::Join': [
            '',
            [
              '{"name":"',
              { Ref: 'StartBuilds1A2B3C4D' },
              `","properties":{"Code":${code},"Handler":"${handler}","Runtime":"${runtime}"}}`,
            ],
          ],
        },
      },
    });
    const a = inProcess();
    a.Resources!.StartBuildsResourceExpected0A1B2C3D = record(
      '{"ZipFile":"export function placeholder() {}"}',
      'index.placeholder',
    );
    const b = real();
    b.Resources!.StartBuildsResourceExpected0A1B2C3D = record(
      '{"S3Bucket":"assets","S3Key":"0e3b.zip"}',
      'functions/start-builds.handler',
    );
    const alike = compareBuilds(new Map([['Triggers', a]]), new Map([['Triggers', b]]), OPTIONS);
    expect(alike.drifts).toEqual([]);
    expect(alike.documented.expectedFunctions).toBe(1);

    b.Resources!.StartBuildsResourceExpected0A1B2C3D = record(
      '{"S3Bucket":"assets","S3Key":"0e3b.zip"}',
      'functions/start-builds.handler',
      'nodejs20.x',
    );
    const other = compareBuilds(new Map([['Triggers', a]]), new Map([['Triggers', b]]), OPTIONS);
    expect(other.drifts).toEqual([
      expect.stringMatching(/^Triggers Resources\.StartBuildsResourceExpected0A1B2C3D\.Properties\.Value/),
    ]);
  });

  it("takes the real build's commit for the documented one only where the in-process output says unknown", () => {
    const a = inProcess();
    a.Outputs = {
      GoldsmithCommit: { Value: '0df5bee70b17139fa608eb7618114eb1e67b3163', Description: 'Goldsmith commit' },
    };
    const result = compareBuilds(new Map([['Triggers', a]]), new Map([['Triggers', real()]]), OPTIONS);
    expect(result.documented.commit).toBe(0);
    expect(result.drifts).toEqual([expect.stringMatching(/^Triggers Outputs\.GoldsmithCommit: in process .*0df5bee7/)]);
  });

  it('names the stack, resource and property of any other difference (the default function props missing)', () => {
    const a = inProcess();
    a.Resources!.StartBuilds1A2B3C4D!.Properties!.Architectures = ['x86_64'];
    const result = compareBuilds(new Map([['Triggers', a]]), new Map([['Triggers', real()]]), OPTIONS);
    expect(result.drifts).toEqual([
      'Triggers Resources.StartBuilds1A2B3C4D.Properties.Architectures: in process ["x86_64"] / real ["arm64"]',
    ]);
  });

  it('reports a resource or stack only one side has, unless App.finish() adds it', () => {
    const b = real();
    b.Resources!.Extra = { Type: 'AWS::SSM::Parameter', Properties: { Name: '/goldsmith/prod/other' } };
    const result = compareBuilds(
      new Map([
        ['Triggers', inProcess()],
        ['Ledger', { Resources: {} }],
      ]),
      new Map([['Triggers', b]]),
      OPTIONS,
    );
    expect(result.drifts).toEqual([
      'Triggers Resources.Extra: only in the real build',
      'Ledger: only in the in-process synthesis',
    ]);
  });

  it('refuses SST tags with another stage, and a tag of our own the real build lacks', () => {
    const a = inProcess();
    a.Resources!.Queue4A7E3555!.Properties!.Tags = [{ Key: 'goldsmith:owner', Value: 'platform' }];
    const b = real();
    b.Resources!.StartBuilds1A2B3C4D!.Properties!.Tags = [{ Key: 'sst:stage', Value: 'dev' }];
    const result = compareBuilds(new Map([['Triggers', a]]), new Map([['Triggers', b]]), OPTIONS);
    expect(result.drifts).toEqual([
      'Triggers Resources.StartBuilds1A2B3C4D.Properties.Tags: SST tags with other values',
      'Triggers Resources.Queue4A7E3555.Properties.Tags: in process [{"Key":"goldsmith:owner","Value":"platform"}] / real absent',
    ]);
  });

  it('does not take a changed S3Key for the custom-resource key on any other function', () => {
    const a = inProcess();
    a.Resources!.StartBuilds1A2B3C4D!.Properties!.Code = { S3Bucket: 'assets', S3Key: 'other.zip' };
    const result = compareBuilds(new Map([['Triggers', a]]), new Map([['Triggers', real()]]), OPTIONS);
    expect(result.drifts).toEqual([
      'Triggers Resources.StartBuilds1A2B3C4D.Properties.Code.S3Key: in process "other.zip" / real "0e3b.zip"',
      'Triggers Resources.StartBuilds1A2B3C4D.Properties.Handler: in process "index.placeholder" / real "functions/start-builds.handler"',
    ]);
  });
});

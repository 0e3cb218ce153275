import { describe, expect, it } from 'vitest';
import { denyingStatement } from '../../../core/preflight/scp-evaluate.js';
import { scpGaps, scpRequirements } from '../../../core/preflight/scp-requirements.js';
import { GOLDSMITH_SCP_PARTS } from '../../../local/fakes/prerequisites-scp.js';
import { documentedScps } from './documented-scp.js';

const ACCOUNT = '200000000001';
const REGION = 'eu-west-1';
const gaps = (...policies: unknown[]) =>
  scpGaps(
    policies.map((p) => JSON.stringify(p)),
    'prod',
    ACCOUNT,
    REGION,
  );
const doc = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });
const notGoldsmith = { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/prod-goldsmith-*' } };
const every = scpRequirements('prod', ACCOUNT, REGION).length;

describe("preflight's check of the service control policies", () => {
  it("passes docs/security/scp.md's own statements, and the prepared organization's", () => {
    expect(scpGaps(documentedScps(), 'prod', ACCOUNT, REGION)).toEqual({ open: [], refusesGoldsmith: [] });
    expect(gaps(...GOLDSMITH_SCP_PARTS.map((p) => p.document))).toEqual({ open: [], refusesGoldsmith: [] });
  });

  it('has the prepared organization attach the parts docs/security/scp.md gives', () => {
    expect(GOLDSMITH_SCP_PARTS.map((p) => p.content)).toEqual(documentedScps());
    expect(documentedScps().length).toBeGreaterThan(1);
  });

  it("refuses an SCP that leaves out the on-finding function's role, whose name is not the stacks' prefix", () => {
    const without = documentedScps().map((p) =>
      p
        .replaceAll(',"arn:aws:iam::*:role/goldsmith-prod-on-finding"', '')
        .replaceAll('"arn:aws:iam::*:role/goldsmith-prod-on-finding",', ''),
    );
    const refused = scpGaps(without, 'prod', ACCOUNT, REGION).refusesGoldsmith;
    expect(refused).toEqual([
      expect.stringMatching(
        /^ssm:PutParameter .* to arn:aws:iam::200000000001:role\/goldsmith-prod-on-finding \(refused by PointersOnlyByGoldsmith\)$/,
      ),
      expect.stringMatching(
        /^ec2:ModifyImageAttribute .*goldsmith-prod-on-finding \(refused by AmisOnlyByGoldsmith\)$/,
      ),
      expect.stringMatching(
        /^states:StartExecution .*goldsmith-prod-on-finding \(refused by StateMachinesOnlyByGoldsmith\)$/,
      ),
      expect.stringMatching(
        /^states:SendTaskFailure .*goldsmith-prod-on-finding \(refused by TaskTokensOnlyByGoldsmith\)$/,
      ),
    ]);
  });

  it('reports a pointers statement without ssm:DeleteParameters as open: one call deletes ten pointers', () => {
    const singular = documentedScps().map((p) =>
      p.replace(
        '"ssm:DeleteParameters","ssm:LabelParameterVersion","ssm:AddTagsToResource","ssm:PutResourcePolicy"',
        '"ssm:LabelParameterVersion","ssm:AddTagsToResource","ssm:PutResourcePolicy"',
      ),
    );
    expect(singular).not.toEqual(documentedScps());
    expect(scpGaps(singular, 'prod', ACCOUNT, REGION).open).toEqual([
      expect.stringMatching(
        /^ssm:DeleteParameters on .*parameter\/goldsmith\/base\/prod \(PointersOnlyByGoldsmith\) to /,
      ),
    ]);
  });

  it('refuses a Deny that only mentions goldsmith: one action on one resource leaves every other open', () => {
    const loose = doc({
      Effect: 'Deny',
      Action: 'lambda:InvokeFunction',
      Resource: 'arn:aws:lambda:*:*:function:prod-goldsmith-*',
      Condition: notGoldsmith,
    });
    const { open } = gaps(loose);
    // It closes only the lambda:InvokeFunction requests (the functions' and the operator doors').
    const invokes = scpRequirements('prod', ACCOUNT, REGION).filter((r) => r.action === 'lambda:InvokeFunction');
    expect(invokes.length).toBeGreaterThan(1);
    expect(open).toHaveLength(every - invokes.length);
    expect(open).toContainEqual(
      expect.stringContaining('ssm:PutParameter on arn:aws:ssm:eu-west-1:200000000001:parameter/goldsmith/base/prod'),
    );
    expect(open.some((o) => o.startsWith('secretsmanager:GetSecretValue'))).toBe(true);
  });

  it('refuses a Deny whose condition exempts everyone whose role name contains goldsmith', () => {
    const statements = documentedScps().map((p) =>
      p.replaceAll('arn:aws:iam::*:role/prod-goldsmith-*', 'arn:aws:iam::*:role/*goldsmith*'),
    );
    const { open } = scpGaps(statements, 'prod', ACCOUNT, REGION);
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((o) => o.endsWith('to arn:aws:iam::200000000001:role/goldsmith-admin'))).toBe(true);
  });

  it("refuses a Deny on another stage's names, or on a resource pattern that misses the ledger", () => {
    const otherStage = documentedScps().map((p) => p.replaceAll('prod', 'dev'));
    // The container repositories' names carry no stage (`goldsmith/<image>`): those requests stay refused.
    const stageless = scpRequirements('prod', ACCOUNT, REGION).filter((r) => r.statement.startsWith('Container'));
    expect(scpGaps(otherStage, 'prod', ACCOUNT, REGION).open.length).toBeGreaterThan((every - stageless.length) / 2);
    const ledger = documentedScps().map((p) =>
      p.replace('arn:aws:dynamodb:*:*:table/goldsmith-prod-*', 'arn:aws:dynamodb:*:*:table/prod-goldsmith-*'),
    );
    expect(scpGaps(ledger, 'prod', ACCOUNT, REGION).open).toEqual([
      expect.stringMatching(/^dynamodb:DeleteTable on .*table\/goldsmith-prod-ledger \(LedgerOnlyByTheDeployment\)/),
      expect.stringMatching(/^dynamodb:UpdateTable /),
      expect.stringMatching(/^dynamodb:UpdateTimeToLive /),
    ]);
  });

  it('refuses an SCP that denies Goldsmith its own calls (no exemption for its roles)', () => {
    const strict = doc({
      Effect: 'Deny',
      Action: ['ssm:PutParameter'],
      Resource: 'arn:aws:ssm:*:*:parameter/goldsmith/*',
    });
    expect(gaps(strict).refusesGoldsmith).toEqual([
      expect.stringContaining(
        'ssm:PutParameter on arn:aws:ssm:eu-west-1:200000000001:parameter/goldsmith/base/prod to arn:aws:iam::200000000001:role/prod-goldsmith-Promotion-PromotionPublish',
      ),
      expect.stringContaining('to arn:aws:iam::200000000001:role/goldsmith-prod-on-finding'),
    ]);
  });

  it('counts neither an Allow, nor a statement it cannot evaluate, as a denial', () => {
    expect(gaps(doc({ Effect: 'Allow', Action: '*', Resource: '*' })).open).toHaveLength(every);
    const unknown = doc({
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01' } },
    });
    expect(gaps(unknown).open).toHaveLength(every);
    expect(scpGaps(['not json'], 'prod', ACCOUNT, REGION).open).toHaveLength(every);
  });
});

describe('the evaluation of one Deny statement', () => {
  const request = (context: Record<string, string | string[]>) => ({
    action: 'ec2:CreateTags',
    resource: 'arn:aws:ec2:eu-west-1::image/ami-1',
    context,
  });
  const tags = {
    Sid: 'T',
    Effect: 'Deny',
    Action: 'ec2:*',
    Resource: '*',
    Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['goldsmith:*'] } },
  };

  it('matches ForAnyValue on a multivalued key, and not when the key is absent', () => {
    expect(denyingStatement([tags], request({ 'aws:TagKeys': ['team', 'goldsmith:managed-by'] }))).toBe('T');
    expect(denyingStatement([tags], request({ 'aws:TagKeys': ['team'] }))).toBeUndefined();
    expect(denyingStatement([tags], request({}))).toBeUndefined();
  });

  it('holds a negated operator and an IfExists operator true when the key is absent, and honours NotResource', () => {
    const negated = {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'x' } },
    };
    expect(denyingStatement([negated], request({}))).toBe('statement 1');
    const ifExists = {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { BoolIfExists: { 'lambda:InvokedViaFunctionUrl': 'false' } },
    };
    expect(denyingStatement([ifExists], request({}))).toBe('statement 1');
    expect(denyingStatement([ifExists], request({ 'lambda:InvokedViaFunctionUrl': 'true' }))).toBeUndefined();
    const notResource = { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:ec2:*::image/*' };
    expect(denyingStatement([notResource], request({}))).toBeUndefined();
  });
});

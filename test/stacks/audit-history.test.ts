import { beforeAll, describe, expect, it } from 'vitest';
import exampleCatalog from '../../goldsmith.config.js';
import { GOLDSMITH_STACKS } from '../../stacks/app.js';
import { Monitoring } from '../../stacks/Monitoring.js';
import { auditorOf, type StackFunction, type Synthesized, synthesizeShared } from './helpers.js';

/**
 * The daily read of CloudTrail's event history in the synthesized stacks: a function of its own, scheduled daily, whose
 * role looks up the history, invokes the two auditors it feeds, reads which functions are Goldsmith's and keeps its
 * windows in the ledger's audit partition, and nothing else; it is told which roles are Goldsmith's callers.
 */

let synth: Synthesized;

const monitoring = () => {
  const t = synth.templates.get(Monitoring as StackFunction);
  if (!t) throw new Error('no Monitoring stack');
  return t;
};

beforeAll(async () => {
  synth = await synthesizeShared(exampleCatalog, { stacks: [...GOLDSMITH_STACKS] as StackFunction[] });
}, 120_000);

describe("the event history's daily read in the stacks", () => {
  it('runs daily, and its role looks up the history, invokes the two auditors and keeps its windows, nothing more', () => {
    const { schedule, statements, actions } = auditorOf(monitoring(), 'AuditHistory');
    expect(schedule).toMatchObject({
      ScheduleExpression: 'cron(30 1 * * ? *)',
      Target: { Input: JSON.stringify({ audit: 'event-history' }) },
    });
    expect(actions).toEqual([
      'cloudtrail:LookupEvents',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'lambda:InvokeFunction',
      'sqs:SendMessage',
      'ssm:GetParametersByPath',
    ]);
    const of = (action: string) => statements.find((s) => [s.Action].flat().includes(action));
    expect(of('cloudtrail:LookupEvents')?.Resource).toBe('*');
    expect(JSON.stringify(of('dynamodb:GetItem')?.Condition)).toContain('"FACTORY#audit"');
    expect(JSON.stringify(of('dynamodb:PutItem')?.Condition)).toContain('FAILED-INVOCATION#*');
    const invoked = JSON.stringify(of('lambda:InvokeFunction')?.Resource);
    expect(invoked).toContain('AuditHoldings');
    expect(invoked).toContain('AuditFunctions');
    expect([of('lambda:InvokeFunction')?.Resource].flat()).toHaveLength(2);
    expect(JSON.stringify(of('ssm:GetParametersByPath')?.Resource)).toContain(':parameter/goldsmith/_functions/test"');
  });

  it("names Goldsmith's callers of the calls it looks up: Share's, Publish's, the lifecycle's, the audits', the organization sync's roles", () => {
    // The template as CloudFormation reads it: another stack's role is an import naming that role's ARN.
    const raw = monitoring().toJSON() as {
      Resources: Record<string, { Type: string; Properties: { Environment?: { Variables: Record<string, unknown> } } }>;
    };
    const fn = Object.entries(raw.Resources).find(
      ([id, r]) => id.startsWith('AuditHistory') && r.Type === 'AWS::Lambda::Function',
    );
    const variables = fn?.[1].Properties.Environment?.Variables ?? {};
    const roles = JSON.stringify(variables.GOLDSMITH_OWN_ROLES);
    for (const role of [
      'ShareServiceRole',
      'PublishServiceRole',
      'AuditHoldingsServiceRole',
      'AuditFunctionsServiceRole',
      'OrganizationSync',
    ])
      expect(roles).toContain(role);
    // Lambda's environment holds 4 KB in all (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html):
    // each role resolved to an ARN of at most 96 characters with its comma (a role name is at most 64).
    const count = (roles.match(/Fn::ImportValue/g) ?? []).length;
    const others = JSON.stringify({ ...variables, GOLDSMITH_OWN_ROLES: '' }).length;
    expect(count * 96 + others).toBeLessThan(4096);
    expect(variables).toMatchObject({ GOLDSMITH_STAGE: 'test' });
    expect(JSON.stringify(variables.AUDIT_HOLDINGS_ARN)).toContain('AuditHoldings');
  });
});

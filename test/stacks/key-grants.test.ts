import { beforeAll, describe, expect, it } from 'vitest';
import exampleCatalog from '../../goldsmith.config.js';
import { Factory } from '../../stacks/Factory.js';
import { FACTORY_IMAGE_STACKS } from '../../stacks/FactoryImages.js';
import { Ledger } from '../../stacks/Ledger.js';
import { MemberBaseline } from '../../stacks/MemberBaseline.js';
import { resourcesOf, type StackFunction, type Synthesized, synthesize } from './helpers.js';

/**
 * The AMI key grants auditor in the MemberBaseline stack (stacks/member-baseline/key-grants.ts): its own function,
 * scheduled daily, whose role holds exactly kms:ListGrants and kms:RevokeGrant on the AMI key in each of its Regions.
 */

const STACKS = [Ledger, Factory, ...FACTORY_IMAGE_STACKS, MemberBaseline] as StackFunction[];
type Statement = { Action: string | string[]; Resource: unknown };

describe('the AMI key grants auditor', () => {
  let synth: Synthesized;

  beforeAll(async () => {
    synth = await synthesize(exampleCatalog, { stacks: STACKS });
  }, 180_000);

  const props = (type: string, prefix: string) => {
    const found = Object.entries(resourcesOf(synth.template, type)).find(([id]) => id.startsWith(prefix));
    if (!found) throw new Error(`no ${type} ${prefix}…`);
    return found[1].Properties as Record<string, unknown>;
  };

  it('is scheduled daily with its own input, dead-lettering a run that cannot start', () => {
    const schedule = props('AWS::Scheduler::Schedule', 'KeyGrantsSchedule') as {
      ScheduleExpression: string;
      Target: { Input: string; DeadLetterConfig: { Arn: unknown } };
    };
    expect(schedule.ScheduleExpression).toBe('cron(30 5 * * ? *)');
    expect(JSON.parse(schedule.Target.Input)).toEqual({ audit: 'key-grants' });
    expect(JSON.stringify(schedule.Target.DeadLetterConfig.Arn)).toContain('KeyGrantsDlq');
  });

  it('knows the key and every Region it is replicated to', () => {
    const env = (props('AWS::Lambda::Function', 'KeyGrants').Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(env.AMI_KEY_REGIONS).toBe('ap-southeast-2,eu-west-1,us-east-1');
    expect(JSON.stringify(env.AMI_KEY_ARN)).toContain('AmiKey');
  });

  it("holds exactly kms:ListGrants and kms:RevokeGrant, on the key's ARN in each Region only", () => {
    const document = props('AWS::IAM::Policy', 'KeyGrantsServiceRoleDefaultPolicy').PolicyDocument as {
      Statement: Statement[];
    };
    const kms = document.Statement.filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')));
    expect(kms.map((s) => [s.Action].flat())).toEqual([['kms:ListGrants', 'kms:RevokeGrant']]);
    const resources = JSON.stringify(kms[0]?.Resource);
    for (const region of ['ap-southeast-2', 'eu-west-1', 'us-east-1']) expect(resources).toContain(`:kms:${region}:`);
    expect(resources).not.toContain('"*"');
    const actions = document.Statement.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => !/^(dynamodb|sns|xray|sqs|logs|kms|organizations|cloudformation):/.test(a))).toEqual(
      [],
    );
    expect([...new Set(actions.filter((a) => a.startsWith('dynamodb:')))].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });

  it('asks Organizations and the member baseline StackSet, read only, before revoking a grant', () => {
    const document = props('AWS::IAM::Policy', 'KeyGrantsServiceRoleDefaultPolicy').PolicyDocument as {
      Statement: Statement[];
    };
    const asked = document.Statement.filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('organizations:') || a.startsWith('cloudformation:')),
    );
    expect(asked.map((s) => [s.Action].flat())).toEqual([
      ['organizations:DescribeAccount'],
      ['organizations:ListParents'],
      ['cloudformation:ListStackInstances'],
    ]);
    expect(JSON.stringify(asked.map((s) => s.Resource))).not.toContain('"*"');
    const env = (props('AWS::Lambda::Function', 'KeyGrants').Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(env.MEMBER_BASELINE_STACK_SET).toBe('goldsmith-test-member-baseline');
  });
});

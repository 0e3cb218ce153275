import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FACTORY_DRIFT_PK } from '../../aws/audit/audit-ledger.js';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { ssmClient } from '../../aws/clients/ssm.js';
import { functionsPath } from '../../core/audit/functions.js';
import { functionCallSchema } from '../../events/function-call.js';
import { outsideChangeEventSchema } from '../../events/outside-change.js';
import { auditHistory } from '../../functions/audit-history.js';
import { VirtualClock } from '../../local/clock.js';
import type { FakeCall } from '../../local/fakes/common.js';
import { type InstalledFakes, installFakes } from '../../local/fakes/install.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { configureAuditClients } from './audit-fixtures.js';
import { catalog } from './promotion-fixtures.js';

/**
 * The daily read of CloudTrail's event history: with no trail, an outside change of an AMI's launch permissions or of
 * a Goldsmith function is handed to the auditor that reads it back the next day, as the event a trail would have
 * sent; Goldsmith's own calls ask for nothing; a run retried hands nothing on twice, and an event late in the history
 * (within the hour each window leaves it) is handed on by the next run.
 */

const ACCOUNT = '123456789012';
const STAGE = 'test';
const R = 'us-east-1';
const HOLDINGS = `arn:aws:lambda:${R}:${ACCOUNT}:function:AuditHoldings`;
const FUNCTIONS = `arn:aws:lambda:${R}:${ACCOUNT}:function:AuditFunctions`;
/** A Goldsmith role the stacks list (GOLDSMITH_OWN_ROLES), and one only named like Goldsmith's (in a path). */
const SHARE_ROLE = `arn:aws:iam::${ACCOUNT}:role/ShareServiceRole1A2B3C`;
const LOOKALIKE = `arn:aws:iam::${ACCOUNT}:role/insider/${STAGE}-goldsmith-Promotion-LifecycleRole-XyZ`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/Administrator`;
const ENGINE = `${STAGE}-goldsmith-Promotion-RolloutEngine-AbC123`;

const dynamo = useLocalDynamo();
let cloud: InstalledFakes;
let clock: VirtualClock;
/** The auditors invoked: which, and with what. */
let invoked: { target: string; event: unknown }[];

/** A call as the local cloud's fakes record it, made now. */
function call(principal: string, service: string, action: string, input: Record<string, unknown>, error?: Error) {
  const made: FakeCall = { service, action, input, body: undefined, region: R, accountId: ACCOUNT, principal };
  cloud.fakes.cloudtrail.record(made, error ? undefined : {}, error);
}

const modify = (principal: string, imageId: string) =>
  call(principal, 'ec2', 'ModifyImageAttribute', { ImageId: imageId, LaunchPermission: { Add: [{ UserId: '9' }] } });

beforeEach(async () => {
  Object.assign(process.env, {
    LEDGER_TABLE: 'ledger',
    GOLDSMITH_CATALOG: JSON.stringify(catalog),
    GOLDSMITH_STAGE: STAGE,
    AWS_REGION: R,
    AUDIT_HOLDINGS_ARN: HOLDINGS,
    AUDIT_FUNCTIONS_ARN: FUNCTIONS,
    GOLDSMITH_OWN_ROLES: SHARE_ROLE,
  });
  clock = new VirtualClock('2027-01-03T00:00:00Z');
  cloud = installFakes({ clock, accountId: ACCOUNT });
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  invoked = [];
  const lambda = {
    handle: (c: FakeCall) => {
      const payload = c.input.Payload as Uint8Array;
      invoked.push({ target: String(c.input.FunctionName), event: JSON.parse(new TextDecoder().decode(payload)) });
      return { StatusCode: 202 };
    },
  };
  configureAuditClients(cloud, dynamo.endpoint, { service: 'lambda', fake: lambda, clock, accountId: ACCOUNT });
  // The deployment's record of the rollout engine: a Goldsmith function.
  await ssmClient().send(
    new PutParameterCommand({
      Name: `${functionsPath(STAGE)}PromotionRolloutEngine`,
      Type: 'String',
      Value: JSON.stringify({
        name: ENGINE,
        arn: `arn:aws:lambda:${R}:${ACCOUNT}:function:${ENGINE}`,
        properties: { Role: SHARE_ROLE },
      }),
    }),
  );
});

afterEach(() => {
  configureClients({});
  for (const v of ['GOLDSMITH_CATALOG', 'AUDIT_HOLDINGS_ARN', 'AUDIT_FUNCTIONS_ARN', 'GOLDSMITH_OWN_ROLES'])
    delete process.env[v];
});

/** Runs the read at `iso`, the clock moved there (events become visible in the history on the way). */
async function runAt(iso: string) {
  await clock.run(Date.parse(iso));
  const done = clock.track(() => auditHistory(new Date(clock.now())));
  await clock.run(clock.now() + 60_000);
  return done;
}

describe("the daily read of CloudTrail's event history", () => {
  it("hands an outside ModifyImageAttribute to the holdings audit the next day; Goldsmith's own and refused calls ask for nothing", async () => {
    await clock.run(Date.parse('2027-01-03T13:30:00Z'));
    modify(SHARE_ROLE, 'ami-0000000000000aaaa');
    call(ADMIN, 'ec2', 'ModifyImageAttribute', { ImageId: 'ami-0000000000000bbbb' }, new Error('refused'));
    call(ADMIN, 'ec2', 'ModifyImageAttribute', { ImageId: 'ami-0000000000000cccc' }, new Error('refused'));
    modify(ADMIN, 'ami-0000000000000dddd');
    // The same AMI reset a minute later: read back once.
    await clock.run(clock.now() + 60_000);
    call(ADMIN, 'ec2', 'ResetImageAttribute', { ImageId: 'ami-0000000000000dddd', Attribute: 'launchPermission' });

    const report = await runAt('2027-01-04T01:30:00Z');

    expect(invoked.map((i) => i.target)).toEqual([HOLDINGS]);
    const event = outsideChangeEventSchema.parse(invoked[0]?.event);
    expect(event).toMatchObject({
      source: 'aws.ec2',
      'detail-type': 'AWS API Call via CloudTrail',
      region: R,
      detail: { eventName: 'ModifyImageAttribute', requestParameters: { imageId: 'ami-0000000000000dddd' } },
    });
    expect(report.amis).toEqual(['ami-0000000000000dddd']);
    expect(report.ignored).toBe(3);
    // Each Region of the catalog looked up once (its write events: one page here), the home Region's Lambda calls in
    // the same lookup; every window recorded in one ledger item.
    expect(Object.keys(report.regions).sort()).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    expect(cloud.stats.apiCalls['cloudtrail:LookupEvents']).toBe(3);
    expect(report.regions[R]).toMatchObject({ writes: 5, calls: 5, pages: 1 });
    const { Items } = await documentClient().send(
      new QueryCommand({
        TableName: 'ledger',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sweep)',
        ExpressionAttributeValues: { ':pk': FACTORY_DRIFT_PK, ':sweep': 'SWEEP#event-history' },
      }),
    );
    expect(Items?.map((i) => [i.sk, i.windows])).toEqual([
      [
        'SWEEP#event-history',
        {
          'ap-southeast-2': '2027-01-04T00:30:00.000Z',
          'eu-west-1': '2027-01-04T00:30:00.000Z',
          [R]: '2027-01-04T00:30:00.000Z',
        },
      ],
    ]);
  });

  it("reads only the kinds of call it audits of a Region's write events, Lambda's in the home Region only", async () => {
    await clock.run(Date.parse('2027-01-03T13:00:00Z'));
    call(ADMIN, 'ssm', 'PutParameter', { Name: '/someone/else', Value: 'x' });
    call(ADMIN, 'ec2', 'CreateTags', { Resources: ['ami-0000000000000aaaa'] });
    const elsewhere: FakeCall = {
      service: 'lambda',
      action: 'UpdateFunctionCode',
      input: { FunctionName: ENGINE },
      body: undefined,
      region: 'eu-west-1',
      accountId: ACCOUNT,
      principal: ADMIN,
    };
    cloud.fakes.cloudtrail.record(elsewhere, {});

    const report = await runAt('2027-01-04T01:30:00Z');

    expect(invoked).toEqual([]);
    expect(report.regions[R]).toMatchObject({ writes: 2, calls: 0 });
    expect(report.regions['eu-west-1']).toMatchObject({ writes: 1, calls: 0 });
    expect(report.ignored).toBe(0);
  });

  it("hands an outside overwrite of a channel pointer to the holdings audit as Parameter Store's own event", async () => {
    await clock.run(Date.parse('2027-01-03T15:00:00Z'));
    const pointer = { Name: '/goldsmith/base/prod', Value: 'ami-0000000000000aaaa', Overwrite: true };
    call(ADMIN, 'ssm', 'PutParameter', pointer);
    call(ADMIN, 'ssm', 'LabelParameterVersion', { Name: '/goldsmith/base/prod', Labels: ['x'] });
    call(SHARE_ROLE, 'ssm', 'DeleteParameter', { Name: '/goldsmith/base/dev' });
    call(ADMIN, 'ssm', 'PutParameter', { Name: '/goldsmith/_functions/test/X', Value: '{}', Overwrite: true });

    const report = await runAt('2027-01-04T01:30:00Z');

    expect(invoked.map((i) => i.target)).toEqual([HOLDINGS]);
    outsideChangeEventSchema.parse(invoked[0]?.event);
    expect(invoked[0]?.event).toMatchObject({
      source: 'aws.ssm',
      'detail-type': 'Parameter Store Change',
      region: R,
      resources: [`arn:aws:ssm:${R}:${ACCOUNT}:parameter/goldsmith/base/prod`],
      detail: { name: '/goldsmith/base/prod', operation: 'Update' },
    });
    expect(report).toMatchObject({ pointers: [`/goldsmith/base/prod in ${R}`], ignored: 1 });
  });

  it("hands an outside change of a Goldsmith rule's targets or state to the holdings audit, and no other team's rule", async () => {
    await clock.run(Date.parse('2027-01-03T15:00:00Z'));
    const forwarding = `${STAGE}-goldsmith-findings-to-home`;
    call(ADMIN, 'events', 'RemoveTargets', { Rule: forwarding, Ids: ['home'] });
    call(ADMIN, 'events', 'DisableRule', { Name: forwarding });
    call(ADMIN, 'events', 'DisableRule', { Name: 'another-teams-rule' });
    call(SHARE_ROLE, 'events', 'PutTargets', { Rule: forwarding, Targets: [] });

    const report = await runAt('2027-01-04T01:30:00Z');

    // Once per rule, as the earliest call's event: the holdings audit reads the rule and its targets back.
    expect(invoked.map((i) => i.target)).toEqual([HOLDINGS]);
    outsideChangeEventSchema.parse(invoked[0]?.event);
    expect(invoked[0]?.event).toMatchObject({
      source: 'aws.events',
      region: R,
      detail: { eventName: 'RemoveTargets', requestParameters: { rule: forwarding } },
    });
    expect(report).toMatchObject({ rules: [`${forwarding} in ${R}`] });
  });

  it('starts a Region where the earlier layout’s own item ended, once, and then from the one item', async () => {
    // The earlier layout: one item a Region. us-east-1's window ended at noon the day before.
    await documentClient().send(
      new PutCommand({
        TableName: 'ledger',
        Item: { pk: FACTORY_DRIFT_PK, sk: `SWEEP#event-history#${R}`, sweptAt: '2027-01-03T12:00:00.000Z' },
      }),
    );
    await clock.run(Date.parse('2027-01-03T11:00:00Z'));
    modify(ADMIN, 'ami-0000000000000aaaa');
    await clock.run(Date.parse('2027-01-03T13:00:00Z'));
    modify(ADMIN, 'ami-0000000000000bbbb');

    const first = await runAt('2027-01-04T01:30:00Z');
    const next = await runAt('2027-01-05T01:30:00Z');

    // Before the earlier window's end: looked up then, not again; after it: handed on.
    expect(first.amis).toEqual(['ami-0000000000000bbbb']);
    expect(first.regions[R]?.start).toBe('2027-01-03T12:00:00.000Z');
    expect(next.regions[R]?.start).toBe('2027-01-04T00:30:00.000Z');
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: 'ledger', Key: { pk: FACTORY_DRIFT_PK, sk: 'SWEEP#event-history' } }),
    );
    expect(Item).toMatchObject({ version: 2, windows: { [R]: '2027-01-05T00:30:00.000Z' } });
  });

  it("hands a Goldsmith function's outside code change to the functions' audit, and no other team's function", async () => {
    await clock.run(Date.parse('2027-01-03T14:00:00Z'));
    call(ADMIN, 'lambda', 'UpdateFunctionCode', { FunctionName: ENGINE, ZipFile: 'bWFsbG9yeQ==' });
    call(ADMIN, 'lambda', 'UpdateFunctionCode', { FunctionName: 'someone-elses', ZipFile: 'b3RoZXI=' });
    call(ADMIN, 'lambda', 'Invoke', { FunctionName: ENGINE });

    const report = await runAt('2027-01-04T01:30:00Z');

    expect(invoked.map((i) => i.target)).toEqual([FUNCTIONS]);
    expect(functionCallSchema.parse(invoked[0]?.event)).toMatchObject({
      source: 'aws.lambda',
      detail: { eventName: 'UpdateFunctionCode20150331v2', requestParameters: { functionName: ENGINE } },
    });
    expect(report).toMatchObject({ functions: [ENGINE], ignored: 1 });
  });

  it("reads back after a role only named like Goldsmith's: only the stack's roles' exact ARNs are Goldsmith's", async () => {
    await clock.run(Date.parse('2027-01-03T13:30:00Z'));
    modify(LOOKALIKE, 'ami-0000000000000bbbb');

    const report = await runAt('2027-01-04T01:30:00Z');

    expect(invoked.map((i) => i.target)).toEqual([HOLDINGS]);
    expect(report.amis).toEqual(['ami-0000000000000bbbb']);
  });

  it('hands nothing on twice when run again, and an event late in the history to the next day’s run', async () => {
    cloud.fakes.cloudtrail.delayMs = 59 * 60_000;
    await clock.run(Date.parse('2027-01-03T23:59:59Z'));
    modify(ADMIN, 'ami-0000000000000eeee');
    // After the first window's end (00:00, an hour before the run), and visible in the history only at 01:29.
    await clock.run(Date.parse('2027-01-04T00:30:00Z'));
    modify(ADMIN, 'ami-0000000000000ffff');

    const first = await runAt('2027-01-04T01:00:00Z');
    const again = await runAt('2027-01-04T01:05:00Z');
    const nextDay = await runAt('2027-01-05T01:00:00Z');

    expect([first.amis, again.amis, nextDay.amis]).toEqual([['ami-0000000000000eeee'], [], ['ami-0000000000000ffff']]);
    expect(invoked).toHaveLength(2);
  });
});

import {
  GetFunctionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { DeleteParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { lambdaClient } from '../../aws/clients/lambda.js';
import { configureClients } from '../../aws/clients/registry.js';
import { ssmClient } from '../../aws/clients/ssm.js';
import { functionsPath } from '../../core/audit/functions.js';
import {
  auditFunctions,
  dailyFunctions,
  expectedFunctionDeleted,
  expectedFunctions,
} from '../../functions/audit/functions.js';
import { VirtualClock } from '../../local/clock.js';
import type { FakeCall } from '../../local/fakes/common.js';
import { type InstalledFakes, installFakes } from '../../local/fakes/install.js';
import { type FunctionSpec, LambdaFunctionsFake } from '../../local/fakes/lambda-functions.js';
import { runAs } from '../../local/trust/caller.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { configureAuditClients, driftAnnouncements } from './audit-fixtures.js';

/**
 * Attack: a principal of the factory account with lambda:* (no Goldsmith role, or the management account where no SCP
 * applies) replaces the rollout engine's code, or points it at a role of their own, so that their code runs as
 * Goldsmith. The functions' audit finds it against what the deployment wrote, stops the function (reserved
 * concurrency 0) and announces it critical, naming the function and what changed.
 */

const ACCOUNT = '123456789012';
const STAGE = 'test';
const NOTIFY = `arn:aws:sns:us-east-1:${ACCOUNT}:goldsmith-${STAGE}-notifications`;
const ENGINE = `${STAGE}-goldsmith-Promotion-RolloutEngine-AbC123`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/${STAGE}-goldsmith-Promotion-RolloutEngineRole-XyZ`;
const DEPLOYED = '2027-01-18T00:10:00Z';
const STACK = `${STAGE}-goldsmith-Promotion`;

const dynamo = useLocalDynamo();
let cloud: InstalledFakes;
let clock: VirtualClock;
let lambda: LambdaFunctionsFake;
/** Lambda's calls the audit made, by action. */
let lambdaCalls: Record<string, number>;
/** The functions Lambda's calls named, in order. */
let lambdaNamed: string[];

const spec: FunctionSpec = {
  FunctionName: ENGINE,
  Role: ROLE,
  Handler: 'functions/rollout.handler',
  Runtime: 'nodejs22.x',
  Timeout: 60,
  MemorySize: 512,
  Environment: { LEDGER_TABLE: 'ledger', GOLDSMITH_STAGE: STAGE },
  Layers: [],
  code: 'the bundle the deployment uploaded',
};

/** What a deploy does: the functions, then (each names its function) their expected properties' parameters. */
async function deploy(specs: readonly FunctionSpec[] = [spec]): Promise<void> {
  for (const s of specs) lambda.deploy(s);
  clock.moveTo(clock.now() + 20_000);
  for (const [i, s] of specs.entries()) {
    // A second apart: Parameter Store throttles PutParameter beyond a few a second (the fake as AWS).
    if (i > 0) clock.moveTo(clock.now() + 1_000);
    await writeParameter(s);
  }
}

/** A function's expected properties, as CloudFormation writes them (the rollout engine's by default). */
async function writeParameter(fn: FunctionSpec = spec): Promise<void> {
  const { FunctionName, code: _code, Environment, ...props } = fn;
  const properties = {
    ...props,
    Environment: { Variables: Environment },
    Code: { S3Bucket: 'cdk-assets', S3Key: 'abc123.zip' },
  };
  await ssmClient().send(
    new PutParameterCommand({
      Name: `${functionsPath(STAGE)}${fn === spec ? 'PromotionRolloutEngine' : FunctionName}`,
      Type: 'String',
      Overwrite: true,
      Value: JSON.stringify({
        name: FunctionName,
        arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${FunctionName}`,
        stack: STACK,
        properties,
      }),
    }),
  );
}

const drifts = async () =>
  (
    await documentClient().send(
      new QueryCommand({
        TableName: 'ledger',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': 'FACTORY#audit', ':p': 'DRIFT#function#' },
      }),
    )
  ).Items ?? [];
const announced = () => driftAnnouncements(cloud, NOTIFY);
const now = () => new Date(clock.now());

beforeEach(async () => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = NOTIFY;
  clock = new VirtualClock(DEPLOYED);
  cloud = installFakes({ clock, accountId: ACCOUNT, topics: [NOTIFY] });
  lambda = new LambdaFunctionsFake(ACCOUNT, 'us-east-1', () => clock.now());
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  lambdaCalls = {};
  lambdaNamed = [];
  const counted = {
    handle: (call: FakeCall) => {
      lambdaCalls[call.action] = (lambdaCalls[call.action] ?? 0) + 1;
      if (typeof call.input.FunctionName === 'string') lambdaNamed.push(call.input.FunctionName);
      return lambda.handle(call);
    },
  };
  configureAuditClients(cloud, dynamo.endpoint, { service: 'lambda', fake: counted, clock, accountId: ACCOUNT });
  await deploy();
  clock.moveTo(clock.now() + 3_600_000);
});

afterEach(() => configureClients({}));

describe("attack: a Goldsmith function's code or configuration changed outside the deployment", () => {
  it('leaves a function as the deployment made it alone: one read of the expected functions and one per function', async () => {
    const part = await auditFunctions(now(), STAGE);
    expect(part).toMatchObject({ checked: 1, reads: 2, findings: [], failures: [] });
    expect(lambda.functions.get(ENGINE)?.reserved).toBeUndefined();
    expect(announced()).toEqual([]);
  });

  it("reads only the function an event names: a Lambda call's function, a deploy's parameter", async () => {
    const other = `${functionsPath(STAGE)}PromotionPublish`;
    await ssmClient().send(
      new PutParameterCommand({
        Name: other,
        Type: 'String',
        Value: JSON.stringify({ name: 'publish', properties: { Role: ROLE } }),
      }),
    );
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${ENGINE}`;
    expect(await auditFunctions(now(), STAGE, undefined, { functionName: arn })).toMatchObject({
      checked: 1,
      reads: 2,
    });
    const byParameter = { parameter: `${functionsPath(STAGE)}PromotionRolloutEngine` };
    expect(await auditFunctions(now(), STAGE, undefined, byParameter)).toMatchObject({ checked: 1, findings: [] });
    // A call on a function that is not Goldsmith's reads them all (the other one is not there: a failure, reported).
    const all = await auditFunctions(now(), STAGE, undefined, { functionName: 'someone-elses' });
    expect(all).toMatchObject({
      checked: 2,
      failures: [expect.stringContaining('function publish: Function not found')],
    });
  });

  it('stops the rollout engine whose code someone replaced, and announces it critical', async () => {
    await lambdaClient().send(
      new UpdateFunctionCodeCommand({ FunctionName: ENGINE, ZipFile: new TextEncoder().encode('mallory') }),
    );
    clock.moveTo(clock.now() + 60_000);

    const part = await auditFunctions(now(), STAGE);

    expect(lambda.runs(ENGINE)).toBe(false);
    expect(part.findings).toEqual([
      expect.objectContaining({
        resource: 'function',
        name: ENGINE,
        found: expect.stringMatching(/^code or configuration changed at 2027-01-18T01:10:20\.000Z, after the deploy/),
        action: expect.stringContaining('stopped (reserved concurrency 0)'),
      }),
    ]);
    expect(announced()).toEqual([{ severity: 'critical', subject: `function ${ENGINE}: changed outside Goldsmith` }]);
    const [record] = await drifts();
    expect(record?.repairedAt).toBeDefined();
    // Stopped for good: Lambda throttles it; the next run keeps it stopped and announces nothing twice the same day.
    await auditFunctions(now(), STAGE);
    expect(announced()).toHaveLength(1);
  });

  it('names a role, a handler and an environment variable changed by UpdateFunctionConfiguration', async () => {
    await lambdaClient().send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: ENGINE,
        Role: `arn:aws:iam::${ACCOUNT}:role/mallory`,
        Handler: 'evil.handler',
        Environment: {
          Variables: { LEDGER_TABLE: 'ledger', GOLDSMITH_STAGE: 'prod', NODE_OPTIONS: '--require /tmp/x' },
        },
      }),
    );

    const [finding] = (await auditFunctions(now(), STAGE)).findings;

    expect(finding?.found.split('; ').slice(0, 4)).toEqual([
      `role arn:aws:iam::${ACCOUNT}:role/mallory instead of ${ROLE}`,
      'handler evil.handler',
      'environment variable GOLDSMITH_STAGE changed',
      'environment variable NODE_OPTIONS added',
    ]);
    expect(lambda.runs(ENGINE)).toBe(false);
  });

  it('takes a deploy after the change as the deployment’s own: nothing found', async () => {
    await lambdaClient().send(new UpdateFunctionCodeCommand({ FunctionName: ENGINE, S3Bucket: 'b', S3Key: 'k.zip' }));
    clock.moveTo(clock.now() + 60_000);
    await deploy();
    expect((await auditFunctions(now(), STAGE)).findings).toEqual([]);
  });

  it("takes a failed deploy's rollback, which updates the function after its parameter, as the deployment's own", async () => {
    // The failed deploy updated the function, then its parameter; its rollback puts both back, here the function
    // last, and completes.
    await deploy();
    clock.moveTo(clock.now() + 60_000);
    await writeParameter();
    clock.moveTo(clock.now() + 5_000);
    lambda.deploy(spec);
    clock.moveTo(clock.now() + 30_000);
    cloud.fakes.stackEvents.completed(STACK, 'UPDATE_ROLLBACK_COMPLETE', now());
    clock.moveTo(clock.now() + 3_600_000);

    const part = await auditFunctions(now(), STAGE);
    expect(part).toMatchObject({ findings: [], reads: 3 });
    expect(lambda.runs(ENGINE)).toBe(true);

    // A change after the rollback completed is someone else's.
    await lambdaClient().send(new UpdateFunctionCodeCommand({ FunctionName: ENGINE, S3Bucket: 'b', S3Key: 'k.zip' }));
    expect((await auditFunctions(now(), STAGE)).findings).toHaveLength(1);
    expect(lambda.runs(ENGINE)).toBe(false);
  });

  it('announces a deleted expected-function parameter: that function is out of the audit', async () => {
    const name = `${functionsPath(STAGE)}PromotionRolloutEngine`;
    await ssmClient().send(new DeleteParameterCommand({ Name: name }));
    const part = await expectedFunctionDeleted(name, 'event-1', now());
    expect(part.findings).toEqual([expect.objectContaining({ resource: 'function', name, repaired: false })]);
    expect(announced()).toEqual([{ severity: 'critical', subject: `function ${name}: changed outside Goldsmith` }]);
  });

  it('a stopped function is refused by Lambda until a person lifts the stop', async () => {
    await lambdaClient().send(new UpdateFunctionCodeCommand({ FunctionName: ENGINE, S3Bucket: 'b', S3Key: 'k.zip' }));
    await auditFunctions(now(), STAGE);
    expect(lambda.functions.get(ENGINE)?.reserved).toBe(0);
    // As Lambda answers an invocation of it (the SDK would retry the 429 for minutes of the virtual clock).
    const invoke = { FunctionName: ENGINE, InvocationType: 'Event' };
    const call = { service: 'lambda', action: 'Invoke', input: invoke, body: invoke, region: 'us-east-1' };
    expect(() => lambda.handle({ ...call, accountId: ACCOUNT })).toThrow(
      expect.objectContaining({
        name: 'TooManyRequestsException',
        $metadata: expect.objectContaining({ httpStatusCode: 429 }),
      }),
    );
  });
});

/** The name of the `i`th of the functions `others` adds. */
const worker = (i: number) => `${STAGE}-goldsmith-Promotion-Worker${i}-AbC123`;

/** `n` more Goldsmith functions beside the rollout engine, each its own name and role. */
const others = (n: number): FunctionSpec[] =>
  Array.from({ length: n }, (_, i) => ({
    ...spec,
    FunctionName: worker(i),
    Role: `${ROLE}${i}`,
  }));

/** Another team's function in the same account and Region, with a secret in its environment. */
const PAYMENTS: FunctionSpec = {
  ...spec,
  FunctionName: 'payments-api',
  Role: `arn:aws:iam::${ACCOUNT}:role/payments`,
  Environment: { DB_PASSWORD: 'hunter2' },
};

describe("the functions' audit reads each Goldsmith function on its own (GetFunction), never the account's listing", () => {
  it("reads 55 unchanged functions with 55 GetFunction, no ListFunctions and none of another team's, stopping none", async () => {
    await deploy(others(54));
    lambda.deploy(PAYMENTS);
    clock.moveTo(clock.now() + 3_600_000);
    lambdaCalls = {};
    lambdaNamed = [];

    const part = await auditFunctions(now(), STAGE);

    expect(part).toMatchObject({ checked: 55, findings: [], failures: [], reads: 1 + 55 });
    expect(lambdaCalls).toEqual({ GetFunction: 55 });
    expect(new Set(lambdaNamed)).toEqual(new Set([ENGINE, ...others(54).map((f) => f.FunctionName)]));
    expect(announced()).toEqual([]);
  });

  it('finds a changed code, environment and role, stops those three, and reads each stop back', async () => {
    await deploy(others(4));
    const [code, environment, role, untouched] = [worker(0), worker(1), worker(2), worker(3)];
    clock.moveTo(clock.now() + 3_600_000);
    await lambdaClient().send(new UpdateFunctionCodeCommand({ FunctionName: code, S3Bucket: 'b', S3Key: 'k.zip' }));
    await lambdaClient().send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: environment,
        Environment: {
          Variables: { LEDGER_TABLE: 'ledger', GOLDSMITH_STAGE: STAGE, NODE_OPTIONS: '--require /tmp/x' },
        },
      }),
    );
    await lambdaClient().send(
      new UpdateFunctionConfigurationCommand({ FunctionName: role, Role: `arn:aws:iam::${ACCOUNT}:role/mallory` }),
    );
    clock.moveTo(clock.now() + 60_000);
    lambdaCalls = {};

    const part = await auditFunctions(now(), STAGE);

    expect(Object.fromEntries(part.findings.map((f) => [f.name, f.found]))).toEqual({
      [code]: expect.stringMatching(/^code or configuration changed at /),
      [environment]: expect.stringMatching(/^environment variable NODE_OPTIONS added; /),
      [role]: expect.stringMatching(/^role arn:aws:iam::123456789012:role\/mallory instead of /),
    });
    for (const changed of [code, environment, role]) expect(lambda.runs(changed)).toBe(false);
    expect([lambda.runs(untouched), lambda.runs(ENGINE)]).toEqual([true, true]);
    // One GetFunction per function (its reserved concurrency with it); per changed function the stop and its read-back.
    expect(lambdaCalls).toEqual({ GetFunction: 5 + 3, PutFunctionConcurrency: 3 });
    expect(announced()).toHaveLength(3);
  });

  it('reports a deleted function as gone and reads the others', async () => {
    await deploy(others(2));
    const deleted = worker(0);
    lambda.functions.delete(deleted);
    lambdaCalls = {};

    const part = await auditFunctions(now(), STAGE);

    expect(part).toMatchObject({
      checked: 3,
      findings: [],
      failures: [`function ${deleted}: Function not found: arn:aws:lambda:us-east-1:${ACCOUNT}:function:${deleted}`],
    });
    expect(lambdaCalls).toEqual({ GetFunction: 3 });
  });

  it("reads only the function a Lambda call's event names, by GetFunction", async () => {
    await deploy(others(3));
    lambdaCalls = {};
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${ENGINE}`;

    expect(await auditFunctions(now(), STAGE, undefined, { functionName: arn })).toMatchObject({
      checked: 1,
      findings: [],
    });
    expect(lambdaCalls).toEqual({ GetFunction: 1 });
  });

  it("reads back the event history's reader and the auditor itself every day between sweeps: two GetFunction", async () => {
    await deploy(others(3));
    const [history, auditor] = [worker(0), worker(1)];
    clock.moveTo(clock.now() + 3_600_000);
    // The history's reader changed (it would hide every other change without a trail), and another function too.
    await lambdaClient().send(new UpdateFunctionCodeCommand({ FunctionName: history, S3Bucket: 'b', S3Key: 'k.zip' }));
    await lambdaClient().send(new UpdateFunctionCodeCommand({ FunctionName: ENGINE, S3Bucket: 'b', S3Key: 'k.zip' }));
    clock.moveTo(clock.now() + 60_000);
    lambdaCalls = {};
    lambdaNamed = [];
    const daily = new Set([history, auditor, 'not-deployed'].map((name) => `${functionsPath(STAGE)}${name}`));

    const part = await auditFunctions(
      now(),
      STAGE,
      auditor,
      undefined,
      dailyFunctions(expectedFunctions(STAGE), daily),
    );

    expect(part.findings.map((f) => f.name)).toEqual([history]);
    expect(new Set(lambdaNamed)).toEqual(new Set([history, auditor]));
    expect(lambdaCalls).toEqual({ GetFunction: 2 + 1, PutFunctionConcurrency: 1 });
    expect([lambda.runs(history), lambda.runs(ENGINE)]).toEqual([false, true]);
  });
});

describe("the functions' records a run reads", () => {
  const ssmCalls = () => ({
    GetParameter: cloud.stats.apiCalls['ssm:GetParameter'] ?? 0,
    GetParametersByPath: cloud.stats.apiCalls['ssm:GetParametersByPath'] ?? 0,
  });

  it("reads only the parameter a deploy rewrote (GetParameter), and every one when it is gone or another stage's", async () => {
    await deploy(others(11));
    const rewritten = `${functionsPath(STAGE)}${worker(3)}`;
    const before = ssmCalls();
    lambdaCalls = {};

    const part = await auditFunctions(
      now(),
      STAGE,
      undefined,
      { parameter: rewritten },
      expectedFunctions(STAGE, rewritten),
    );

    expect(part).toMatchObject({ checked: 1, findings: [], failures: [] });
    expect(ssmCalls()).toEqual({
      GetParameter: before.GetParameter + 1,
      GetParametersByPath: before.GetParametersByPath,
    });
    expect(lambdaCalls).toEqual({ GetFunction: 1 });
    // Gone by the time it is read: every record (12, two pages of ten).
    expect(await expectedFunctions(STAGE, `${functionsPath(STAGE)}Deleted`)()).toHaveLength(12);
    // Another stage's parameter is not this audit's to read alone.
    expect(await expectedFunctions(STAGE, `${functionsPath('prod')}${worker(3)}`)()).toHaveLength(12);
    expect(ssmCalls()).toEqual({
      GetParameter: before.GetParameter + 2,
      GetParametersByPath: before.GetParametersByPath + 4,
    });
  });

  it('reads the records once for a run that asks twice', async () => {
    const before = ssmCalls();
    const records = expectedFunctions(STAGE);
    const [first, second] = await Promise.all([records(), records()]);
    expect(first).toBe(second);
    expect(ssmCalls().GetParametersByPath).toBe(before.GetParametersByPath + 1);
  });
});

describe("attack: an outside principal re-encrypts a Goldsmith function's environment with a key of its own", () => {
  const MALLORY = `arn:aws:iam::${ACCOUNT}:role/mallory`;
  const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;

  /** Mallory's key, whose policy lets only Mallory use it; then the rollout engine's environment re-encrypted with it. */
  async function reencrypt(): Promise<void> {
    cloud.fakes.kms.createKey(
      'us-east-1',
      KEY_ID,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: MALLORY }, Action: 'kms:*', Resource: '*' }],
      }),
    );
    lambda.keys = cloud.fakes.kms;
    await runAs(MALLORY, () =>
      lambdaClient().send(new UpdateFunctionConfigurationCommand({ FunctionName: ENGINE, KMSKeyArn: KEY })),
    );
    clock.moveTo(clock.now() + 60_000);
  }

  it('reports the other key and the unreadable environment, not every variable removed, and stops the function', async () => {
    await reencrypt();

    const part = await auditFunctions(now(), STAGE);

    const [finding] = part.findings;
    expect(finding?.found.split('; ').slice(0, 2)).toEqual([
      `environment encrypted with another key (${KEY})`,
      'environment unreadable (AccessDeniedException)',
    ]);
    expect(finding?.found).not.toContain('removed');
    expect(finding?.action).toContain('stopped (reserved concurrency 0)');
    expect(lambda.runs(ENGINE)).toBe(false);
    expect(announced()).toEqual([{ severity: 'critical', subject: `function ${ENGINE}: changed outside Goldsmith` }]);
  });

  it("answers the key's own user the variables and the auditor Environment.Error, as Lambda does", async () => {
    await reencrypt();
    const read = () => lambdaClient().send(new GetFunctionCommand({ FunctionName: ENGINE }));

    const auditor = (await read()).Configuration;
    expect(auditor?.KMSKeyArn).toBe(KEY);
    expect(auditor?.Environment).toEqual({
      Error: { ErrorCode: 'AccessDeniedException', Message: expect.stringContaining('kms:Decrypt') },
    });
    const mallory = (await runAs(MALLORY, read)).Configuration;
    expect(mallory?.Environment).toEqual({ Variables: spec.Environment });
  });
});

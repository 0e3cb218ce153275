import { UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaClient } from '../../aws/clients/lambda.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { armSchedule } from '../../local/simulator/driver.js';
import { OUTSIDE_ADMIN } from '../../local/simulator/outside-change.js';
import { runAs } from '../../local/trust/caller.js';
import { devChannel, prodChannel } from '../scenarios/helpers.js';
import { cloudTrailCall, functionArnOf, operatorCatalog, startOperatorCloud } from './operator-helpers.js';

/**
 * Attack: an administrator of the factory account (no Goldsmith role; or the management account, where no SCP
 * applies) uploads their own code into the promotion's publisher, so that it runs as the role that moves channel pointers.
 * Where a trail records Lambda's calls, its CloudTrail event has the functions' auditor read the functions back within
 * minutes: the function is stopped (reserved concurrency 0) and the change announced critical; without one, the
 * daily run does the same.
 */

let cloud: LocalCloud;

const publisher = () => functionArnOf(cloud, 'functions/promotion/publish.handler').split(':').pop() ?? '';
const later = (minutes: number) => new Date(cloud.clock.now() + minutes * 60_000).toISOString();
const functionDrifts = () =>
  cloud.installed.fakes.sns.messages
    .filter((m) => m.attributes.event === 'drift-found' && (m.subject ?? '').startsWith('function '))
    .map((m) => ({ subject: m.subject ?? '', severity: m.attributes.severity }));

beforeAll(async () => {
  cloud = await startOperatorCloud(
    operatorCatalog(['us-east-1'], [devChannel({ soak: '1h' }), prodChannel({ soak: '1h' })], {}),
    '2027-02-10T00:00:00Z',
  );
}, 180_000);

afterAll(() => cloud?.stop());

describe("attack: a Goldsmith function's code replaced outside the deployment", () => {
  it('finds nothing in the functions as the deploy made them: one GetFunction per function, no listing, one page per ten', async () => {
    const calls = () => ({ ...cloud.installed.stats.apiCalls });
    const before = calls();
    armSchedule(cloud, 'AuditFunctionsSchedule', cloud.clock.now() + 60_000);
    await cloud.clock.run(later(10));
    expect(functionDrifts()).toEqual([]);
    const made = (k: string) => (calls()[k] ?? 0) - (before[k] ?? 0);
    // One per function of the templates (the local cloud names a function by its logical id, so the stacks' custom
    // resource handlers, alike in every stack, are one function here, read once per stack); never the account's
    // listing, which would read every function of the account.
    const functions = cloud.templates.flatMap((t) =>
      Object.values(t.Resources ?? {}).filter((r) => r.Type === 'AWS::Lambda::Function'),
    ).length;
    expect(functions).toBeGreaterThanOrEqual(20);
    // The same daily run reads the roles' records too (functions/audit/roles.ts), ten a page as well.
    const roleRecords = cloud.templates
      .flatMap((t) => Object.values(t.Resources ?? {}))
      .filter((r) => r.Type === 'AWS::SSM::Parameter' && String(r.Properties?.Name).startsWith('/goldsmith/_roles/'));
    expect([made('lambda:ListFunctions'), made('lambda:GetFunction'), made('ssm:GetParametersByPath')]).toEqual([
      0,
      functions,
      Math.ceil(functions / 10) + Math.ceil(roleRecords.length / 10),
    ]);
    expect(cloud.functions.runs(publisher())).toBe(true);
  }, 120_000);

  it('with a trail, UpdateFunctionCode20150331v2 has the publisher stopped and announced within minutes', async () => {
    cloud.rolePolicies.set(OUTSIDE_ADMIN, [
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    ]);
    await runAs(OUTSIDE_ADMIN, () =>
      lambdaClient().send(
        new UpdateFunctionCodeCommand({ FunctionName: publisher(), ZipFile: new TextEncoder().encode('mallory') }),
      ),
    );
    cloud.bus.put(
      cloudTrailCall(cloud, 'lambda', 'UpdateFunctionCode20150331v2', { functionName: publisher() }),
      'default',
      'us-east-1',
    );
    await cloud.clock.run(later(5));

    expect(cloud.functions.runs(publisher())).toBe(false);
    expect(functionDrifts()).toEqual([
      { subject: `function ${publisher()}: changed outside Goldsmith`, severity: 'critical' },
    ]);
  }, 120_000);
});

import { beforeAll, describe, expect, it } from 'vitest';
import { retrierOf, retryPolicy } from '../../core/errors/retry.js';
import { POINTER_NOT_TAKEN, POINTER_RETRY } from '../../core/promotion/pointer-taken.js';
import exampleCatalog from '../../goldsmith.config.js';
import { matchesPattern } from '../../local/eventbridge/match.js';
import { Promotion } from '../../stacks/Promotion.js';
import { aslFromTemplate, type TemplateJson } from '../../stacks/promotion/asl.js';
import { approvalStateName, soakStateName } from '../../stacks/promotion/definition.js';
import { stateChangeEvent } from '../handlers/promotion-fixtures.js';
import { minimalCatalog, resourcesOf, type Synthesized, synthesize, synthesizeShared } from './helpers.js';

/** Publish's own retrier for a pointer Parameter Store has not taken (yet). */
const POINTER_RETRIER = {
  ErrorEquals: [POINTER_NOT_TAKEN],
  IntervalSeconds: POINTER_RETRY.intervalSeconds,
  BackoffRate: POINTER_RETRY.backoffRate,
  MaxAttempts: POINTER_RETRY.maxAttempts,
};

type State = {
  Type: string;
  Resource?: string;
  Retry?: unknown[];
  Catch?: unknown[];
  TimeoutSeconds?: number;
  [k: string]: unknown;
};
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

let synth: Synthesized;
let template: TemplateJson;
let states: Record<string, State>;

/** Every state, including those inside Map iterations. */
function allStates(definition: { States: Record<string, State> }): Record<string, State> {
  const found: Record<string, State> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    found[name] = state;
    const processor = state.ItemProcessor as { States: Record<string, State> } | undefined;
    if (processor) Object.assign(found, allStates(processor));
  }
  return found;
}

/** Policy statements attached to a role, by role logical id. */
function statementsByRole(): Map<string, Statement[]> {
  const byRole = new Map<string, Statement[]>();
  for (const policy of Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy'))) {
    const doc = policy.Properties.PolicyDocument as { Statement: Statement[] };
    for (const role of policy.Properties.Roles as string[]) {
      byRole.set(role, [...(byRole.get(role) ?? []), ...doc.Statement]);
    }
  }
  return byRole;
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

beforeAll(async () => {
  synth = await synthesizeShared(exampleCatalog, { stacks: [Promotion] });
  template = synth.template.toJSON() as TemplateJson;
  states = allStates(aslFromTemplate(template, 'PromotionStateMachine') as { States: Record<string, State> });
});

describe('Promotion stack: state machine', () => {
  it('is a Standard workflow with X-Ray tracing and ALL-level logging without execution data', () => {
    synth.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      // includeExecutionData false: payloads carry approval task tokens and org targets; the history keeps them.
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
  });

  it("gives every Task core's transient-error Retry (backoff, full jitter, 24-hour horizon) and a Catch", () => {
    const policy = retrierOf(retryPolicy());
    const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThanOrEqual(9);
    for (const [name, task] of tasks) {
      expect(task.Retry, name).toEqual(name === 'Publish' ? [policy, POINTER_RETRIER] : [policy]);
      expect(task.Catch?.length, name).toBeGreaterThan(0);
    }
  });

  it('retries a Publish whose pointer Parameter Store has not taken a few times, then catches it into RecordOutcome', () => {
    expect(states.Publish?.Retry?.at(-1)).toEqual(POINTER_RETRIER);
    expect(states.Publish?.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordOutcome' },
    ]);
  });

  it('waits transient errors out over the catalog retryHorizon', async () => {
    const longer = await synthesize({ ...exampleCatalog, resilience: { retryHorizon: '3d' } }, { stacks: [Promotion] });
    const asl = aslFromTemplate(longer.template.toJSON() as TemplateJson, 'PromotionStateMachine');
    const longerStates = allStates(asl as { States: Record<string, State> });
    const expected = retrierOf(retryPolicy(3 * 86_400));
    expect(expected.MaxAttempts).toBeGreaterThan(retrierOf(retryPolicy()).MaxAttempts);
    for (const [name, task] of Object.entries(longerStates).filter(([, s]) => s.Type === 'Task')) {
      expect(task.Retry, name).toEqual(name === 'Publish' ? [expected, POINTER_RETRIER] : [expected]);
    }
  });

  it("gives every waitForTaskToken task its TimeoutSeconds from the catalog: the approval's timeout, or the soak", () => {
    const waits = Object.entries(states).filter(([, s]) => s.Resource?.endsWith('.waitForTaskToken'));
    expect(Object.fromEntries(waits.map(([name, task]) => [name, task.TimeoutSeconds]))).toEqual({
      [approvalStateName('prod')]: 3 * 86_400,
      [soakStateName('dev')]: 86_400,
      [soakStateName('staging')]: 3 * 86_400,
    });
  });

  it('takes a soak that runs out (States.Timeout) on to SoakCheck, and any other failure to RecordOutcome', () => {
    const soak = states[soakStateName('dev')];
    expect(soak?.Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.soakEnded', Next: 'SoakCheck' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordOutcome' },
    ]);
    expect(soak?.Next).toBe('SoakCheck');
  });

  it('walks the channels one at a time', () => {
    const map = states['Promote channels'];
    expect(map).toMatchObject({ Type: 'Map', MaxConcurrency: 1, ItemsPath: '$.plan.channels' });
  });

  it('uses JSONPath only, so the local simulator can run it', () => {
    expect(JSON.stringify(states)).not.toContain('JSONata');
  });
});

describe('Promotion stack: permissions', () => {
  it("lets only the approval callback's role, and the reconciler delivering recorded decisions, send task responses", () => {
    const senders = [...statementsByRole()]
      .filter(([, statements]) => statements.some((s) => actionsOf(s).includes('states:SendTaskSuccess')))
      .map(([role]) => role)
      .sort();
    expect(senders).toHaveLength(2);
    expect(senders[0]).toMatch(/^<ApprovalCallbackServiceRole/);
    expect(senders[1]).toMatch(/^<ReconcileServiceRole/);
  });

  it('lets on-lifecycle-request, which revokes, fail waiting tasks, and on-finding, which hands it revocations, no Step Functions action', () => {
    const statesOf = (pattern: RegExp) =>
      [...statementsByRole()]
        .filter(([role]) => pattern.test(role))
        .map(([, statements]) => statements.flatMap((s) => actionsOf(s).filter((a) => a.startsWith('states:'))));
    expect(statesOf(/^<OnLifecycleRequestServiceRole/)).toStrictEqual([['states:SendTaskFailure']]);
    expect(statesOf(/^<OnFindingServiceRole/)).toStrictEqual([[]]);
  });

  it('lets the state machine role invoke only our task functions', () => {
    const role = [...statementsByRole()].find(([name]) => name.startsWith('<PromotionStateMachineRole'));
    const invokes = (role?.[1] ?? []).filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    const resources = invokes.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource])) as string[];
    expect(resources.length).toBeGreaterThan(0);
    for (const resource of resources) expect(resource).toMatch(/^<Promotion[A-Za-z]+[0-9A-F]{8}\.Arn>(:\*)?$/);
    expect(resources.some((r) => r.includes('OnImageEvent') || r.includes('ApprovalCallback'))).toBe(false);
  });

  it('lets only on-image-event and the reconciler (for events that never arrived) start promotions', () => {
    const starters = [...statementsByRole()]
      .filter(([, statements]) => statements.some((s) => actionsOf(s).includes('states:StartExecution')))
      .map(([role]) => role)
      .sort();
    expect(starters).toHaveLength(2);
    expect(starters[0]).toMatch(/^<OnImageEventServiceRole/);
    expect(starters[1]).toMatch(/^<ReconcileServiceRole/);
  });

  it('serves approval links from a function URL whose handler checks the HMAC signature', () => {
    synth.template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    synth.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'goldsmith/test/approval-links',
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
    // The functions get the name as written, which the secret lookup (GetSecretValue by name) needs.
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { APPROVAL_SECRET_NAME: 'goldsmith/test/approval-links' } },
    });
  });
});

describe('Promotion stack: event rules', () => {
  it('routes every Image Builder state change to on-image-event with retries and a dead-letter queue', () => {
    const rules = Object.values(resourcesOf(synth.template, 'AWS::Events::Rule'));
    const stateChange = rules.find((r) =>
      JSON.stringify(r.Properties.EventPattern).includes('EC2 Image Builder Image State Change'),
    );
    const targets = (stateChange?.Properties.Targets ?? []) as { DeadLetterConfig?: unknown; RetryPolicy?: unknown }[];
    const target = targets[0];
    expect(target?.DeadLetterConfig).toBeDefined();
    expect(target?.RetryPolicy).toMatchObject({ MaximumEventAgeInSeconds: 86_400 });
    const pattern = stateChange?.Properties.EventPattern;
    expect(matchesPattern(pattern, stateChangeEvent('AVAILABLE'))).toBe(true);
    // Every status, not only AVAILABLE: the gate needs to see that the build went through TESTING.
    expect(matchesPattern(pattern, stateChangeEvent('TESTING', undefined, 'BUILDING'))).toBe(true);
    const cveEvent = { ...stateChangeEvent('AVAILABLE'), 'detail-type': 'EC2 Image Builder CVE Detected' };
    expect(matchesPattern(pattern, cveEvent)).toBe(false);
  });

  it("sends CloudTrail's events of a resource policy put on or taken off a channel pointer to the auditor, no other", () => {
    const rules = Object.values(resourcesOf(synth.template, 'AWS::Events::Rule'));
    // The test app's account (a placeholder): the rule takes only the factory account's calls.
    const call = (eventName: string, resourceArn: string) => ({
      source: 'aws.ssm',
      'detail-type': 'AWS API Call via CloudTrail',
      account: 'my-account',
      region: 'eu-west-1',
      detail: { eventSource: 'ssm.amazonaws.com', eventName, requestParameters: { resourceArn } },
    });
    const pointer = 'arn:aws:ssm:eu-west-1:111122223333:parameter/goldsmith/base/prod';
    const matching = (event: unknown) =>
      rules.filter((r) => matchesPattern(r.Properties.EventPattern, event)).map((r) => r.Properties.Targets);
    const [targets] = matching(call('PutResourcePolicy', pointer));
    expect(JSON.stringify(targets)).toContain('AuditHoldings');
    expect(matching(call('DeleteResourcePolicy', pointer))).toHaveLength(1);
    expect(matching(call('GetResourcePolicies', pointer))).toEqual([]);
    expect(matching(call('PutResourcePolicy', 'arn:aws:ssm:eu-west-1:111122223333:parameter/team/other'))).toEqual([]);
  });

  it('ticks the organization full read daily (the function reads when organizationFullReadEvery has passed)', () => {
    const schedules = Object.values(resourcesOf(synth.template, 'AWS::Scheduler::Schedule'));
    const fullRead = schedules.find((s) => String(s.Properties.Description).includes('read the organization in full'));
    expect(fullRead?.Properties.ScheduleExpression).toBe('rate(1 day)');
  });
});

describe('Promotion stack: lifecycle', () => {
  it('routes "Image Revoked" on Goldsmith bus to on-lifecycle-request, with a DLQ', () => {
    const rules = Object.values(resourcesOf(synth.template, 'AWS::Events::Rule'));
    const rule = rules.find((r) => JSON.stringify(r.Properties.Description).includes('on-lifecycle-request'));
    expect(rule?.Properties.EventPattern).toEqual({ source: ['goldsmith'], 'detail-type': ['Image Revoked'] });
    expect(rule?.Properties.EventBusName).toBeDefined();
    const target = (rule?.Properties.Targets as { DeadLetterConfig?: unknown }[] | undefined)?.[0];
    expect(target?.DeadLetterConfig).toBeDefined();
  });

  it('sends a revocation that fails after Lambda retries (from the bus or a schedule) to the lifecycle queue', () => {
    const configs = Object.values(resourcesOf(synth.template, 'AWS::Lambda::EventInvokeConfig'));
    const functions = resourcesOf(synth.template, 'AWS::Lambda::Function');
    const requestsId = Object.keys(functions).find((id) => id.startsWith('OnLifecycleRequest'));
    const config = configs.find((c) => JSON.stringify(c.Properties.FunctionName).includes(requestsId ?? '?'));
    expect(config?.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: expect.stringMatching(/^<LifecycleDlq\w*\.Arn>$/) },
      },
    });
  });

  it('runs the retention sweep once a day, with a dead-letter queue', () => {
    const schedules = Object.values(resourcesOf(synth.template, 'AWS::Scheduler::Schedule'));
    const sweep = schedules.find((s) => String(s.Properties.Description).includes('retention sweep'));
    expect(sweep?.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 day)',
      Target: { Input: JSON.stringify({ lifecycle: 'sweep' }), DeadLetterConfig: expect.anything() },
    });
  });

  it('lets only the daily sweep deregister AMIs and delete Image Builder images', () => {
    const allowed = [...statementsByRole()].filter(([, statements]) =>
      statements.some(
        (s) => actionsOf(s).includes('ec2:DeregisterImage') || actionsOf(s).includes('imagebuilder:DeleteImage'),
      ),
    );
    expect(allowed.map(([role]) => role.replace(/^<|Role[0-9A-F]{8}>$/g, '')).sort()).toEqual([
      'LifecycleSweepService',
    ]);
  });
});

describe('Promotion stack: catalogs without approvals', () => {
  it('builds a machine with no task-token wait when no channel asks for approval', async () => {
    const minimal = await synthesizeShared(minimalCatalog(), { stacks: [Promotion] });
    const asl = aslFromTemplate(minimal.template.toJSON() as TemplateJson, 'PromotionStateMachine');
    expect(JSON.stringify(asl)).not.toContain('waitForTaskToken');
    expect(JSON.stringify(asl)).not.toContain('Needs approval?');
    expect(JSON.stringify(asl)).toContain('"Publish"');
  });
});

import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import everyOption from '../../../examples/catalogs/every-option.js';
import exampleCatalog from '../../../goldsmith.config.js';
import { requestsFor } from '../../../scripts/readiness/call-resources.js';
import {
  DeployResolver,
  rolePolicies,
  SIMULATED_ACCOUNT,
  simulate,
} from '../../../scripts/readiness/role-simulation.js';
import { handlerEntry, iamActionsForImport, sdkCallsOf } from '../../../scripts/readiness/sdk-calls.js';
import { parseCatalogInput } from '../../../stacks/catalog.js';
import { minimalCatalog, REPO_ROOT } from '../helpers.js';
import { type SynthesizedApp, synthesizeApp } from './synth.js';

const REGION = 'us-east-1';
const catalogs = {
  example: exampleCatalog,
  // Every optional block on: the Teams and signed-webhook functions exist only with it.
  every: everyOption,
  minimal: minimalCatalog(),
  // A security account as Inspector's delegated administrator: on-finding reads through its role.
  security: minimalCatalog({
    organization: { id: 'o-zz9988776655', homeRegion: 'us-east-1', inspectorAdministrator: '444455556666' },
  }),
};
const apps: Record<string, SynthesizedApp> = {};

/**
 * The IAM actions of each handler's AWS calls, read once per handler for the file: the four apps share most of their
 * functions, and following a handler through its imports costs about 0.1 s of CPU each time.
 */
const actionsByHandler = new Map<string, string[]>();
function actionsOfHandler(handler: string): string[] {
  let actions = actionsByHandler.get(handler);
  if (!actions) {
    const { file, exportName } = handlerEntry(REPO_ROOT, handler);
    actions = [...new Set(sdkCallsOf(file, exportName).map((c) => c.action))];
    actionsByHandler.set(handler, actions);
  }
  return actions;
}

beforeAll(async () => {
  apps.example = await synthesizeApp(catalogs.example);
  apps.every = await synthesizeApp(catalogs.every);
  apps.minimal = await synthesizeApp(catalogs.minimal);
  apps.security = await synthesizeApp(catalogs.security);
}, 180_000);

describe('iamActionsForImport', () => {
  it('maps client commands and paginators to the IAM action of their service prefix', () => {
    expect(iamActionsForImport('@aws-sdk/client-imagebuilder', 'StartImagePipelineExecutionCommand')).toEqual([
      'imagebuilder:StartImagePipelineExecution',
    ]);
    expect(iamActionsForImport('@aws-sdk/client-sfn', 'SendTaskSuccessCommand')).toEqual(['states:SendTaskSuccess']);
    expect(iamActionsForImport('@aws-sdk/client-eventbridge', 'PutEventsCommand')).toEqual(['events:PutEvents']);
    expect(iamActionsForImport('@aws-sdk/client-imagebuilder', 'paginateListImagePipelineImages')).toEqual([
      'imagebuilder:ListImagePipelineImages',
    ]);
  });

  it('maps document client commands to the DynamoDB item actions they make, a transaction to the item actions it carries', () => {
    const actions = ['PutCommand', 'UpdateCommand', 'GetCommand', 'TransactWriteCommand', 'paginateQuery'].map((n) =>
      iamActionsForImport('@aws-sdk/lib-dynamodb', n),
    );
    expect(actions.flat()).toEqual([
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:GetItem',
      // No IAM action of its own: each action is authorized as its single-item operation.
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
    ]);
  });

  it('counts Powertools secrets as GetSecretValue and clients or types as no call', () => {
    expect(iamActionsForImport('@aws-lambda-powertools/parameters/secrets', 'SecretsProvider')).toEqual([
      'secretsmanager:GetSecretValue',
    ]);
    expect(iamActionsForImport('@aws-sdk/client-ec2', 'EC2Client')).toEqual([]);
    expect(iamActionsForImport('zod', 'z')).toEqual([]);
  });
});

describe('sdkCallsOf', () => {
  it('follows the handler into the helpers it uses and charges it with only their calls', () => {
    const { file, exportName } = handlerEntry(REPO_ROOT, 'test/stacks/readiness/fixtures/calls-handler.handler');
    const calls = sdkCallsOf(file, exportName).map((c) => `${c.action} ${relative(REPO_ROOT, c.file)}`);
    expect(calls).toEqual(['imagebuilder:GetImage test/stacks/readiness/fixtures/calls-edge.ts']);
  });

  it('reads a module again once it changed, though it keeps each parse for the process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goldsmith-sdk-calls-'));
    try {
      const file = join(dir, 'handler.ts');
      const handler = (command: string) =>
        `import { ${command} } from '@aws-sdk/client-sns';\nexport const handler = () => new ${command}({});\n`;
      writeFileSync(file, handler('PublishCommand'));
      expect(sdkCallsOf(file, 'handler').map((c) => c.action)).toEqual(['sns:Publish']);
      expect(sdkCallsOf(file, 'handler').map((c) => c.action)).toEqual(['sns:Publish']);
      writeFileSync(file, handler('SubscribeCommand'));
      utimesSync(file, new Date(), new Date(Date.now() + 5_000));
      expect(sdkCallsOf(file, 'handler').map((c) => c.action)).toEqual(['sns:Subscribe']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('charges a transaction with the item actions its writer spells, and with every write when it spells none or not all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goldsmith-sdk-calls-'));
    try {
      const file = join(dir, 'handler.ts');
      const handler = (actions: string) =>
        `import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';\nexport const handler = (w: object[]) => new TransactWriteCommand({ TransactItems: ${actions} });\n`;
      writeFileSync(file, handler('w.map((u) => ({ Update: u }))'));
      expect(sdkCallsOf(file, 'handler').map((c) => c.action)).toEqual(['dynamodb:UpdateItem']);
      writeFileSync(file, handler('[{ Put: w[0] }, { Delete: w[1] }]'));
      utimesSync(file, new Date(), new Date(Date.now() + 5_000));
      expect(sdkCallsOf(file, 'handler').map((c) => c.action)).toEqual(['dynamodb:DeleteItem', 'dynamodb:PutItem']);
      const everyWrite = ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
      writeFileSync(file, handler('w'));
      utimesSync(file, new Date(), new Date(Date.now() + 10_000));
      expect(sdkCallsOf(file, 'handler').map((c) => c.action)).toEqual(everyWrite);
      // A kind it does not spell: a helper's actions spread in, or a computed kind.
      writeFileSync(
        file,
        `${handler('[{ Put: w[0] }, ...removals(w)]')}const removals = (w: object[]) => w.map((k) => ({ Delete: k }));\n`,
      );
      utimesSync(file, new Date(), new Date(Date.now() + 15_000));
      expect(sdkCallsOf(file, 'handler').map((c) => c.action)).toEqual(everyWrite);
      writeFileSync(file, handler("[{ ['Del' + 'ete']: w[0] }, { Update: w[1] }]"));
      utimesSync(file, new Date(), new Date(Date.now() + 20_000));
      expect(sdkCallsOf(file, 'handler').map((c) => c.action)).toEqual(everyWrite);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('collects commands, paginators and document commands of a helper', () => {
    const calls = sdkCallsOf(`${REPO_ROOT}test/stacks/readiness/fixtures/calls-edge.ts`, 'recordAndScan');
    expect(calls.map((c) => c.action)).toEqual(['dynamodb:PutItem', 'imagebuilder:ListImageScanFindings']);
  });
});

describe('simulate', () => {
  const role = `arn:aws:iam::${SIMULATED_ACCOUNT}:role/fn`;
  const policy = (Resource: string) => [
    { name: 'p', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource }] } },
  ];
  const topic = `arn:aws:sns:us-east-1:${SIMULATED_ACCOUNT}:goldsmith-test-notifications`;

  it('allows a call the role grants on that resource', async () => {
    expect(await simulate(role, policy(topic), { action: 'sns:Publish', resource: topic })).toBe('Allowed');
  });

  it('denies the same call on another resource', async () => {
    expect(await simulate(role, policy(`${topic}-other`), { action: 'sns:Publish', resource: topic })).toBe(
      'ImplicitlyDenied',
    );
  });
});

describe.each(['example', 'every', 'minimal', 'security'] as const)(
  "each function's role in the %s catalog app",
  (name) => {
    it('allows every AWS call the function code makes, on the resources it addresses', async () => {
      const app = apps[name]!;
      const catalog = parseCatalogInput(catalogs[name], REPO_ROOT);
      const resolver = new DeployResolver([...app.templates.values()], REGION);
      const failures: string[] = [];
      let simulated = 0;
      expect(app.functions.length).toBeGreaterThanOrEqual(14);
      for (const fn of app.functions) {
        const actions = actionsOfHandler(fn.handler);
        expect(actions.length, `${fn.handler} makes no AWS call`).toBeGreaterThan(0);
        const props = resolver.properties(fn.logicalId) as { Environment?: { Variables?: Record<string, string> } };
        const site = { env: props.Environment?.Variables ?? {}, catalog, region: REGION, account: SIMULATED_ACCOUNT };
        const policies = rolePolicies(resolver, fn.roleLogicalId);
        const roleArn = resolver.arn(fn.roleLogicalId);
        for (const action of actions) {
          const requests = requestsFor(action, site);
          if (!requests) {
            failures.push(`${fn.handler}: ${action}: no resource rule in scripts/readiness/call-resources.ts`);
            continue;
          }
          for (const request of requests) {
            simulated += 1;
            const result = await simulate(roleArn, policies, request, resolver.keyPolicyFor(request.resource));
            if (result !== 'Allowed') {
              const context = request.context ? ` ${JSON.stringify(request.context)}` : '';
              failures.push(`${fn.handler}: ${action} on ${request.resource}${context}: ${result}`);
            }
          }
        }
      }
      expect(failures).toEqual([]);
      expect(simulated).toBeGreaterThan(app.functions.length);
    }, 120_000);
  },
);

describe.each(['example', 'every', 'minimal'] as const)(
  'asynchronous invocation failures in the %s catalog app',
  (name) => {
    it("may be sent to each on-failure queue by the function's role (Lambda sends them as the role)", async () => {
      const app = apps[name]!;
      const resolver = new DeployResolver([...app.templates.values()], REGION);
      const configs = [...app.templates.values()].flatMap((t) =>
        Object.entries(t.Resources)
          .filter(([, r]) => r.Type === 'AWS::Lambda::EventInvokeConfig')
          .map(([id]) => resolver.properties(id)),
      ) as { FunctionName: string; DestinationConfig?: { OnFailure?: { Destination: string } } }[];
      expect(configs.length).toBeGreaterThan(0);
      const failures: string[] = [];
      for (const config of configs) {
        const destination = config.DestinationConfig?.OnFailure?.Destination;
        const fn = app.functions.find((f) => resolver.ref(f.logicalId) === config.FunctionName);
        if (!destination || !fn) {
          failures.push(`${config.FunctionName}: no on-failure destination or no such function`);
          continue;
        }
        const request = { action: 'sqs:SendMessage', resource: destination };
        const result = await simulate(
          resolver.arn(fn.roleLogicalId),
          rolePolicies(resolver, fn.roleLogicalId),
          request,
        );
        if (result !== 'Allowed') failures.push(`${fn.handler}: sqs:SendMessage on ${destination}: ${result}`);
      }
      expect(failures).toEqual([]);
    });
  },
);

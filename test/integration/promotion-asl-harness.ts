import {
  CreateTagsCommand,
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeSnapshotAttributeCommand,
  EC2Client,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetImageCommand, ImagebuilderClient, ListImageScanFindingsCommand } from '@aws-sdk/client-imagebuilder';
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  CreateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  GetResourceSharesCommand,
  RAMClient,
} from '@aws-sdk/client-ram';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type RunOptions, StateMachine } from 'aws-local-stepfunctions';
import { vi } from 'vitest';
import { resetApprovalSecret } from '../../aws/promotion/approval-secret.js';
import { claimApprovalDecision } from '../../aws/promotion/promotion-approvals.js';
import { listOutcomes, recordBuildStatus } from '../../aws/promotion/promotion-ledger.js';
import { gate } from '../../functions/promotion/gate.js';
import { loadImage } from '../../functions/promotion/load-image.js';
import { publish } from '../../functions/promotion/publish.js';
import { recordFailureOutcome } from '../../functions/promotion/record-outcome.js';
import { requestApproval } from '../../functions/promotion/request-approval.js';
import { retire } from '../../functions/promotion/retire.js';
import { share } from '../../functions/promotion/share.js';
import { soakCheck } from '../../functions/promotion/soak-check.js';
import { startSoak } from '../../functions/promotion/soak-start.js';
import { forgetOrganization } from '../../functions/sharing/channel-targets.js';
import exampleCatalog from '../../goldsmith.config.js';
import { LOCAL_ACCOUNT } from '../../local/simulator/cloud-types.js';
import { GOLDSMITH_STACK_SET, synthesizeAppCached } from '../../local/simulator/synth-cache.js';
import { validatedCache } from '../../local/stepfunctions/validated.js';
import { parseCatalogInput } from '../../stacks/catalog.js';
import { aslFromTemplate, stateMachineIds, type TemplateJson } from '../../stacks/promotion/asl.js';
import { approvalStateName, soakStateName, soakTimes, TASK_STATES } from '../../stacks/promotion/state-names.js';
import { parameterStore } from '../handlers/parameter-store-mock.js';
import { BUILD_ARN, basePlan, catalog, getImageOutput, plans } from '../handlers/promotion-fixtures.js';
import { type LedgerDynamo, localLedgerClient, recreateLedgerTable } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';

/**
 * Runs the synthesized promotion ASL in aws-local-stepfunctions with every Task overridden by our in-process task
 * functions. DynamoDB is dynalite (real conditional writes); the other AWS services are aws-sdk-client-mock mocks.
 */

type Handler = (input: unknown) => Promise<unknown>;
type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type JsonInput = Parameters<StateMachine['run']>[0];
export type Asl = ConstructorParameters<typeof StateMachine>[0];

/** The repository root: the example catalog's component paths resolve from here. */
const REPO_ROOT = new URL('../../', import.meta.url).pathname;
const MACHINE = 'PromotionStateMachine';

/**
 * The definitions that passed aws-local-stepfunctions' validation, as the local cloud remembers them
 * (local/stepfunctions/validated.ts): asl-validator compiles its schema on every check (about 0.8 s of CPU here), and
 * every run of a file runs the same definition. A definition a test changed is validated again.
 */
const VALIDATED = validatedCache();
const VALIDATION = { checkArn: false };

function stubClients() {
  return {
    imagebuilder: mockClient(ImagebuilderClient),
    ssm: mockClient(SSMClient),
    ec2: mockClient(EC2Client),
    bus: mockClient(EventBridgeClient),
    sns: mockClient(SNSClient),
    secrets: mockClient(SecretsManagerClient),
    organizations: mockClient(OrganizationsClient),
    ram: mockClient(RAMClient),
  };
}

/**
 * The mocked services of the test that runs: stubbed anew by `defaultWorld` before each test, not when this module
 * loads, so that a file sharing its worker with others (test/isolation.ts) gets stubs of its own after the previous
 * file's were restored (test/setup-shared-cloud.ts).
 */
export const mocks = {} as ReturnType<typeof stubClients>;

// The example catalog's OUs, one active account each (prd00001 also holds the excluded 111122223333).
const ROOT = 'r-x1y2';
const ORG_TREE: Record<string, { ous: string[]; accounts: string[] }> = {
  [ROOT]: { ous: ['ou-x1y2-dev00001', 'ou-x1y2-stg00001', 'ou-x1y2-prd00001', 'ou-x1y2-prd00002'], accounts: [] },
  'ou-x1y2-dev00001': { ous: [], accounts: ['200000000001'] },
  'ou-x1y2-stg00001': { ous: [], accounts: ['200000000002'] },
  'ou-x1y2-prd00001': { ous: [], accounts: ['111122223333', '200000000003'] },
  'ou-x1y2-prd00002': { ous: [], accounts: ['200000000004'] },
};

/** The organization Share resolves targets from, and empty launch permissions for it to grant onto. */
function sharingWorld(): void {
  process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
  forgetOrganization();
  const orgArn = 'arn:aws:organizations::999988887777:organization/o-a1b2c3d4e5';
  mocks.organizations
    .on(DescribeOrganizationCommand)
    .resolves({ Organization: { Arn: orgArn, Id: 'o-a1b2c3d4e5', MasterAccountId: '999988887777' } });
  mocks.organizations.on(ListRootsCommand).resolves({ Roots: [{ Id: ROOT }] });
  for (const [parent, node] of Object.entries(ORG_TREE)) {
    mocks.organizations.on(ListOrganizationalUnitsForParentCommand, { ParentId: parent }).resolves({
      OrganizationalUnits: node.ous.map((Id) => ({
        Id,
        Arn: `arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/${Id}`,
      })),
    });
    mocks.organizations
      .on(ListAccountsForParentCommand, { ParentId: parent })
      .resolves({ Accounts: node.accounts.map((Id) => ({ Id, State: 'ACTIVE' as const })) });
  }
  mocks.ec2.on(DescribeImageAttributeCommand).resolves({ LaunchPermissions: [] });
  mocks.ec2.on(DescribeImagesCommand).resolves({
    Images: [{ BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-0123456789abcdef0' } }] }],
  });
  mocks.ec2.on(DescribeSnapshotAttributeCommand).resolves({ CreateVolumePermissions: [] });
  mocks.ec2.on(ModifyImageAttributeCommand).resolves({});
  mocks.ec2.on(ModifySnapshotAttributeCommand).resolves({});
  pointerShares();
}

/** RAM as Publish meets it: a channel's share is created on first use and associates at once. */
function pointerShares(): void {
  const shares = new Map<string, { name: string; principals: string[]; resources: string[] }>();
  // A share is regional: a client sees only its own Region's shares of that name.
  mocks.ram.on(GetResourceSharesCommand).callsFake(async (input: { name?: string }, getClient: () => RAMClient) => {
    const region = await getClient().config.region();
    return {
      resourceShares: [...shares]
        .filter(([arn, s]) => s.name === input.name && arn.startsWith(`arn:aws:ram:${region}:`))
        .map(([resourceShareArn, s]) => ({
          resourceShareArn,
          name: s.name,
          tags: [{ key: 'goldsmith:purpose', value: 'channel-pointers' }],
          allowExternalPrincipals: false,
        })),
    };
  });
  mocks.ram
    .on(CreateResourceShareCommand)
    .callsFake((input: { name: string; principals?: string[]; resourceArns?: string[] }) => {
      const region = /^arn:aws:ssm:([^:]+):/.exec(input.resourceArns?.[0] ?? '')?.[1] ?? 'us-east-1';
      const resourceShareArn = `arn:aws:ram:${region}:111122223333:resource-share/${input.name}`;
      shares.set(resourceShareArn, {
        name: input.name,
        principals: input.principals ?? [],
        resources: input.resourceArns ?? [],
      });
      return { resourceShare: { resourceShareArn, name: input.name } };
    });
  mocks.ram
    .on(GetResourceShareAssociationsCommand)
    .callsFake((input: { associationType: string; resourceShareArns?: string[]; resourceArn?: string }) => {
      const arn = input.resourceShareArns?.[0] ?? '';
      const share = shares.get(arn);
      const entities =
        input.associationType === 'PRINCIPAL'
          ? (share?.principals ?? [])
          : (share?.resources ?? []).filter((r) => r === input.resourceArn);
      return {
        resourceShareAssociations: entities.map((associatedEntity) => ({
          resourceShareArn: arn,
          associatedEntity,
          status: 'ASSOCIATED' as const,
        })),
      };
    });
}

/**
 * The promotion state machine's ASL, as the example catalog's app synthesizes it: read from the synthesis cache
 * (local/simulator/synth-cache.ts) under the local cloud's own key, so a file that runs it loads neither aws-cdk-lib
 * nor the stacks once any run has synthesized the example app (a miss synthesizes in the synthesis worker). It is
 * the machine the local cloud runs: the Promotion stack's template in the whole app.
 */
export async function synthesizedPromotion(): Promise<Asl> {
  const catalog = parseCatalogInput(exampleCatalog, REPO_ROOT);
  const app = await synthesizeAppCached(catalog, GOLDSMITH_STACK_SET, { root: REPO_ROOT, accountId: LOCAL_ACCOUNT });
  const template = app.templates.find((t) => stateMachineIds(t as TemplateJson, MACHINE).length > 0);
  if (!template) throw new Error(`no template of the synthesized app holds ${MACHINE}`);
  return aslFromTemplate(template as TemplateJson, MACHINE) as Asl;
}

/**
 * Points the DynamoDB client at dynalite and (re)creates an empty ledger table. The AWS edge's waits (Publish reads
 * each pointer back 2.5 s after writing it, for Parameter Store's validation of an `aws:ec2:image` value:
 * aws/promotion/pointers.ts) take no time: the mocked Parameter Store holds a value once it is written, and a real
 * timer would make each promotion here wait that long for nothing.
 */
export async function freshLedger(dynamo: LedgerDynamo): Promise<void> {
  const ddb = localLedgerClient(dynamo, { sleep: () => Promise.resolve() });
  process.env.LEDGER_TABLE = 'ledger';
  await recreateLedgerTable(ddb);
}

/** Default answers of the mocked services, and a build that went through TESTING to AVAILABLE. */
export async function defaultWorld(): Promise<void> {
  vi.useRealTimers();
  Object.assign(mocks, stubClients());
  resetApprovalSecret();
  process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
  process.env.EVENT_BUS_NAME = 'goldsmith-test';
  process.env.APPROVAL_URL = 'https://approve.example/';
  process.env.APPROVAL_SECRET_NAME = 'goldsmith/test/approval-links';
  // Recorded decisions are signed with the decision-proof key (answered below, as every secret is).
  process.env.DECISION_SECRET_NAME = 'goldsmith/test/approval-decisions';
  // The ledger's task tokens are sealed with the task-token key (answered below, as every secret is).
  process.env.TASK_TOKEN_SECRET_NAME = 'goldsmith/test/task-tokens';
  process.env.APPROVAL_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:approval-links';
  mocks.imagebuilder.on(GetImageCommand).resolves(getImageOutput());
  mocks.imagebuilder.on(ListImageScanFindingsCommand).resolves({ findings: [] });
  // Parameter Store holds what Publish writes, so its read-back (aws/promotion/pointers.ts) confirms each pointer.
  parameterStore(mocks.ssm, { Version: 1 });
  mocks.ec2.on(CreateTagsCommand).resolves({});
  sharingWorld();
  mocks.bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  mocks.sns.on(PublishCommand).resolves({});
  mocks.secrets.on(GetSecretValueCommand).resolves({ SecretString: 'k'.repeat(64) });
  for (const status of ['BUILDING', 'TESTING', 'DISTRIBUTING', 'AVAILABLE']) {
    await recordBuildStatus({
      image: 'base',
      version: '1.0.0/3',
      buildVersionArn: BUILD_ARN,
      status,
      at: '2027-01-18T17:50:56Z',
    });
  }
}

/** Our task functions by state name, each call counted; `replace` swaps one for a test's own. */
/**
 * The Soak state standing in for Step Functions: the task records the soak and its token as in production, then
 * the soak runs out (`States.Timeout`, what the state's TimeoutSecondsPath raises), which the Catch takes to SoakCheck.
 */
export async function soakElapses(input: unknown): Promise<never> {
  const { soakingUntil } = await startSoak((input as { Payload: unknown }).Payload);
  // The soak's time passes (SoakCheck checks only a soak that ended): the clock moves to its end.
  if (vi.isFakeTimers()) vi.setSystemTime(Date.parse(soakingUntil));
  else vi.useFakeTimers({ toFake: ['Date'], now: Date.parse(soakingUntil) });
  throw Object.assign(new Error('Soak timed out'), { name: 'States.Timeout' });
}

export function taskOverrides(approve: Handler, replace: Record<string, Handler> = {}) {
  const calls: Record<string, number> = {};
  const base: Record<string, Handler> = {
    [TASK_STATES.loadImage]: loadImage,
    [TASK_STATES.gate]: gate,
    ...Object.fromEntries([...soakTimes(Object.values(plans)).keys()].map((c) => [soakStateName(c), soakElapses])),
    [TASK_STATES.soakCheck]: soakCheck,
    [TASK_STATES.share]: share,
    [TASK_STATES.publish]: publish,
    [TASK_STATES.retire]: retire,
    [TASK_STATES.recordOutcome]: recordFailureOutcome,
    [TASK_STATES.recordFailure]: recordFailureOutcome,
    [approvalStateName('prod')]: approve,
    ...replace,
  };
  const handlers = Object.fromEntries(
    Object.entries(base).map(([name, fn]) => [
      name,
      async (input: unknown) => {
        calls[name] = (calls[name] ?? 0) + 1;
        return fn(input);
      },
    ]),
  );
  return { handlers, calls };
}

/**
 * An approver standing in for the callback: the request task records and notifies as in production, then this
 * returns the decision (SendTaskSuccess) or throws `Rejected` (SendTaskFailure). The Lambda payload is `Payload`.
 */
export function approver(decide: (payload: Record<string, unknown>) => Promise<unknown>): Handler {
  return async (input) => {
    const payload = (input as { Payload: Record<string, unknown> }).Payload;
    const { approvalId } = await requestApproval(payload);
    // What the callback records before it answers the token: Share and Publish read the decision from the ledger.
    const record = (decision: 'approve' | 'reject', by: string, at: string, reason?: string) =>
      claimApprovalDecision({
        image: String(payload.image),
        version: String(payload.version),
        channel: String(payload.channel),
        approvalId,
        decision,
        by,
        at,
        via: 'email',
        reason,
        proof: 'delivered-at-once',
      });
    try {
      const answer = (await decide(payload)) as { decision?: string; by?: string; at?: string };
      if (answer.decision === 'approved' && answer.by && answer.at) await record('approve', answer.by, answer.at);
      return answer;
    } catch (err) {
      if (err instanceof Error && err.name === 'Rejected') {
        const cause = JSON.parse(err.message) as { by: string; at: string; errorMessage: string };
        await record('reject', cause.by, cause.at, cause.errorMessage);
      }
      throw err;
    }
  };
}

/** Runs the ASL on the base build and returns the final output (or the failure) and the recorded outcomes. */
export async function runPromotion(asl: Asl, handlers: Record<string, Handler>) {
  // The execution timeout (364 days) overflows Node's 24.8-day timer limit, which fires such timers at once; it is
  // asserted in the stack test, so the copy run here drops it.
  const { TimeoutSeconds: _executionTimeout, ...runnable } = asl;
  VALIDATED.check(runnable, VALIDATION, () => new StateMachine(runnable, { validationOptions: VALIDATION }));
  const machine = new StateMachine(runnable, { validationOptions: { noValidate: true } });
  const retryIntervalOverrides = Object.fromEntries(Object.keys(handlers).map((name) => [name, 0]));
  // The plan is plain JSON (it is what on-image-event serializes); the round trip makes TypeScript agree.
  const input: JsonInput = JSON.parse(
    JSON.stringify({ image: 'base', buildVersionArn: BUILD_ARN, version: '1.0.0/3', plan: basePlan }),
  );
  const execution = machine.run(input, {
    overrides: {
      taskResourceLocalHandlers: handlers as LocalHandlers,
      retryIntervalOverrides,
    },
    // One context for the whole run: every state reads State.RetryCount 0 here (the library resolves Parameters
    // against it as given); the local engine fills State per attempt (test/integration/local-stepfunctions.test.ts).
    context: {
      Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:promotion:base-1-0-0-3', RedriveCount: 0 },
      State: { Name: '', EnteredTime: '2027-01-14T04:00:00.000Z', RetryCount: 0 },
      Task: { Token: 'local-task-token-0123456789' },
    },
  });
  // A run that ends in a Fail state rejects; the test then looks at the failure and what was recorded.
  let result: unknown;
  let failure: unknown;
  try {
    result = await execution.result;
  } catch (err) {
    failure = err;
  }
  const outcomes = (await listOutcomes('base', '1.0.0/3')).map((o) => ({
    channel: o.channel,
    outcome: o.outcome,
    reason: o.reason,
    by: o.by,
  }));
  return { result, failure, outcomes };
}

import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { configureClients } from '../../aws/clients.js';
import { forgetSinkClients } from '../../aws/notifications/sink-clients.js';
import type { Catalog } from '../../core/config/schema.js';
import { VirtualClock } from '../clock.js';
import { startInProcessDynamo } from '../dynalite-in-process.js';
import { deliveryCopies, LocalEventBus } from '../eventbridge/bus.js';
import { matchesPattern } from '../eventbridge/match.js';
import { EventBusPermissions } from '../eventbridge/permissions.js';
import { EventBridgeRulesApi } from '../eventbridge/rules-api.js';
import { EventBridgeFake } from '../eventbridge/service.js';
import { CloudWatchAlarms } from '../fakes/cloudwatch.js';
import { seededRandom } from '../fakes/common.js';
import { IamFake } from '../fakes/iam.js';
import { LambdaFake } from '../fakes/lambda.js';
import { LambdaFunctionsFake } from '../fakes/lambda-functions.js';
import { Outages } from '../fakes/outages.js';
import { SchedulerFake } from '../fakes/scheduler.js';
import { SecretsManagerFake } from '../fakes/secretsmanager.js';
import { announcementWork } from '../fakes/sns-sts.js';
import { SqsFake } from '../fakes/sqs.js';
import { startChatStandIns } from '../sinks/stand-ins.js';
import { StepFunctionsFake } from '../stepfunctions/service.js';
import { BucketDoors } from '../trust/bucket-doors.js';
import { currentCaller } from '../trust/caller.js';
import { rolePoliciesByArn } from '../trust/policies.js';
import { ResourceDoors } from '../trust/resource-doors.js';
import { startBusAuthorization } from './cloud-bus-policy.js';
import { configureLocalClients } from './cloud-clients.js';
import { attachDoors, type RefusedWrite, schedulerRoleCheck } from './cloud-doors.js';
import { setFunctionEnvironment } from './cloud-env.js';
import { installCloudFakes } from './cloud-fakes.js';
import { applyDeniedActions, startImageValidation } from './cloud-image-validation.js';
import { startStepFunctions } from './cloud-stepfunctions.js';
import { LOCAL_ACCOUNT, type LocalCloud } from './cloud-types.js';
import { createTables } from './dynamo-usage.js';
import { deployInspectorFindingsRole } from './inspector-administrator.js';
import { TemplateResolver } from './intrinsics.js';
import { AsyncInvoker, type DeadLetter } from './invoke.js';
import { LocalLambdas } from './lambda.js';
import { deployMemberBaseline } from './member-baseline.js';
import { destinationRecord } from './on-failure-destination.js';
import {
  changesIssuedBy,
  FINISHED_BY_RECONCILER,
  GIVEN_UP_AND_ANNOUNCED,
  refusalNames,
  scheduledChangeOf,
} from './reissued-work.js';
import type { Scenario } from './scenario.js';
import { deliverTopicsToFunctions } from './slack.js';
import { GOLDSMITH_STACK_SET, synthesizeAppCached } from './synth-cache.js';
import { applyTemplatePolicies, createTemplateParameters, deployTemplateFunctions } from './template-parameters.js';
import { functionArnOf, functionRoles } from './template-reads.js';
import { deployTemplateRoles } from './template-roles.js';
import { installVirtualDate, withRealDate } from './virtual-date.js';
import { readWiring } from './wiring.js';
import { readQueueDepthAlarms } from './wiring-alarms.js';

/** How long a cloud's `stop()` waits at most for its busy work to settle (real milliseconds). */
const STOP_SETTLE_MS = 5_000;

export { LOCAL_ACCOUNT, type LocalCloud, type RefusedPut } from './cloud-types.js';

/** This package's root: where the functions' handler modules are (`functions/…`). */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Builds the local cloud for `catalog` and `scenario`: synthesizes the stacks (or reads them from the synthesis
 * cache, synth-cache.ts), starts dynalite with their tables, installs the fakes behind the SDK clients, registers the
 * state machines and the bus rules, and sets the functions' environment. Virtual time starts at the scenario's start.
 */
export async function startLocalCloud(catalog: Catalog, scenario: Scenario, root: string): Promise<LocalCloud> {
  const region = catalog.organization.homeRegion;
  const clock = new VirtualClock(scenario.start);
  const restoreDate = installVirtualDate(() => clock.now());
  const app = await withRealDate(() =>
    synthesizeAppCached(catalog, GOLDSMITH_STACK_SET, { root, accountId: LOCAL_ACCOUNT }),
  );
  const resolver = new TemplateResolver(app.templates, { accountId: LOCAL_ACCOUNT, region });
  const wiring = readWiring(app, resolver);

  const outages = new Outages(scenario.faults.outages, () => clock.date());
  const installed = installCloudFakes({
    catalog,
    scenario,
    templates: app.templates,
    resolver,
    wiring,
    clock,
    outages,
    region,
  });

  const dynamo = startInProcessDynamo();
  const roles = functionRoles(app.templates, resolver);
  // The functions are Goldsmith's own code: loaded from this package, wherever the catalog (and `root`) lives.
  const lambdas = new LocalLambdas(PROJECT_ROOT, roles);
  const random = seededRandom(scenario.seed + 1);
  // Repeats drawn from a stream of their own: a scenario without `duplicateRate` draws nothing from it.
  const duplicateRandom = seededRandom(scenario.seed + 3);
  const copies = () => deliveryCopies(scenario.faults, duplicateRandom);
  const sqs = new SqsFake(LOCAL_ACCOUNT, region, () => clock.now());
  for (const q of wiring.queues) sqs.createQueue(q.name, q.retentionSeconds);
  const invoker = new AsyncInvoker({
    clock,
    lambdas,
    wiring,
    copies,
    outages,
    onDeadLetter: (letter) => {
      const queue = wiring.onFailure.get(letter.target);
      // Without an on-failure destination Lambda drops the event after its retries.
      if (queue) sqs.send(queue, JSON.stringify(destinationRecord(letter)));
    },
    onReturned: (result) => {
      const issued = changesIssuedBy(result);
      if (issued.size === 0) return;
      invoker.finishWork((letter) => issued.has(scheduledChangeOf(letter) ?? ''), FINISHED_BY_RECONCILER);
    },
  });
  const redrives = { count: 0 };
  const functions = new LambdaFunctionsFake(LOCAL_ACCOUNT, region, () => clock.now());
  const lambdaApi = new LambdaFake(
    (name) => functionArnOf(wiring, name),
    (arn, payload) => {
      redrives.count++;
      invoker.deliverAsync(arn, payload, `re-driven ${arn.split(':').pop()}`);
    },
    installed.fakes.prerequisites.lambda,
    functions,
  );
  const sfnRandom = seededRandom(scenario.seed + 2);
  const sfn = startStepFunctions({
    clock,
    outages,
    invoker,
    wiring,
    accountId: LOCAL_ACCOUNT,
    region,
    seed: scenario.seed,
    random: sfnRandom,
  });
  const bus = new LocalEventBus({
    rules: wiring.rules,
    matches: matchesPattern,
    deliver: (target, event) => invoker.deliverAsync(target, event, `event ${event['detail-type']}`),
    faults: {
      copies,
      dropRate: scenario.faults.dropImageEvents,
      droppableSources: ['aws.imagebuilder'],
    },
    random,
    homeRegion: region,
  });
  installed.fakes.imagebuilder.onEvent((event) => bus.put(event, 'default'));
  // The dead-letter queues' depth alarms, evaluated on the SQS fake, send their state changes to the default bus.
  const cloudwatch = new CloudWatchAlarms(readQueueDepthAlarms(app.templates, resolver), {
    sqs,
    now: () => clock.now(),
    schedule: (at, label, fn, remake) => clock.schedule(at, label, fn, remake),
    put: (event) => bus.put(event, 'default'),
    accountId: LOCAL_ACCOUNT,
    region,
  });
  // An announcement SNS refused during an outage is done when it is published after all.
  installed.fakes.sns.onPublish((m) => {
    const work = announcementWork(m.message);
    if (work) outages.done(work);
    // A dead letter the re-drive refused (its failure unrecorded) is given up on, and said so: its work ends here,
    // unless it is a schedule firing whose build the reconciler issues (below, `onReturned`).
    if (m.attributes.event === 'claim-refused') {
      const givenUp = (letter: DeadLetter) => refusalNames(m.message, letter) && !scheduledChangeOf(letter);
      invoker.finishWork(givenUp, GIVEN_UP_AND_ANNOUNCED);
    }
  });
  deployTemplateFunctions(app.templates, resolver, functions);
  // IAM is global: one fake answers every Region's client.
  const iam = new IamFake(LOCAL_ACCOUNT);
  deployTemplateRoles(app.templates, resolver, iam);
  createTemplateParameters(app.templates, resolver, installed.fakes.ssm, { region, accountId: LOCAL_ACCOUNT });
  applyTemplatePolicies(app.templates, resolver, { sns: installed.fakes.sns, sqs });
  const secrets = new SecretsManagerFake(LOCAL_ACCOUNT, () => clock.now());
  for (const t of app.templates) {
    for (const [id, r] of Object.entries(t.Resources ?? {})) {
      if (r.Type !== 'AWS::SecretsManager::Secret') continue;
      // AWS generates each secret at random; the laboratory derives it from the seed, so one catalog and seed sign
      // the same links and decision proofs in every run (a saved cloud, its replay and a live run agree).
      const name = resolver.physicalName(id);
      secrets.create(name, createHash('sha256').update(`goldsmith-local:${scenario.seed}:${name}`).digest('hex'));
    }
  }

  const rolePolicies = rolePoliciesByArn(app.templates, resolver);
  applyDeniedActions(scenario.faults.deny, wiring, roles, rolePolicies);
  // A new grant is in force throughout KMS minutes after it is made (GRANT_PROPAGATION_MS), on the virtual clock.
  installed.fakes.kms.clock = () => clock.now();
  // The member baseline's stack set, as the deploy creates it: member accounts' rollout role and Auto Scaling grants.
  await deployMemberBaseline({
    templates: app.templates,
    resolver,
    catalog,
    fakes: installed.fakes,
    clock,
    factoryAccount: LOCAL_ACCOUNT,
    rolePolicies,
    ...(scenario.organization.stackSetMoveSettleMinutes !== undefined && {
      moveSettleMs: scenario.organization.stackSetMoveSettleMinutes * 60_000,
    }),
  });
  // A security account as Inspector's administrator: the findings role its team deployed (docs/deploy.md).
  deployInspectorFindingsRole({
    catalog,
    wiring,
    memberAccess: installed.fakes.memberAccess,
    factoryAccount: LOCAL_ACCOUNT,
  });
  startImageValidation({ installed, rolePolicies, clock, put: (event) => bus.put(event, 'default') });
  // A trail records management events: a pointer's resource policy changed reaches the Region's default bus. Without
  // one, only the event history records them (local/fakes/cloudtrail.ts).
  if (scenario.cloudTrail.trail)
    installed.fakes.ssm.recordPolicyCallsWith({
      account: LOCAL_ACCOUNT,
      now: () => clock.now(),
      caller: currentCaller,
      put: (event) => bus.put(event, 'default', event.region),
    });
  installed.fakes.cloudtrail.delayMs = scenario.cloudTrail.historyDelayMinutes * 60_000;
  const { goldsmithBus, busAuthorizer, refusedPuts, authorizePut } = startBusAuthorization({
    catalog,
    templates: app.templates,
    resolver,
    wiring,
    installed,
    rolePolicies,
    clock,
    region,
    policies: bus.policies,
  });
  // The queues', topics', table's and roles' own policies, for every call a known principal makes.
  const doors = new ResourceDoors(app.templates, resolver, rolePolicies);
  const buckets = new BucketDoors(app.templates, resolver, rolePolicies);
  // A read of a key that is not there: 404 to a caller holding s3:ListBucket on the bucket, 403 to one who does not.
  installed.fakes.s3.authorizeList = (principal, bucket) => buckets.mayList(principal, bucket);
  const refusedWrites: RefusedWrite[] = [];
  const scheduler = new SchedulerFake({
    accountId: LOCAL_ACCOUNT,
    region,
    now: () => clock.now(),
    schedule: (at, label, fn, remake) => clock.schedule(at, label, fn, remake),
    groups: app.templates
      .flatMap((t) => Object.values(t.Resources ?? {}))
      .filter((r) => r.Type === 'AWS::Scheduler::ScheduleGroup')
      .map((r) => String(resolver.resolve(r.Properties?.Name))),
    roleExists: (arn) => rolePolicies.has(arn),
    checkRole: schedulerRoleCheck(doors),
    // Scheduler invokes a Lambda target asynchronously: Lambda's retries and on-failure destination apply.
    invokeAsync: (arn, payload, label) => invoker.deliverAsync(functionArnOf(wiring, arn) ?? arn, payload, label),
  });
  const extra = {
    sfn: new StepFunctionsFake(sfn, (work) => outages.done(work)),
    eventbridge: new EventBridgeFake(
      (event, busName, callRegion) => bus.put(event, busName, callRegion),
      () => clock.now(),
      authorizePut,
      new EventBridgeRulesApi(wiring.rules, region, LOCAL_ACCOUNT),
      new EventBusPermissions(bus.policies, [goldsmithBus, 'default'], LOCAL_ACCOUNT),
    ),
    secretsmanager: secrets,
    sqs,
    lambda: lambdaApi,
    scheduler,
    iam,
  } as const;
  const { localDynamo, dynamoUsage } = configureLocalClients({
    installed,
    extra,
    dynamo,
    outages,
    clock,
    random,
    doors: (sdkClient, service) =>
      attachDoors(sdkClient, service, {
        doors,
        buckets,
        refused: refusedWrites,
        clock,
        accountId: LOCAL_ACCOUNT,
        region,
      }),
  });

  const restoreEnv = setFunctionEnvironment(wiring, catalog, region);
  await createTables(wiring);
  const ledgerObserver = DynamoDBDocumentClient.from(new DynamoDBClient({ region, ...localDynamo }));
  const chat = await startChatStandIns(catalog, clock, secrets, outages);
  const { slack } = chat;
  deliverTopicsToFunctions(installed.fakes.sns, wiring, invoker, outages, chat.workKeys);
  // Every handler imported now, with its environment set and in real time, so the TypeScript loader's disk cache
  // keeps serving the next run (virtual-date.ts).
  await withRealDate(() => lambdas.preload([...wiring.functions.values()].map((f) => f.handler)));

  return {
    catalog,
    clock,
    installed,
    sfn,
    bus,
    invoker,
    wiring,
    resolver,
    secrets,
    outages,
    dynamoUsage,
    ledgerObserver,
    busAuthorizer,
    templates: app.templates,
    goldsmithBus,
    rolePolicies,
    refusedPuts,
    refusedWrites,
    doors,
    slack,
    sinkStandIns: chat.byKey,
    teams: chat.teams,
    webhooks: chat.webhooks,
    sqs,
    functions,
    roles: iam,
    cloudwatch,
    redrives,
    scheduler,
    dynamo,
    randoms: { faults: installed.random, cloud: random, duplicates: duplicateRandom, stepFunctions: sfnRandom },
    async stop() {
      // Work still running (an execution an approval set going, a request in flight) first finishes or parks on the
      // virtual clock: torn down under it, it would go on with the SDK's real endpoints and a closed store, in
      // whatever the process runs next. At most STOP_SETTLE_MS of real time: work that never settles is left.
      await Promise.race([
        clock.settle().catch(() => undefined),
        new Promise<void>((resolve) => setTimeout(resolve, STOP_SETTLE_MS).unref()),
      ]);
      configureClients({});
      forgetSinkClients();
      await slack?.stop();
      await dynamo.stop();
      restoreEnv();
      restoreDate();
    },
  };
}

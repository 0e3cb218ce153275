import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { configureClients } from '../../aws/clients.js';
import { configureSlack } from '../../aws/slack.js';
import type { Catalog } from '../../core/config/schema.js';
import { containerRepositoryName, pipelineName } from '../../stacks/names.js';
import { VirtualClock } from '../clock.js';
import { startInProcessDynamo } from '../dynalite-in-process.js';
import { deliveryCopies, LocalEventBus } from '../eventbridge/bus.js';
import { matchesPattern } from '../eventbridge/match.js';
import { EventBridgeFake } from '../eventbridge/service.js';
import { seededRandom } from '../fakes/common.js';
import { type InstalledFakes, installFakes } from '../fakes/install.js';
import { LambdaFake } from '../fakes/lambda.js';
import { attachFake, attachOutage } from '../fakes/middleware.js';
import { organizationFromCatalog } from '../fakes/organizations.js';
import { Outages } from '../fakes/outages.js';
import { SchedulerFake } from '../fakes/scheduler.js';
import { SecretsManagerFake } from '../fakes/secretsmanager.js';
import { announcementWork } from '../fakes/sns-sts.js';
import { SqsFake } from '../fakes/sqs.js';
import type { SlackStandIn } from '../slack/stand-in.js';
import type { LocalStepFunctions } from '../stepfunctions/engine.js';
import { StepFunctionsFake } from '../stepfunctions/service.js';
import { BusAuthorizer } from '../trust/bus-authorizer.js';
import { currentCaller } from '../trust/caller.js';
import { type PolicyDocument, rolePoliciesByArn } from '../trust/policies.js';
import { setFunctionEnvironment } from './cloud-env.js';
import { startStepFunctions } from './cloud-stepfunctions.js';
import { countDynamoUsage, createTables } from './dynamo-usage.js';
import { type CfnTemplate, TemplateResolver } from './intrinsics.js';
import { AsyncInvoker, type DeadLetter } from './invoke.js';
import { distributionKeysOf, registerKeys } from './keys.js';
import { LocalLambdas } from './lambda.js';
import type { Scenario } from './scenario.js';
import { deliverTopicsToFunctions, startSlack } from './slack.js';
import { GOLDSMITH_STACK_SET, synthesizeAppCached } from './synth-cache.js';
import { busPolicies, functionArnOf, functionRoles, recipeNameOf } from './template-reads.js';
import { installVirtualDate } from './virtual-date.js';
import { readWiring, type Wiring } from './wiring.js';

export const LOCAL_ACCOUNT = '123456789012';

/** Everything a running local cloud is made of. */
export interface LocalCloud {
  catalog: Catalog;
  clock: VirtualClock;
  installed: InstalledFakes;
  sfn: LocalStepFunctions;
  bus: LocalEventBus;
  invoker: AsyncInvoker;
  wiring: Wiring;
  resolver: TemplateResolver;
  secrets: SecretsManagerFake;
  outages: Outages;
  /** DynamoDB request units asked of the ledger (one per item written or read: items are under 1 KB). */
  dynamoUsage: { writes: number; reads: number };
  /**
   * The simulator's own reader of the ledger (the streamed timeline): not a Goldsmith call, so no faults, no model
   * checks and not counted in `dynamoUsage`.
   */
  ledgerObserver: DynamoDBDocumentClient;
  /** Decides every PutEvents entry with the synthesized bus policy for the calling principal. */
  busAuthorizer: BusAuthorizer;
  /** The synthesized templates (for what the wiring does not carry: IAM resources and policies). */
  templates: CfnTemplate[];
  /** Goldsmith's bus (its physical name). */
  goldsmithBus: string;
  /** Identity policies of the stacks' roles, by role ARN. */
  rolePolicies: Map<string, PolicyDocument[]>;
  /** Puts the bus policy refused: the report's `rejectedEvents` with the principal. */
  refusedPuts: RefusedPut[];
  /** The Slack stand-in, when the catalog configures Slack. */
  slack: SlackStandIn | undefined;
  /** The dead-letter queues, and how many dead-lettered invocations were made again (the Lambda API's Invoke). */
  sqs: SqsFake;
  redrives: { count: number };
  /** EventBridge Scheduler's one-time schedules (revocations asked for a later time). */
  scheduler: SchedulerFake;
  stop(): Promise<void>;
}

/** One PutEvents entry the bus policy refused. */
export interface RefusedPut {
  at: string;
  principal: string;
  bus: string;
  source: string;
  detailType: string;
  reason: string;
}

/**
 * Lambda's on-failure destination record for an asynchronous invocation that failed every retry
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 */
function destinationRecord(letter: DeadLetter) {
  return {
    version: '1.0',
    timestamp: letter.at,
    requestContext: {
      requestId: randomUUID(),
      functionArn: `${letter.target}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: letter.event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: letter.errorType, errorMessage: letter.errorMessage, trace: [] },
  };
}

/**
 * Builds the local cloud for `catalog` and `scenario`: synthesizes the stacks (or reads them from the synthesis
 * cache, synth-cache.ts), starts dynalite with their tables, installs the fakes behind the SDK clients, registers the
 * state machines and the bus rules, and sets the functions' environment. Virtual time starts at the scenario's start.
 */
export async function startLocalCloud(catalog: Catalog, scenario: Scenario, root: string): Promise<LocalCloud> {
  const region = catalog.organization.homeRegion;
  const clock = new VirtualClock(scenario.start);
  const restoreDate = installVirtualDate(() => clock.now());
  const app = await synthesizeAppCached(catalog, GOLDSMITH_STACK_SET, { root, accountId: LOCAL_ACCOUNT });
  const resolver = new TemplateResolver(app.templates, { accountId: LOCAL_ACCOUNT, region });
  const wiring = readWiring(app, resolver);

  const topicArns = new Set<string>();
  for (const f of wiring.functions.values()) {
    for (const v of Object.values(f.environment)) if (v.startsWith('arn:aws:sns:')) topicArns.add(v);
  }
  const imageBuilderTopic = app.templates
    .flatMap((t) => Object.values(t.Resources ?? {}))
    .filter((r) => r.Type === 'AWS::ImageBuilder::InfrastructureConfiguration')
    .map((r) => resolver.resolve(r.Properties?.SnsTopicArn))
    .find((v): v is string => typeof v === 'string');
  if (imageBuilderTopic) topicArns.add(imageBuilderTopic);

  const outages = new Outages(scenario.faults.outages, () => clock.date());
  const installed = installFakes({
    clock,
    seed: scenario.seed,
    faults: { throttleRate: scenario.faults.throttleRate, errorRate: scenario.faults.errorRate, outages },
    accountId: LOCAL_ACCOUNT,
    defaultRegion: region,
    organization: organizationFromCatalog(catalog, {
      managementAccountId: LOCAL_ACCOUNT,
      accountsPerOu: scenario.organization.accountsPerOu,
    }),
    pipelines: Object.entries(catalog.images).map(([image, spec]) => ({
      name: pipelineName(image),
      image,
      region,
      type: spec.kind === 'container' ? ('CONTAINER' as const) : ('AMI' as const),
      regions: spec.regions,
      recipeName: recipeNameOf(app.templates, resolver, pipelineName(image)),
      recipeVersion: spec.version,
      platform: spec.platform,
      testsEnabled: true,
      scanningEnabled: true,
      snsTopicArn: imageBuilderTopic,
      repository: spec.kind === 'container' ? containerRepositoryName(image, spec.repository) : undefined,
      kmsKeyIds: distributionKeysOf(app.templates, resolver, pipelineName(image)),
    })),
    topics: [...topicArns],
  });
  registerKeys(app.templates, resolver, installed.fakes.kms);

  const dynamo = startInProcessDynamo();
  const roles = functionRoles(app.templates, resolver);
  const lambdas = new LocalLambdas(root, roles);
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
  });
  const redrives = { count: 0 };
  const lambdaApi = new LambdaFake(
    (name) => functionArnOf(wiring, name),
    (arn, payload) => {
      redrives.count++;
      invoker.deliverAsync(arn, payload, `re-driven ${arn.split(':').pop()}`);
    },
  );
  const sfn = startStepFunctions({
    clock,
    outages,
    invoker,
    wiring,
    accountId: LOCAL_ACCOUNT,
    region,
    seed: scenario.seed,
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
  });
  installed.fakes.imagebuilder.onEvent((event) => bus.put(event, 'default'));
  // An announcement SNS refused during an outage is done when it is published after all.
  installed.fakes.sns.onPublish((m) => {
    const work = announcementWork(m.message);
    if (work) outages.done(work);
  });
  const secrets = new SecretsManagerFake(LOCAL_ACCOUNT);
  for (const t of app.templates) {
    for (const [id, r] of Object.entries(t.Resources ?? {})) {
      if (r.Type === 'AWS::SecretsManager::Secret')
        secrets.create(resolver.physicalName(id), randomBytes(32).toString('hex'));
    }
  }

  const rolePolicies = rolePoliciesByArn(app.templates, resolver);
  const policies = busPolicies(app.templates, resolver);
  const goldsmithBus = [...policies.keys()][0] ?? wiring.rules.find((r) => r.eventBusName !== 'default')?.eventBusName;
  if (!goldsmithBus) throw new Error('the stacks define no Goldsmith bus');
  const busAuthorizer = new BusAuthorizer({
    accountId: LOCAL_ACCOUNT,
    region,
    organizationId: catalog.organization.id,
    organizationAccounts: new Set([LOCAL_ACCOUNT, ...installed.fakes.organizations.accountIds()]),
    busPolicies: policies,
    rolePolicies,
  });
  const refusedPuts: RefusedPut[] = [];
  // A call from outside any function (a test's own SDK call) is the account's root: the bus policy still applies.
  const authorizePut = async (entry: { source: string; detailType: string; busName: string }) => {
    const principal = currentCaller() ?? `arn:aws:iam::${LOCAL_ACCOUNT}:root`;
    const refused = await busAuthorizer.authorize(principal, entry.busName, entry.source, entry.detailType);
    if (refused) {
      refusedPuts.push({ at: clock.iso(), principal, bus: entry.busName, ...entry, reason: refused.reason });
    }
    return refused;
  };
  const scheduler = new SchedulerFake({
    accountId: LOCAL_ACCOUNT,
    region,
    now: () => clock.now(),
    schedule: (at, label, fn) => clock.schedule(at, label, fn),
    groups: app.templates
      .flatMap((t) => Object.values(t.Resources ?? {}))
      .filter((r) => r.Type === 'AWS::Scheduler::ScheduleGroup')
      .map((r) => String(resolver.resolve(r.Properties?.Name))),
    roleExists: (arn) => rolePolicies.has(arn),
    // Scheduler invokes a Lambda target asynchronously: Lambda's retries and on-failure destination apply.
    invokeAsync: (arn, payload, label) => invoker.deliverAsync(functionArnOf(wiring, arn) ?? arn, payload, label),
  });
  const extra = {
    sfn: new StepFunctionsFake(sfn, (work) => outages.done(work)),
    eventbridge: new EventBridgeFake(
      (event, busName) => bus.put(event, busName),
      () => clock.now(),
      authorizePut,
    ),
    secretsmanager: secrets,
    sqs,
    lambda: lambdaApi,
    scheduler,
  } as const;
  const base = installed.clientSettings;
  const dynamoUsage = { writes: 0, reads: 0 };
  // dynalite answers in process (local/dynalite-in-process.ts), unsigned, like the fakes: for Goldsmith's DynamoDB
  // clients and for the simulator's own ledger observer alike.
  const localDynamo: DynamoDBClientConfig = {
    endpoint: 'https://dynamodb.local.goldsmith',
    requestHandler: dynamo.requestHandler,
    httpAuthSchemes: base.overrides?.ec2?.httpAuthSchemes as DynamoDBClientConfig['httpAuthSchemes'],
    credentials: { accessKeyId: 'AKIALOCALGOLDSMITH', secretAccessKey: 'local' },
  };
  configureClients({
    overrides: {
      ...base.overrides,
      ...Object.fromEntries(Object.keys(extra).map((s) => [s, base.overrides?.ec2 ?? {}])),
      dynamodb: { ...localDynamo, maxAttempts: 3 },
    },
    decorate: (sdkClient, service, clientRegion) => {
      base.decorate?.(sdkClient, service, clientRegion);
      if (service === 'dynamodb') {
        attachOutage(sdkClient, 'dynamodb', outages, installed.stats, clock);
        countDynamoUsage(sdkClient, dynamoUsage);
      }
      const fake = extra[service as keyof typeof extra];
      if (!fake) return;
      attachFake(sdkClient, {
        service,
        region: clientRegion,
        accountId: LOCAL_ACCOUNT,
        fake,
        clock,
        throttle: installed.fakes.throttle,
        stats: installed.stats,
        random,
        faults: { outages },
      });
    },
  });

  const restoreEnv = setFunctionEnvironment(wiring, catalog, region);
  await createTables(wiring);
  const ledgerObserver = DynamoDBDocumentClient.from(new DynamoDBClient({ region, ...localDynamo }));
  const slack = await startSlack(catalog, clock, secrets, outages);
  deliverTopicsToFunctions(installed.fakes.sns, wiring, invoker, slack ? outages : undefined);

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
    slack,
    sqs,
    redrives,
    scheduler,
    async stop() {
      configureClients({});
      configureSlack({});
      await slack?.stop();
      await dynamo.stop();
      restoreEnv();
      restoreDate();
    },
  };
}

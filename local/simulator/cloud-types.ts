import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Catalog } from '../../core/config/schema.js';
import type { VirtualClock } from '../clock.js';
import type { InProcessDynamo } from '../dynalite-in-process.js';
import type { LocalEventBus } from '../eventbridge/bus.js';
import type { CloudWatchAlarms } from '../fakes/cloudwatch.js';
import type { SeededRandom } from '../fakes/common.js';
import type { IamFake } from '../fakes/iam.js';
import type { InstalledFakes } from '../fakes/install.js';
import type { LambdaFunctionsFake } from '../fakes/lambda-functions.js';
import type { Outages } from '../fakes/outages.js';
import type { SchedulerFake } from '../fakes/scheduler.js';
import type { SecretsManagerFake } from '../fakes/secretsmanager.js';
import type { SqsFake } from '../fakes/sqs.js';
import type { TeamsStandIn } from '../sinks/teams-stand-in.js';
import type { WebhookReceivers } from '../sinks/webhook-receivers.js';
import type { SlackStandIn } from '../slack/stand-in.js';
import type { LocalStepFunctions } from '../stepfunctions/engine.js';
import type { BusAuthorizer } from '../trust/bus-authorizer.js';
import type { PolicyDocument } from '../trust/policies.js';
import type { ResourceDoors } from '../trust/resource-doors.js';
import type { RefusedWrite } from './cloud-doors.js';
import type { DynamoUsage } from './dynamo-usage.js';
import type { CfnTemplate, TemplateResolver } from './intrinsics.js';
import type { AsyncInvoker } from './invoke.js';
import type { Wiring } from './wiring.js';

export const LOCAL_ACCOUNT = '123456789012';
/** The stage the local cloud synthesizes its stacks for (names `goldsmith-local-…`, `local-goldsmith-…`). */
export const LOCAL_STAGE = 'local';

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
  /**
   * DynamoDB request units asked of the ledger (one per item written or read: items are under 1 KB), and the
   * requests per operation.
   */
  dynamoUsage: DynamoUsage;
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
  /** Sends, publishes and ledger writes the queues', topics' and table's resource policies refused. */
  refusedWrites: RefusedWrite[];
  /** The queues', topics', ledger's and roles' own policies, applied to every call a known principal makes. */
  doors: ResourceDoors;
  /** The Slack stand-in, when the catalog configures Slack. */
  slack: SlackStandIn | undefined;
  /** The Teams stand-in, when the catalog configures Teams (local/sinks/teams-stand-in.ts). */
  teams: TeamsStandIn | undefined;
  /** The signed webhooks' receivers, when the catalog names any (local/sinks/webhook-receivers.ts). */
  webhooks: WebhookReceivers | undefined;
  /** The notification sinks' stand-ins, by the sink's catalog key (core/notifications/sinks.ts): saved with the cloud. */
  sinkStandIns: Readonly<Record<string, object>>;
  /** The dead-letter queues, and how many dead-lettered invocations were made again (the Lambda API's Invoke). */
  sqs: SqsFake;
  /** The functions' code and configuration as the deploy made them (GetFunction, UpdateFunctionCode, concurrency). */
  functions: LambdaFunctionsFake;
  /** The stacks' IAM roles as the deploy made them (GetRole, the inline and attached policies, and their writes). */
  roles: IamFake;
  /** The dead-letter queues' depth alarms, evaluated in virtual time (their state changes go to the default bus). */
  cloudwatch: CloudWatchAlarms;
  redrives: { count: number };
  /** EventBridge Scheduler's one-time schedules (revocations asked for a later time). */
  scheduler: SchedulerFake;
  /** The ledger's DynamoDB (dynalite in process), whose store a saved cloud dumps and loads. */
  dynamo: InProcessDynamo;
  /**
   * The seeded streams the cloud draws from, by use: the fakes' injected faults and the SDK's retry jitter; the
   * cloud's own (dropped image events, faults of the clients built outside the fakes: DynamoDB, SQS, Step Functions
   * and the rest); repeated deliveries; Step Functions' retry jitter. A saved cloud keeps their positions.
   */
  randoms: Readonly<Record<'faults' | 'cloud' | 'duplicates' | 'stepFunctions', SeededRandom>>;
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

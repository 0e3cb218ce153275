import * as z from 'zod';

/**
 * The price table Goldsmith estimates with: US East (N. Virginia) on-demand list prices in USD, Linux, no free tier,
 * as AWS's public pricing pages showed them on `asOf`. Every figure is overridable in the catalog (`prices`), for
 * another Region, a discount or a newer price. Sources, one per service:
 * - EC2 On-Demand: https://aws.amazon.com/ec2/pricing/on-demand/
 * - EBS snapshots (standard tier): https://aws.amazon.com/ebs/pricing/
 * - Data transfer between Regions (snapshot copy): https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer
 * - ECR storage: https://aws.amazon.com/ecr/pricing/
 * - Lambda (x86, requests and GB-seconds): https://aws.amazon.com/lambda/pricing/
 * - Step Functions Standard (state transitions): https://aws.amazon.com/step-functions/pricing/
 * - DynamoDB on-demand (read and write request units): https://aws.amazon.com/dynamodb/pricing/on-demand/
 * - EventBridge (custom events; Scheduler invocations): https://aws.amazon.com/eventbridge/pricing/
 * - SNS (publishes, email deliveries): https://aws.amazon.com/sns/pricing/
 * - SSM Parameter Store (advanced parameters, API interactions): https://aws.amazon.com/systems-manager/pricing/
 * - CloudWatch (alarms, dashboards): https://aws.amazon.com/cloudwatch/pricing/
 */
export const DEFAULT_PRICES = {
  asOf: '2026-11-01',
  source: 'AWS public pricing pages, us-east-1 on-demand, USD (see core/cost/prices.ts for each page)',
  currency: 'USD',
  /** EC2 on-demand, USD per instance-hour. */
  instanceHour: {
    'm7i.large': 0.1008,
    'm7g.large': 0.0816,
    'm6i.large': 0.096,
    'm5.large': 0.096,
    'c7i.large': 0.08925,
    't3.medium': 0.0416,
    't3.large': 0.0832,
  } as Record<string, number>,
  /** Used for an instance type the table does not list (and reported as an assumption). */
  instanceHourFallback: 0.1,
  /** EBS snapshot storage, standard tier, USD per GB-month. */
  snapshotGbMonth: 0.05,
  /** Root volume size assumed per AMI snapshot (GB): the platform's default; billed on used blocks, so an upper bound. */
  snapshotGb: { Linux: 8, Windows: 30 } as Record<string, number>,
  /** Data transfer out of a Region to another Region, USD per GB (each distribution copy). */
  crossRegionGb: 0.02,
  /** ECR storage, USD per GB-month, and the compressed size assumed per container image. */
  ecrGbMonth: 0.1,
  containerImageGb: 0.3,
  /** Lambda: USD per million requests, per GB-second; the billed duration and memory assumed per invocation. */
  lambdaRequestMillion: 0.2,
  lambdaGbSecond: 0.0000166667,
  lambdaAssumedMs: 300,
  lambdaAssumedMemoryMb: 512,
  /** Step Functions Standard, USD per 1,000 state transitions. */
  sfnTransitionThousand: 0.025,
  /** DynamoDB on-demand, USD per million write / read request units (items under 1 KB: one unit per request). */
  dynamoWriteMillion: 0.625,
  dynamoReadMillion: 0.125,
  /** EventBridge custom events put, and Scheduler invocations, USD per million. */
  eventsMillion: 1.0,
  schedulerMillion: 1.0,
  /** SNS: USD per million publishes. */
  snsPublishMillion: 0.5,
  /** SSM Parameter Store: USD per advanced parameter-month, and per 10,000 API interactions (advanced tier). */
  ssmAdvancedParameterMonth: 0.05,
  ssmApiTenThousand: 0.05,
  /** CloudWatch: USD per standard alarm-month, per dashboard-month. */
  alarmMonth: 0.1,
  dashboardMonth: 3.0,
};

export type PriceTable = typeof DEFAULT_PRICES;

/** The catalog's `prices`: any subset of the table, merged over the shipped one (instance prices merge by type). */
export const pricesOverrideSchema = z
  .strictObject({
    asOf: z.string().optional(),
    source: z.string().optional(),
    instanceHour: z.record(z.string(), z.number().nonnegative()).optional(),
    instanceHourFallback: z.number().nonnegative().optional(),
    snapshotGbMonth: z.number().nonnegative().optional(),
    snapshotGb: z.record(z.string(), z.number().positive()).optional(),
    crossRegionGb: z.number().nonnegative().optional(),
    ecrGbMonth: z.number().nonnegative().optional(),
    containerImageGb: z.number().nonnegative().optional(),
    lambdaRequestMillion: z.number().nonnegative().optional(),
    lambdaGbSecond: z.number().nonnegative().optional(),
    lambdaAssumedMs: z.number().positive().optional(),
    lambdaAssumedMemoryMb: z.number().positive().optional(),
    sfnTransitionThousand: z.number().nonnegative().optional(),
    dynamoWriteMillion: z.number().nonnegative().optional(),
    dynamoReadMillion: z.number().nonnegative().optional(),
    eventsMillion: z.number().nonnegative().optional(),
    schedulerMillion: z.number().nonnegative().optional(),
    snsPublishMillion: z.number().nonnegative().optional(),
    ssmAdvancedParameterMonth: z.number().nonnegative().optional(),
    ssmApiTenThousand: z.number().nonnegative().optional(),
    alarmMonth: z.number().nonnegative().optional(),
    dashboardMonth: z.number().nonnegative().optional(),
  })
  .optional();

export type PricesOverride = z.output<typeof pricesOverrideSchema>;

/** The shipped table with the catalog's overrides applied. */
export function priceTable(override: PricesOverride): PriceTable {
  if (!override) return DEFAULT_PRICES;
  const { instanceHour, snapshotGb, ...rest } = override;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return {
    ...DEFAULT_PRICES,
    ...defined,
    instanceHour: { ...DEFAULT_PRICES.instanceHour, ...instanceHour },
    snapshotGb: { ...DEFAULT_PRICES.snapshotGb, ...snapshotGb },
  };
}

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { Inspector2Client } from '@aws-sdk/client-inspector2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The one place SDK clients are constructed. Production gets adaptive retry and the Lambda's region; the local
 * cloud calls `configureClients` once to point DynamoDB at dynalite and to attach its fakes as client middleware.
 * Nothing else in production code knows whether it runs locally.
 */
const services = {
  dynamodb: DynamoDBClient,
  ec2: EC2Client,
  eventbridge: EventBridgeClient,
  imagebuilder: ImagebuilderClient,
  inspector2: Inspector2Client,
  organizations: OrganizationsClient,
  secretsmanager: SecretsManagerClient,
  sfn: SFNClient,
  sns: SNSClient,
  sqs: SQSClient,
  ssm: SSMClient,
  sts: STSClient,
} as const;

export type ServiceName = keyof typeof services;
type ClientOf<S extends ServiceName> = InstanceType<(typeof services)[S]>;

export interface ClientSettings {
  /** Extra constructor settings per service (endpoint, credentials, retry strategy). */
  overrides?: Partial<Record<ServiceName, Record<string, unknown>>>;
  /** Called on every new client, e.g. to add middleware. */
  decorate?: (client: ClientOf<ServiceName>, service: ServiceName, region: string) => void;
}

let settings: ClientSettings = {};
const cache = new Map<string, ClientOf<ServiceName>>();

/** Replaces the client settings and forgets every client built so far. */
export function configureClients(next: ClientSettings): void {
  settings = next;
  for (const c of cache.values()) c.destroy();
  cache.clear();
}

function defaultRegion(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/** A cached client for a service in a region (default: the function's own region). */
export function client<S extends ServiceName>(service: S, region: string = defaultRegion()): ClientOf<S> {
  const key = `${service}:${region}`;
  const existing = cache.get(key);
  if (existing) return existing as ClientOf<S>;
  const Ctor = services[service] as unknown as new (config: Record<string, unknown>) => ClientOf<S>;
  const made = new Ctor({ region, retryMode: 'adaptive', maxAttempts: 6, ...settings.overrides?.[service] });
  settings.decorate?.(made, service, region);
  cache.set(key, made);
  return made;
}

const documentClients = new Map<string, DynamoDBDocumentClient>();

/** The DynamoDB document client (plain JS values in and out, undefined attributes dropped). */
export function documentClient(region: string = defaultRegion()): DynamoDBDocumentClient {
  const base = client('dynamodb', region);
  const key = region;
  const existing = documentClients.get(key);
  if (existing && cache.get(`dynamodb:${region}`) === base) return existing;
  const made = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  documentClients.set(key, made);
  return made;
}

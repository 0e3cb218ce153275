import { randomBytes } from 'node:crypto';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import type { Inspector2Client } from '@aws-sdk/client-inspector2';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { RAMClient } from '@aws-sdk/client-ram';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { STSClient } from '@aws-sdk/client-sts';
import { DefaultRateLimiter } from '@smithy/util-retry';
import { GoldsmithRetryStrategy } from './retry.js';

/**
 * The one place SDK clients are constructed. Production gets Goldsmith's retry strategy (the SDK's standard retries
 * without its outage circuit breaker, see retry.ts) and the Lambda's region; the local
 * cloud calls `configureClients` once to point DynamoDB at dynalite and to attach its fakes as client middleware.
 * Nothing else in production code knows whether it runs locally.
 *
 * This module imports client classes as types only: each `aws/clients/<service>.ts` passes its own constructor, so
 * a Lambda bundle holds just the SDK clients its code calls (client-ec2 alone is ~550 KB minified).
 */
export interface ServiceClients {
  autoscaling: AutoScalingClient;
  cloudformation: CloudFormationClient;
  cloudtrail: CloudTrailClient;
  cloudwatch: CloudWatchClient;
  dynamodb: DynamoDBClient;
  ec2: EC2Client;
  ecr: ECRClient;
  eventbridge: EventBridgeClient;
  iam: IAMClient;
  imagebuilder: ImagebuilderClient;
  inspector2: Inspector2Client;
  kms: KMSClient;
  lambda: LambdaClient;
  organizations: OrganizationsClient;
  ram: RAMClient;
  s3: S3Client;
  scheduler: SchedulerClient;
  secretsmanager: SecretsManagerClient;
  sfn: SFNClient;
  sns: SNSClient;
  sqs: SQSClient;
  ssm: SSMClient;
  sts: STSClient;
}

export type ServiceName = keyof ServiceClients;
export type ClientOf<S extends ServiceName> = ServiceClients[S];

/** A client class, e.g. `EC2Client`, seen as the plain constructor the registry calls. */
export type ClientConstructor<S extends ServiceName> = new (config: Record<string, unknown>) => ClientOf<S>;

export interface ClientSettings {
  /** Extra constructor settings per service (endpoint, credentials, retry strategy). */
  overrides?: Partial<Record<ServiceName, Record<string, unknown>>>;
  /** Called on every new client, e.g. to add middleware. */
  decorate?: (client: ClientOf<ServiceName>, service: ServiceName, region: string) => void;
  /** How the AWS edge waits between reads of an asynchronous effect (default: a timer); the local cloud's runs on its clock. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Where the AWS edge takes `bytes` random bytes for `label` (default: the system's CSPRNG); the local cloud's derive
   * them from its seed and the label, so a run and its saved-and-resumed twin name the same keys.
   */
  nonce?: (bytes: number, label: string) => Uint8Array;
}

/**
 * Another principal's credentials for a client (a role assumed in a member account): `key` tells its clients apart
 * in the cache (account and session), `credentials` is the provider the SDK calls before each request.
 */
export interface ClientIdentity {
  key: string;
  credentials: () => Promise<{
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
    expiration?: Date;
  }>;
}

let settings: ClientSettings = {};
const cache = new Map<string, ClientOf<ServiceName>>();

/** Replaces the client settings and forgets every client built so far. */
export function configureClients(next: ClientSettings): void {
  settings = next;
  for (const c of cache.values()) c.destroy();
  cache.clear();
}

/**
 * Forgets the clients built to act as `identity` (`<service>:<region>:<identity key>`): its credentials were refused,
 * and a client keeps the credentials it resolved until they near their expiry, so a later call builds a new one.
 */
export function forgetClientsOf(identity: ClientIdentity): void {
  for (const [key, c] of cache) {
    if (!key.endsWith(`:${identity.key}`)) continue;
    c.destroy();
    cache.delete(key);
  }
}

/** Waits `ms` before the AWS edge reads an asynchronous effect again (settings' `sleep`, else a timer). */
export function clientSleep(ms: number): Promise<void> {
  return settings.sleep ? settings.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
}

/** `bytes` random bytes as hex, for `label` (what they name), from the settings' `nonce`, else the system's CSPRNG. */
export function clientNonce(bytes: number, label: string): string {
  return Buffer.from(settings.nonce ? settings.nonce(bytes, label) : randomBytes(bytes)).toString('hex');
}

export function defaultRegion(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/**
 * Puts a V8 object that is in dictionary mode (a hash table) back into fast mode (a fixed layout with inline caches),
 * in place, without changing a property. A client's resolved configuration is built up by some fifty keyed
 * assignments and ends in dictionary mode, and the SDK spreads it into a fresh object three times per request (the
 * endpoint, serialization and deserialization middlewares: `{ ...config }`): about 10 µs per spread on Node 22, a
 * twelfth of that in fast mode (measured with `%HasFastProperties` and 100,000 spreads). V8 makes an object fast when
 * it serves as a prototype whose properties are read through an inline cache, which is what this does; the object
 * keeps its identity, so the middlewares that hold it see the change.
 */
export function withFastProperties<T extends object>(object: T): T {
  const descriptors = Object.getOwnPropertyDescriptors(object);
  // A data property, so that reading it runs no getter.
  const key = Object.keys(descriptors).find((k) => 'value' in (descriptors[k] ?? {}));
  if (key === undefined) return object;
  const heir = Object.create(object) as Record<string, unknown>;
  // V8 gives a function its inline caches only after a few calls: enough reads that the last ones go through one.
  for (let i = 0; i < 32; i++) readThrough(heir, key);
  return object;
}

function readThrough(from: Record<string, unknown>, key: string): unknown {
  return from[key];
}

/**
 * A cached client for `service` in `region` (default: the function's own region), built with `Ctor` on first use:
 * its own retry strategy (6 attempts per call, no retry quota: retry.ts), then the configured overrides and decoration.
 */
export function makeClient<S extends ServiceName>(
  service: S,
  Ctor: ClientConstructor<S>,
  region: string = defaultRegion(),
  identity?: ClientIdentity,
): ClientOf<S> {
  const key = identity ? `${service}:${region}:${identity.key}` : `${service}:${region}`;
  const existing = cache.get(key);
  if (existing) return existing as ClientOf<S>;
  const made = new Ctor({
    region,
    retryStrategy: new GoldsmithRetryStrategy({ rateLimiter: new DefaultRateLimiter() }),
    // The middleware stack resolved once per command class instead of on every call, where it clones and sorts some
    // thirty middlewares (measured: 135 instead of 156 µs of CPU per call through a stubbed handler). Only for a
    // stack nobody changes after the first request, as here: the client is decorated before it is returned
    // (`cacheMiddleware`, documented on `SmithyConfiguration` in @smithy/smithy-client's client.d.ts: "the client
    // will only resolve the middleware stack once per Command class"). Not for DynamoDB: the document client's
    // commands resolve to a handler bound to their own instance (@aws-sdk/lib-dynamodb `resolveMiddleware` returns
    // `() => handler(this.clientCommand)`), so a cached one would send the first command's input again.
    cacheMiddleware: service !== 'dynamodb',
    ...settings.overrides?.[service],
    ...(identity && { credentials: identity.credentials }),
  });
  // Goldsmith gives the SDK no logger, so it logs to its no-op default; its logger middleware still builds a
  // sensitive-filtered copy of every request and response (walking the operation's schema, each item of a Query) to
  // hand to that no-op. Removed: a sixth to a third of the client's own time per call, on Lambda as here.
  (made.middlewareStack as { remove(name: string): boolean }).remove('loggerMiddleware');
  withFastProperties((made as { config: object }).config);
  settings.decorate?.(made, service, region);
  cache.set(key, made);
  return made;
}

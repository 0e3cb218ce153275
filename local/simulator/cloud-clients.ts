import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SDK_MAX_ATTEMPTS } from '../../aws/clients/retry.js';
import { configureClients } from '../../aws/clients.js';
import type { VirtualClock } from '../clock.js';
import type { InProcessDynamo } from '../dynalite-in-process.js';
import { type FakeService, localEndpoint, UNSIGNED_AUTH_SCHEMES } from '../fakes/common.js';
import type { InstalledFakes } from '../fakes/install.js';
import { attachFake, attachOutage } from '../fakes/middleware.js';
import type { Outages } from '../fakes/outages.js';
import { VirtualRetryStrategy } from '../fakes/retry.js';
import { watchFirstSend } from '../snapshot/client-warmth.js';
import { LOCAL_ACCOUNT } from './cloud-types.js';
import { countDynamoUsage, type DynamoUsage } from './dynamo-usage.js';

/**
 * Points Goldsmith's SDK clients at the local cloud: the installed fakes, the simulator's own fakes (`extra`, by
 * service), and dynalite for DynamoDB, counting the request units asked of it. Returns the DynamoDB client settings
 * (for the simulator's own ledger observer) and that count.
 */
export function configureLocalClients(options: {
  installed: InstalledFakes;
  extra: Readonly<Record<string, FakeService>>;
  dynamo: InProcessDynamo;
  outages: Outages;
  clock: VirtualClock;
  random: () => number;
  /** Puts the resource policies' doors in front of every client (cloud-doors.ts). */
  doors?: (sdkClient: { middlewareStack: unknown }, service: string) => void;
}): { localDynamo: DynamoDBClientConfig; dynamoUsage: DynamoUsage } {
  const { installed, extra, dynamo, outages, clock, random } = options;
  const base = installed.clientSettings;
  const dynamoUsage: DynamoUsage = { writes: 0, reads: 0, requests: {}, byCaller: {} };
  // dynalite answers in process (local/dynalite-in-process.ts), unsigned, like the fakes: for Goldsmith's DynamoDB
  // clients and for the simulator's own ledger observer alike.
  const localDynamo: DynamoDBClientConfig = {
    endpoint: localEndpoint('dynamodb.local.goldsmith'),
    requestHandler: dynamo.requestHandler,
    httpAuthSchemes: UNSIGNED_AUTH_SCHEMES as DynamoDBClientConfig['httpAuthSchemes'],
    credentials: { accessKeyId: 'AKIALOCALGOLDSMITH', secretAccessKey: 'local' },
  };
  configureClients({
    sleep: base.sleep,
    ...(base.nonce ? { nonce: base.nonce } : {}),
    overrides: {
      ...base.overrides,
      ...Object.fromEntries(Object.keys(extra).map((s) => [s, base.overrides?.ec2 ?? {}])),
      dynamodb: {
        ...localDynamo,
        // Production's retries (aws/clients/registry.ts: six attempts per call), their backoff on the virtual clock
        // like every fake's: a retried call during a DynamoDB outage waits in virtual time, not in real time.
        get retryStrategy() {
          return new VirtualRetryStrategy(SDK_MAX_ATTEMPTS, clock, random, () => {
            installed.stats.faults.retried++;
          });
        },
      },
    },
    decorate: (sdkClient, service, clientRegion) => {
      watchFirstSend(sdkClient, service, clientRegion);
      base.decorate?.(sdkClient, service, clientRegion);
      options.doors?.(sdkClient, service);
      if (service === 'dynamodb') {
        attachOutage(sdkClient, 'dynamodb', outages, installed.stats, clock);
        countDynamoUsage(sdkClient, dynamoUsage);
      }
      const fake = extra[service];
      if (!fake) return;
      attachFake(sdkClient, {
        service,
        region: clientRegion,
        accountId: LOCAL_ACCOUNT,
        fake,
        clock,
        throttle: installed.fakes.throttle,
        stats: installed.stats,
        random: installed.calls.random,
        calls: installed.calls,
        faults: { outages },
        history: installed.fakes.cloudtrail,
      });
    },
  });
  return { localDynamo, dynamoUsage };
}

import * as autoscaling from '@aws-sdk/client-auto-scaling';
import * as cloudformation from '@aws-sdk/client-cloudformation';
import * as cloudtrail from '@aws-sdk/client-cloudtrail';
import * as cloudwatch from '@aws-sdk/client-cloudwatch';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as ec2 from '@aws-sdk/client-ec2';
import * as ecr from '@aws-sdk/client-ecr';
import * as eventbridge from '@aws-sdk/client-eventbridge';
import * as iam from '@aws-sdk/client-iam';
import * as imagebuilder from '@aws-sdk/client-imagebuilder';
import * as inspector2 from '@aws-sdk/client-inspector2';
import * as kms from '@aws-sdk/client-kms';
import * as lambda from '@aws-sdk/client-lambda';
import * as organizations from '@aws-sdk/client-organizations';
import * as ram from '@aws-sdk/client-ram';
import * as s3 from '@aws-sdk/client-s3';
import * as scheduler from '@aws-sdk/client-scheduler';
import * as secretsmanager from '@aws-sdk/client-secrets-manager';
import * as sfn from '@aws-sdk/client-sfn';
import * as sns from '@aws-sdk/client-sns';
import * as sqs from '@aws-sdk/client-sqs';
import * as ssm from '@aws-sdk/client-ssm';
import * as sts from '@aws-sdk/client-sts';
import { client, type ServiceName } from '../../aws/clients.js';

/**
 * Which of the container's SDK clients have sent a request, and the first request each sent. An SDK client resolves
 * its configuration's providers (region, credentials, retry strategy, …) on its first request and keeps them: that
 * first request takes about twice the promise steps of a later one before it reaches the fake (measured on Node 22
 * for an SSM client of the local cloud: 67 microtasks instead of 33 from `send` to the fake). The local cloud answers
 * in process at one virtual instant, so concurrent calls interleave by those steps, and with faults set their order
 * is the order they draw from the fault stream: a cold client in an opened cloud where the straight run's was warm
 * draws in another order, and another request is throttled. A save writes down the warm clients and an opened cloud
 * warms the same ones, so every request goes out as it would have in the saved cloud.
 */
export interface WarmClient {
  service: ServiceName;
  region: string;
  /** The first command it sent (`PutParameterCommand`) and that command's input, which warms it again. */
  command: string;
  input: unknown;
}

/**
 * Each client's package, where its command classes are: imported where it is written, so the command's bundle
 * (bin/bundle-build.mjs) builds each in once and the warmed command is the bundled client's own.
 */
const PACKAGES: Record<ServiceName, [string, Record<string, unknown>]> = {
  autoscaling: ['@aws-sdk/client-auto-scaling', autoscaling],
  cloudformation: ['@aws-sdk/client-cloudformation', cloudformation],
  cloudtrail: ['@aws-sdk/client-cloudtrail', cloudtrail],
  cloudwatch: ['@aws-sdk/client-cloudwatch', cloudwatch],
  dynamodb: ['@aws-sdk/client-dynamodb', dynamodb],
  ec2: ['@aws-sdk/client-ec2', ec2],
  ecr: ['@aws-sdk/client-ecr', ecr],
  eventbridge: ['@aws-sdk/client-eventbridge', eventbridge],
  iam: ['@aws-sdk/client-iam', iam],
  imagebuilder: ['@aws-sdk/client-imagebuilder', imagebuilder],
  inspector2: ['@aws-sdk/client-inspector2', inspector2],
  kms: ['@aws-sdk/client-kms', kms],
  lambda: ['@aws-sdk/client-lambda', lambda],
  organizations: ['@aws-sdk/client-organizations', organizations],
  ram: ['@aws-sdk/client-ram', ram],
  s3: ['@aws-sdk/client-s3', s3],
  scheduler: ['@aws-sdk/client-scheduler', scheduler],
  secretsmanager: ['@aws-sdk/client-secrets-manager', secretsmanager],
  sfn: ['@aws-sdk/client-sfn', sfn],
  sns: ['@aws-sdk/client-sns', sns],
  sqs: ['@aws-sdk/client-sqs', sqs],
  ssm: ['@aws-sdk/client-ssm', ssm],
  sts: ['@aws-sdk/client-sts', sts],
};

/** The first send of each client by service and region (the default one and any acting as a member role). */
const firstSends = new Map<string, { client: WeakRef<object>; sent: WarmClient }[]>();

interface Stack {
  add(
    mw: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => unknown,
    opts: { step: 'initialize' | 'deserialize'; name: string; priority: 'high' },
  ): void;
  clone(): Stack;
  identify(): string[];
  remove(name: string): boolean;
}

/** Notes `sdkClient`'s first request (every client the local cloud builds passes here). */
/** Notes `sdkClient` warm by `sent`, unless it is already noted (by its first send, or warmed on open). */
function noteWarm(sdkClient: object, sent: WarmClient): void {
  const key = `${sent.service}:${sent.region}`;
  const live = (firstSends.get(key) ?? []).filter((e) => e.client.deref() !== undefined);
  if (!live.some((e) => e.client.deref() === sdkClient)) live.push({ client: new WeakRef(sdkClient), sent });
  firstSends.set(key, live);
}

export function watchFirstSend(sdkClient: { middlewareStack: unknown }, service: ServiceName, region: string): void {
  let sent = false;
  (sdkClient.middlewareStack as Stack).add(
    (next, context) => (args) => {
      if (!sent) {
        sent = true;
        const { input } = args as { input: unknown };
        const command = context.commandName ?? '';
        noteWarm(sdkClient, { service, region, command, input: plain(input) });
      }
      return next(args);
    },
    { step: 'initialize', name: 'goldsmithFirstSend', priority: 'high' },
  );
}

/** JSON data, as a save writes it (an input that is not JSON data warms nothing: the client is left cold). */
function plain(input: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(input ?? {}));
  } catch {
    return undefined;
  }
}

/**
 * The current clients (the container's, for the default principal) that have sent a request. A client acting as an
 * assumed member role is not among them: it is built again, cold, in an opened cloud.
 */
export function heldWarmClients(): WarmClient[] {
  const warm: WarmClient[] = [];
  for (const entries of firstSends.values()) {
    for (const { client: ref, sent } of entries) {
      const held = ref.deref();
      if (held && sent.input !== undefined && held === client(sent.service, sent.region)) warm.push(sent);
    }
  }
  return warm.sort((a, b) => `${a.service}:${a.region}`.localeCompare(`${b.service}:${b.region}`));
}

const WARMED = new Error('warmed');

/**
 * Warms each client in `saved` as its first request did: the command runs through the client's middleware with the
 * local cloud's own middlewares (the fakes, their counts, the model check) left out, and stops before the wire. No
 * fake sees it, no count or fault draw changes.
 */
export async function warmClients(saved: readonly WarmClient[]): Promise<void> {
  for (const w of saved) {
    const sdkClient = client(w.service, w.region) as unknown as { middlewareStack: Stack; config: object };
    const [name, mod] = PACKAGES[w.service];
    const Command = mod[w.command] as
      | (new (
          input: unknown,
        ) => {
          resolveMiddleware(stack: Stack, config: object, options: undefined): (command: unknown) => Promise<unknown>;
        })
      | undefined;
    if (typeof Command !== 'function') throw new Error(`${name} has no ${w.command} to warm a client`);
    const stack = sdkClient.middlewareStack.clone();
    for (const entry of stack.identify()) {
      const name = entry.split(' - ')[0] ?? '';
      if (name.startsWith('goldsmith')) stack.remove(name);
    }
    stack.add(
      () => () => {
        throw WARMED;
      },
      { step: 'deserialize', name: 'goldsmithWarmed', priority: 'high' },
    );
    const command = new Command(w.input);
    try {
      await command.resolveMiddleware(stack, sdkClient.config, undefined)(command);
    } catch (error) {
      if (error !== WARMED) throw error;
    }
    // Warm now, so the next save of this cloud lists it again, whether or not this process sends on it.
    noteWarm(sdkClient, w);
  }
}

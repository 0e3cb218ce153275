import { AsyncLocalStorage } from 'node:async_hooks';
import type { CustomResourceEvent, CustomResourceResponse } from '../../member/auto-scaling-grant.js';
import { checkRequest, checkResponse } from '../models/request-check.js';
import type { ServiceLinkedRolesFake } from './iam-service-roles.js';
import type { KmsCaller, KmsFake } from './kms.js';
import { grantsOf } from './kms-grants.js';

/**
 * Runs a template's inline Lambda code (`Code.ZipFile`, a CommonJS `index.js`) the way the Node.js runtime would,
 * for one custom resource event: the exact bytes the StackSet deploys, with the SDK clients the runtime provides
 * answered by the fakes (each request and answer checked against AWS's API models), `setTimeout` in virtual time,
 * and the HTTPS PUT of the answer to CloudFormation captured.
 */

/** The fakes a member account's function reaches. */
export interface MemberCloud {
  iam: ServiceLinkedRolesFake;
  kms: KmsFake;
  organizationId: string;
}

/** Where the function runs: the member account, the Region, the function's role, and the virtual time it starts. */
export interface FunctionSite {
  account: string;
  region: string;
  roleArn: string;
  startMs: number;
  timeoutSeconds: number;
}

export interface InlineRun {
  /** What the function PUT to the ResponseURL; undefined: it never answered (CloudFormation would wait an hour). */
  response: CustomResourceResponse | undefined;
  /** Virtual time the run took (its sleeps). */
  elapsedMs: number;
}

/**
 * Runs `call` with errors made without a stack trace: an error the fakes answer the inline code with is AWS's answer,
 * read by its name and message (a stack of the fake's frames means nothing to it), and 79,000 stack instances each
 * get one or more (the service-linked role that exists, the role KMS cannot see yet).
 */
function stackless<T>(call: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return call();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** An error as the SDK throws it, by name and message. */
function awsError(name: string, message: string): Error {
  return stackless(() => {
    const e = new Error(message);
    e.name = name;
    return e;
  });
}

class Command {
  constructor(readonly input: Record<string, unknown>) {}
}
// The commands the runtime's SDK clients take, the same classes for every run.
class CreateServiceLinkedRoleCommand extends Command {}
class CreateGrantCommand extends Command {}
class RetireGrantCommand extends Command {}

type ModuleLoader = (
  module: unknown,
  exports: unknown,
  require: (name: string) => unknown,
  process: unknown,
  setTimeout: unknown,
) => void;
const loaders = new Map<string, ModuleLoader>();

/** The module's code compiled once per text. */
function compiled(code: string): ModuleLoader {
  let loader = loaders.get(code);
  if (!loader) {
    loader = new Function('module', 'exports', 'require', 'process', 'setTimeout', code) as ModuleLoader;
    loaders.set(code, loader);
  }
  return loader;
}

/** What the https module's `request` hands the response callback: a 200 with no body to read. */
const OK_RESPONSE = { statusCode: 200, resume() {}, on: (ev: string, fn: () => void) => ev === 'end' && fn() };

/** The run each call of the runtime's modules belongs to: the one whose handler call it comes from. */
const runs = new AsyncLocalStorage<InlineRuntime>();

function currentRun(what: string): InlineRuntime {
  const run = runs.getStore();
  if (!run) throw new Error(`the fake runtime's ${what} is called outside a run of the handler`);
  return run;
}

// The runtime's SDK clients and https module: the same for every run, each call answering the run it comes from.
class IAMClient {
  send(command: Command): Promise<unknown> {
    return currentRun('IAMClient').iamSend(command);
  }
}
class KMSClient {
  send(command: Command): Promise<unknown> {
    return currentRun('KMSClient').kmsSend(command);
  }
}

/** The PUT of the answer to CloudFormation's ResponseURL: its body is the run's response. */
class ResponsePut {
  constructor(
    private readonly run: InlineRuntime,
    private readonly onResponse: (r: unknown) => void,
  ) {}
  on(): void {}
  end(body: string): void {
    this.run.response = JSON.parse(body) as CustomResourceResponse;
    this.onResponse(OK_RESPONSE);
  }
}

const MODULES: Record<string, unknown> = {
  'node:https': {
    request(_url: string, _options: unknown, onResponse: (r: unknown) => void) {
      return new ResponsePut(currentRun('https.request'), onResponse);
    },
  },
  '@aws-sdk/client-iam': { IAMClient, CreateServiceLinkedRoleCommand },
  '@aws-sdk/client-kms': { KMSClient, CreateGrantCommand, RetireGrantCommand },
};

function requireModule(name: string): unknown {
  if (!(name in MODULES)) throw new Error(`the inline code requires ${name}, which the fake runtime does not provide`);
  return MODULES[name];
}

/** The runtime's `setTimeout`: the run's virtual time moves on by `ms`, and `fn` runs next. */
function sleep(fn: () => void, ms: number): void {
  currentRun('setTimeout').elapsedMs += ms;
  queueMicrotask(fn);
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
/** Each code's module, loaded once per Region (its `process.env.AWS_REGION`), by code text then Region. */
const loaded = new Map<string, Map<string, Handler>>();

/**
 * The code's handler in `region`: the runtime loads index.js as a CommonJS module (its free names are these) once per
 * code and Region, not once per stack instance. The module keeps nothing of a run: its SDK clients and https calls
 * answer the run they are called from, so each account's function behaves as its own module would.
 */
function handlerOf(code: string, region: string): Handler {
  let byRegion = loaded.get(code);
  if (!byRegion) {
    byRegion = new Map();
    loaded.set(code, byRegion);
  }
  let handler = byRegion.get(region);
  if (!handler) {
    const module = { exports: {} as { handler?: Handler } };
    compiled(code)(module, module.exports, requireModule, { env: { AWS_REGION: region } }, sleep);
    handler = module.exports.handler;
    if (!handler) throw new Error('the inline code exports no handler');
    byRegion.set(region, handler);
  }
  return handler;
}

/**
 * One run of the inline code: its virtual time, its answer, and what its SDK clients call. Made once per run as one
 * object, with no function made per run (79,000 stack instances each run the code, and the simulator's TypeScript
 * loader names every function it makes).
 */
class InlineRuntime {
  elapsedMs = 0;
  response: CustomResourceResponse | undefined;
  private readonly caller: KmsCaller;

  constructor(
    private readonly site: FunctionSite,
    private readonly cloud: MemberCloud,
  ) {
    this.caller = {
      account: site.account,
      principalArn: site.roleArn,
      identityAllows: true,
      organizationId: cloud.organizationId,
    };
  }

  now(): number {
    return this.site.startMs + this.elapsedMs;
  }

  async iamSend(command: Command): Promise<unknown> {
    const { cloud, site } = this;
    if (!(command instanceof CreateServiceLinkedRoleCommand)) throw new Error('the IAM fake answers no such command');
    checkRequest('IAM', 'CreateServiceLinkedRole', command.input);
    const out = stackless(() => cloud.iam.create(site.account, String(command.input['AWSServiceName']), this.now()));
    checkResponse('IAM', 'CreateServiceLinkedRole', out);
    return out;
  }

  async kmsSend(command: Command): Promise<unknown> {
    const { cloud, site, caller } = this;
    const input = command.input;
    const keyId = String(input['KeyId']);
    if (command instanceof CreateGrantCommand) {
      checkRequest('KMS', 'CreateGrant', input);
      const grantee = String(input['GranteePrincipal']);
      if (grantee.includes(':role/aws-service-role/') && !cloud.iam.visibleAt(grantee, this.now()))
        throw awsError('InvalidArnException', `ARN ${grantee} is not valid`);
      const outcome = stackless(() =>
        cloud.kms.grantOutcome(site.region, keyId, caller, {
          granteePrincipal: grantee,
          operations: input['Operations'] as string[],
          name: String(input['Name']),
          ...(typeof input['RetiringPrincipal'] === 'string' ? { retiringPrincipal: input['RetiringPrincipal'] } : {}),
        }),
      );
      if ('code' in outcome) throw awsError(outcome.code, outcome.message);
      // The grant is the grantee's (made now, or the same one made before): found through the key's index by grantee,
      // not a scan of the key's grants (one per member account).
      const key = cloud.kms.key(site.region, keyId);
      const made = key && grantsOf(key, grantee).find((g) => g.grantId === outcome.grantId);
      const out = { GrantId: outcome.grantId, ...(made?.grantToken ? { GrantToken: made.grantToken } : {}) };
      checkResponse('KMS', 'CreateGrant', out);
      return out;
    }
    if (command instanceof RetireGrantCommand) {
      checkRequest('KMS', 'RetireGrant', input);
      stackless(() => cloud.kms.retireGrant(site.region, keyId, caller, String(input['GrantId'])));
      return {};
    }
    throw new Error('the KMS fake answers no such command');
  }
}

/** Runs `code`'s `handler` for `event` at `site`. */
export async function runInlineFunction(
  code: string,
  event: CustomResourceEvent,
  site: FunctionSite,
  cloud: MemberCloud,
): Promise<InlineRun> {
  const handler = handlerOf(code, site.region);
  const run = new InlineRuntime(site, cloud);
  const context = {
    getRemainingTimeInMillis() {
      return site.timeoutSeconds * 1000 - run.elapsedMs;
    },
  };
  try {
    await runs.run(run, handler, event, context);
  } catch {
    // Lambda records the error; CloudFormation still waits for an answer.
  }
  return { response: run.response, elapsedMs: run.elapsedMs };
}

import type { CustomResourceEvent, CustomResourceResponse } from '../../member/auto-scaling-grant.js';
import { checkRequest, checkResponse } from '../models/request-check.js';
import type { ServiceLinkedRolesFake } from './iam-service-roles.js';
import type { KmsCaller, KmsFake } from './kms.js';
import { grantsOf } from './kms-grants.js';
import {
  type Command,
  CreateGrantCommand,
  CreateServiceLinkedRoleCommand,
  handlerOf,
  RetireGrantCommand,
  type RunCalls,
  runHandler,
} from './stacksets-inline-runtime.js';

/**
 * Runs a template's inline Lambda code (`Code.ZipFile`, a CommonJS `index.js`) the way the Node.js runtime would
 * (stacksets-inline-runtime.ts), for one custom resource event: the exact bytes the StackSet deploys, with the SDK
 * clients the runtime provides answered by the fakes (each request and answer checked against AWS's API models),
 * `setTimeout` in virtual time, and the HTTPS PUT of the answer to CloudFormation captured.
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

/**
 * One run of the inline code: its virtual time, its answer, and what its SDK clients' requests do to the fakes. Made
 * once per run as one object, with no function made per run (79,000 stack instances each run the code, and the
 * simulator's TypeScript loader names every function it makes).
 */
class InlineRuntime implements RunCalls {
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
    await runHandler(handler, run, event, context);
  } catch {
    // Lambda records the error; CloudFormation still waits for an answer.
  }
  return { response: run.response, elapsedMs: run.elapsedMs };
}

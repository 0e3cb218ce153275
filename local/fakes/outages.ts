import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { EventBridgeServiceException } from '@aws-sdk/client-eventbridge';
import { ImagebuilderServiceException, ServiceUnavailableException } from '@aws-sdk/client-imagebuilder';
import { ServiceException as LambdaApiServiceException, LambdaServiceException } from '@aws-sdk/client-lambda';
import { OrganizationsServiceException, ServiceException as OrgServiceException } from '@aws-sdk/client-organizations';
import { SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import { InternalErrorException, SNSServiceException } from '@aws-sdk/client-sns';
import { SQSServiceException } from '@aws-sdk/client-sqs';
import { InternalServerError, SSMServiceException } from '@aws-sdk/client-ssm';
import { STSServiceException } from '@aws-sdk/client-sts';
import { errorFactory } from './common.js';
import { madeUpErrors } from './faults.js';

/** One scenario outage window: every call to `service` fails in [from, until). */
export interface OutageWindow {
  readonly service: string;
  readonly from: string;
  readonly until: string;
  /** For `slack`: the HTTP status the stand-in answers (503 by default; 429 with `retryAfterSeconds`). */
  readonly status?: number | undefined;
  readonly retryAfterSeconds?: number | undefined;
}

/** A window as the report shows it (docs/simulation.md, "Scenario format", `faults.outages`; docs/simulation/report.md). */
export interface OutageReport extends OutageWindow {
  callsFailed: number;
  /** Distinct pieces of work (promotion steps, events, builds, notifications) the window held up. */
  deferred: number;
  /** When the last of them was done; null if one never was. */
  recoveredAt: string | null;
}

// Each service's documented 5xx / unavailable answer (see core/errors/classify.ts for the sources).
const unavailable: Record<string, () => Error> = {
  ec2: () =>
    errorFactory(EC2ServiceException)('Unavailable', 'The server is overloaded and cannot handle the request.', 503),
  imagebuilder: () =>
    errorFactory(ImagebuilderServiceException)(
      ServiceUnavailableException,
      'The service is unable to process your request.',
      503,
    ),
  organizations: () =>
    errorFactory(OrganizationsServiceException)(
      OrgServiceException,
      "AWS Organizations can't complete your request.",
      500,
    ),
  ssm: () => errorFactory(SSMServiceException)(InternalServerError, 'An error occurred on the server side.', 500),
  sns: () => errorFactory(SNSServiceException)(InternalErrorException, 'Internal error', 500),
  sts: () => errorFactory(STSServiceException)('ServiceUnavailable', 'Service unavailable', 503),
  sfn: () => errorFactory(SFNServiceException)('ServiceUnavailable', 'Service unavailable', 503),
  eventbridge: () => errorFactory(EventBridgeServiceException)('InternalException', 'Internal error', 500),
  secretsmanager: () =>
    errorFactory(SecretsManagerServiceException)('InternalServiceError', 'An error occurred on the server side.', 500),
  dynamodb: () => errorFactory(DynamoDBServiceException)('InternalServerError', 'Internal server error', 500),
  sqs: () => errorFactory(SQSServiceException)('ServiceUnavailable', 'Service is unavailable', 503),
  // The Lambda API itself (Invoke), https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors
  lambda: () =>
    errorFactory(LambdaServiceException)(
      LambdaApiServiceException,
      'The AWS Lambda service encountered an internal error.',
      500,
    ),
};

/** What Step Functions reports when it cannot invoke a Lambda task (a Lambda 5xx). */
function lambdaUnavailable(): Error {
  return Object.assign(new Error('Lambda is unable to process the request (outage)'), {
    name: 'Lambda.ServiceException',
  });
}

/**
 * The error a call to `service` gets inside an outage window (marked as made up, like injected faults): an API call
 * gets the service's own answer; an `invocation` of one of our functions (Step Functions' task, an event source's
 * delivery) gets what Step Functions reports for Lambda.
 */
export function outageError(service: string, form: 'api' | 'invocation' = 'api'): Error {
  const invocation = service === 'lambda' && form === 'invocation';
  const e = invocation ? lambdaUnavailable() : (unavailable[service] ?? unavailable.sts!)();
  madeUpErrors.add(e);
  return e;
}

interface WindowState {
  window: OutageWindow;
  from: number;
  until: number;
  callsFailed: number;
  /** Deferred work: key → when it was done (undefined while pending). */
  deferred: Map<string, number | undefined>;
}

/**
 * The scenario's outage windows on the virtual clock: which service is down now, what each window failed, and
 * which work it held up until when.
 */
export class Outages {
  private readonly windows: WindowState[];

  constructor(
    windows: readonly OutageWindow[],
    private readonly now: () => Date,
  ) {
    this.windows = windows.map((w) => ({
      window: w,
      from: Date.parse(w.from),
      until: Date.parse(w.until),
      callsFailed: 0,
      deferred: new Map(),
    }));
  }

  get any(): boolean {
    return this.windows.length > 0;
  }

  private activeWindow(service: string): WindowState | undefined {
    const t = this.now().getTime();
    return this.windows.find((w) => w.window.service === service && w.from <= t && t < w.until);
  }

  /** The window `service` is inside now, if any. */
  openWindow(service: string): OutageWindow | undefined {
    return this.activeWindow(service)?.window;
  }

  /** True while `service` is inside one of its windows. */
  isDown(service: string): boolean {
    return this.activeWindow(service) !== undefined;
  }

  /** The error to answer a call to `service` with now, counted against its window; undefined when it is up. */
  fail(service: string, form: 'api' | 'invocation' = 'api'): Error | undefined {
    const w = this.activeWindow(service);
    if (!w) return undefined;
    w.callsFailed++;
    return outageError(service, form);
  }

  /** Records that work `key` was held up by whichever windows are open now (or by `service`'s window). */
  defer(key: string, service?: string): void {
    const t = this.now().getTime();
    for (const w of this.windows) {
      if (service !== undefined && w.window.service !== service) continue;
      if (w.from <= t && t < w.until && !w.deferred.has(key)) w.deferred.set(key, undefined);
    }
  }

  /**
   * Hands pending work `from` over to `to` in every window holding it (a promotion step that gave up is finished by
   * the execution that resumes it): `from` is no longer pending itself.
   */
  transfer(from: string, to: string): void {
    for (const w of this.windows) {
      if (!w.deferred.has(from) || w.deferred.get(from) !== undefined) continue;
      w.deferred.delete(from);
      w.deferred.set(to, undefined);
    }
  }

  /** Marks work `key` done now, in every window that deferred it. */
  done(key: string): void {
    const t = this.now().getTime();
    for (const w of this.windows) if (w.deferred.has(key) && w.deferred.get(key) === undefined) w.deferred.set(key, t);
  }

  report(): OutageReport[] {
    return this.windows.map((w) => {
      const times = [...w.deferred.values()];
      const allDone = times.every((t) => t !== undefined);
      const last = Math.max(w.until, ...times.filter((t): t is number => t !== undefined));
      return {
        ...w.window,
        callsFailed: w.callsFailed,
        deferred: w.deferred.size,
        recoveredAt: allDone ? new Date(times.length === 0 ? w.until : last).toISOString() : null,
      };
    });
  }
}

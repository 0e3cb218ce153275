import { GoldsmithError } from '../errors.js';

/**
 * Every error Goldsmith can meet is one of two kinds, decided here and nowhere else:
 * - `transient`: throttling, 5xx, service unavailable, timeouts, Step Functions' Lambda service errors. Waited out
 *   (the SDK's adaptive retry, then Step Functions' backoff over hours, then the reconciler); never an outcome.
 * - `permanent`: validation, not found, access denied, a lost conditional write, our own decisions (gate rejected,
 *   soak aborted, malformed event). Fails at once, announced.
 * Used by the handlers' middleware, the promotion state machine's Retry lists and the reconciler.
 */
export type ErrorClass = 'transient' | 'permanent';

/**
 * Error names AWS documents as throttling, per service. Sources (each service's API reference "Errors" / the
 * Common Errors page):
 * - https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html (ThrottlingException, all services)
 * - https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (EC2: RequestLimitExceeded)
 * - https://docs.aws.amazon.com/botocore/latest/reference/services/imagebuilder/client/exceptions/CallRateLimitExceededException.html
 * - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 *   (ProvisionedThroughputExceededException, RequestLimitExceeded, ThrottlingException)
 * - https://docs.aws.amazon.com/botocore/latest/reference/services/sns/client/exceptions/ThrottledException.html
 *   (and KMSThrottlingException on the same reference)
 * - Organizations TooManyRequestsException; STS `Throttling` (query protocol); SQS `RequestThrottled`, `KmsThrottled`.
 */
export const THROTTLING_ERROR_NAMES = [
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'CallRateLimitExceededException',
  'ProvisionedThroughputExceededException',
  'ThrottledException',
  'Throttled',
  'KMSThrottlingException',
  'RequestThrottled',
  'RequestThrottledException',
  'KmsThrottled',
  'KmsThrottlingException',
  'SlowDown',
] as const;

/**
 * Error names AWS documents as server-side (HTTP 5xx) or unavailable, per service:
 * - Common Errors (every service): InternalFailure (500), ServiceUnavailable (503)
 *   https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html
 * - EC2 server error codes: InternalError, Unavailable, ServiceUnavailable
 *   https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 * - Image Builder: ServiceException (500), ServiceUnavailableException (503)
 *   https://docs.rs/aws-sdk-imagebuilder/1.41.0/aws_sdk_imagebuilder/enum.Error.html
 * - DynamoDB InternalServerError; SSM InternalServerError
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 * - SNS InternalErrorException (query code InternalError); Organizations ServiceException;
 *   Secrets Manager InternalServiceError (https://docs.rs/aws-sdk-secretsmanager/1.2.0/aws_sdk_secretsmanager/operation/get_secret_value/enum.GetSecretValueError.html);
 *   EventBridge InternalException (PutEvents entries: InternalFailure, https://docs.aws.amazon.com/goto/WebAPI/events-2015-10-07/PutEventsResultEntry);
 *   Inspector InternalServerException; ECR ServerException; RAM ServerInternalException, ServiceUnavailableException;
 *   KMS KMSInternalException, DependencyTimeoutException, KeyUnavailableException.
 */
export const SERVER_ERROR_NAMES = [
  'InternalFailure',
  'InternalError',
  'InternalErrorException',
  'InternalServerError',
  'InternalServerException',
  'InternalServiceError',
  'InternalException',
  'ServiceException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'Unavailable',
  'ServerException',
  'ServerInternalException',
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
] as const;

/** Timeouts and dropped connections, as the SDK names them (smithy's service-error-classification). */
export const TIMEOUT_ERROR_NAMES = ['TimeoutError', 'RequestTimeout', 'RequestTimeoutException'] as const;

/** Node socket error codes (`err.code`) that mean the connection, not the request, failed. */
const TRANSIENT_SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/**
 * Errors Step Functions raises itself when invoking a Lambda task, documented as transient:
 * https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
 * `Lambda.Unknown` and `Sandbox.Timedout` are a function's own timeout or out-of-memory: during an outage the SDK's
 * retries can run a function past its timeout, so they are waited out too (the retry horizon bounds a real bug).
 */
export const STEP_FUNCTIONS_LAMBDA_ERROR_NAMES = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
  'Lambda.Unknown',
  'Sandbox.Timedout',
] as const;

/** The name our handlers throw a transient error under when AWS's own name is not in the table (e.g. a bare 503). */
export const TRANSIENT_ERROR_NAME = 'Goldsmith.Transient';

/** Every transient error name: what Step Functions' Retry lists match (ErrorEquals is an exact name match). */
export const TRANSIENT_ERROR_NAMES: readonly string[] = [
  ...THROTTLING_ERROR_NAMES,
  ...SERVER_ERROR_NAMES,
  ...TIMEOUT_ERROR_NAMES,
  ...STEP_FUNCTIONS_LAMBDA_ERROR_NAMES,
  TRANSIENT_ERROR_NAME,
];

const transientNames = new Set(TRANSIENT_ERROR_NAMES);

/**
 * Names that are permanent even though they arrive with a 5xx-looking context: AWS documents them as client errors,
 * or they are our own decisions. Listed so a reader (and the tests) see the other half of the table.
 */
export const PERMANENT_ERROR_NAMES = [
  'ValidationException',
  'ValidationError',
  'InvalidParameterException',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'InvalidRequestException',
  'InvalidInput',
  'ResourceNotFoundException',
  'ParameterNotFound',
  'InvalidAMIID.NotFound',
  'InvalidAMIID.Unavailable',
  'NotFoundException',
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'AuthFailure',
  'ConditionalCheckFailedException',
  'ExecutionAlreadyExists',
  'TaskDoesNotExist',
  'TaskTimedOut',
  'InvalidToken',
  'ResourceAlreadyExistsException',
  'IdempotentParameterMismatchException',
  'ServiceQuotaExceededException',
  'States.Timeout',
] as const;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The fields of a thrown value that is an object; `null` (an object to `typeof`) stays `null`, read as nothing. */
function fields(err: unknown): ErrorLike | null | undefined {
  return typeof err === 'object' ? (err as ErrorLike | null) : undefined;
}

/**
 * `transient` or `permanent`, for any thrown value. Transient when its name is in the table, when AWS marked it
 * (a 5xx or 429 status, `$fault: 'server'`, `$retryable`), when the connection failed, or when a wrapper's `cause`
 * is transient (an AWS-edge error re-thrown with context). Everything else — including unknown names, our own
 * decisions and every 4xx — is permanent: retrying what cannot succeed only delays the announcement.
 */
export function classifyError(err: unknown): ErrorClass {
  const seen = new Set<unknown>();
  let current: unknown = err;
  // Stryker disable next-line ConditionalExpression: an undefined cause also ends the loop at `if (!e)`, as permanent
  while (current !== undefined && !seen.has(current)) {
    seen.add(current);
    const e = fields(current);
    if (!e) return 'permanent';
    const name = typeof e.name === 'string' ? e.name : undefined;
    if (name && transientNames.has(name)) return 'transient';
    if (name && (PERMANENT_ERROR_NAMES as readonly string[]).includes(name)) return 'permanent';
    const status = e.$metadata?.httpStatusCode;
    if (typeof status === 'number' && (status >= 500 || status === 429)) return 'transient';
    if (e.$fault === 'server' || (e.$retryable !== undefined && e.$retryable !== null)) return 'transient';
    if (typeof e.code === 'string' && TRANSIENT_SOCKET_CODES.has(e.code)) return 'transient';
    // Our own errors are decisions unless they merely wrap an AWS answer (then the cause decides).
    // Stryker disable next-line ConditionalExpression: without a cause the loop ends as permanent anyway; the line states the rule
    if (current instanceof GoldsmithError && e.cause === undefined) return 'permanent';
    current = e.cause;
  }
  return 'permanent';
}

/** True when `err` is worth waiting out. */
export function isTransient(err: unknown): boolean {
  return classifyError(err) === 'transient';
}

/**
 * A transient failure under a name every Retry list matches, keeping the original as `cause`. Handlers throw it
 * when AWS's own name is not one Step Functions would recognise (see {@link asRetryableError}).
 */
export class TransientError extends GoldsmithError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = TRANSIENT_ERROR_NAME;
  }
}

/**
 * What a handler should throw for `err`: the error itself when it is permanent or already carries a name in the
 * table, otherwise a {@link TransientError} wrapping it, so Step Functions (which matches names exactly) retries it.
 */
export function asRetryableError(err: unknown): unknown {
  if (!isTransient(err)) return err;
  const name = fields(err)?.name;
  if (typeof name === 'string' && transientNames.has(name)) return err;
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new TransientError(message, { cause: err });
}

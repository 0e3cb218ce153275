import { describe, expect, it } from 'vitest';
import {
  asRetryableError,
  classifyError,
  PERMANENT_ERROR_NAMES,
  SERVER_ERROR_NAMES,
  STEP_FUNCTIONS_LAMBDA_ERROR_NAMES,
  THROTTLING_ERROR_NAMES,
  TIMEOUT_ERROR_NAMES,
  TRANSIENT_ERROR_NAME,
  TRANSIENT_ERROR_NAMES,
  TransientError,
} from '../../../core/errors/classify.js';
import { AlreadyDecidedError, GoldsmithError, MalformedEventError } from '../../../core/errors.js';
import { GateRejectedError, SoakAbortedError } from '../../../core/promotion/errors.js';

/** An error shaped as the SDK v3 throws it: a name, a status in `$metadata`, and `$fault`. */
function awsError(name: string, status: number, fault: 'client' | 'server'): Error {
  return Object.assign(new Error(`${name} from AWS`), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

/** A bare named error: what Step Functions hands a Catch, or a thrown value with no metadata at all. */
function named(name: string): Error {
  return Object.assign(new Error(name), { name });
}

// Each AWS error name we can receive, with the service that sends it and its documented status.
// Sources are cited next to each list in core/errors/classify.ts.
const transientByService: [service: string, name: string, status: number][] = [
  ['every service (Common Errors)', 'ThrottlingException', 400],
  ['every service (Common Errors)', 'InternalFailure', 500],
  ['every service (Common Errors)', 'ServiceUnavailable', 503],
  ['ec2', 'RequestLimitExceeded', 503],
  ['ec2', 'InternalError', 500],
  ['ec2', 'Unavailable', 503],
  ['imagebuilder', 'CallRateLimitExceededException', 429],
  ['imagebuilder', 'ServiceException', 500],
  ['imagebuilder', 'ServiceUnavailableException', 503],
  ['dynamodb', 'ProvisionedThroughputExceededException', 400],
  ['dynamodb', 'RequestLimitExceeded', 400],
  ['dynamodb', 'InternalServerError', 500],
  ['ssm', 'InternalServerError', 500],
  ['sns', 'ThrottledException', 400],
  ['sns', 'KMSThrottlingException', 400],
  ['sns', 'InternalErrorException', 500],
  ['organizations', 'TooManyRequestsException', 429],
  ['organizations', 'ServiceException', 500],
  ['sts', 'Throttling', 400],
  ['secretsmanager', 'InternalServiceError', 500],
  ['eventbridge', 'InternalException', 500],
  ['inspector2', 'InternalServerException', 500],
  ['ecr', 'ServerException', 500],
  ['ram', 'ServerInternalException', 500],
  ['ram', 'ServiceUnavailableException', 503],
  ['kms', 'KMSInternalException', 500],
  ['kms', 'DependencyTimeoutException', 503],
  ['kms', 'KeyUnavailableException', 500],
  ['sqs', 'RequestThrottled', 400],
  ['sqs', 'KmsThrottled', 400],
];

const permanentByService: [service: string, name: string, status: number][] = [
  ['every service (Common Errors)', 'ValidationError', 400],
  ['every service (Common Errors)', 'AccessDeniedException', 403],
  ['ec2', 'InvalidAMIID.NotFound', 400],
  ['ec2', 'UnauthorizedOperation', 403],
  ['ec2', 'AuthFailure', 401],
  ['imagebuilder', 'ResourceNotFoundException', 404],
  ['imagebuilder', 'InvalidRequestException', 400],
  ['imagebuilder', 'ResourceAlreadyExistsException', 400],
  ['imagebuilder', 'IdempotentParameterMismatchException', 400],
  ['imagebuilder', 'ServiceQuotaExceededException', 402],
  ['dynamodb', 'ConditionalCheckFailedException', 400],
  ['dynamodb', 'ValidationException', 400],
  ['ssm', 'ParameterNotFound', 400],
  ['sfn', 'ExecutionAlreadyExists', 400],
  ['sfn', 'TaskDoesNotExist', 400],
  ['sfn', 'TaskTimedOut', 400],
  ['sfn', 'InvalidToken', 400],
];

describe('classifyError', () => {
  it.each(transientByService)('calls %s %s (HTTP %i) transient', (_service, name, status) => {
    const fault = status >= 500 ? 'server' : 'client';
    expect(classifyError(awsError(name, status, fault))).toBe('transient');
    // Step Functions hands a Catch/Retry only the name: the name alone must decide.
    expect(classifyError(named(name))).toBe('transient');
  });

  it.each(permanentByService)('calls %s %s (HTTP %i) permanent', (_service, name, status) => {
    expect(classifyError(awsError(name, status, 'client'))).toBe('permanent');
    expect(classifyError(named(name))).toBe('permanent');
  });

  it.each([...STEP_FUNCTIONS_LAMBDA_ERROR_NAMES])('calls the Step Functions Lambda error %s transient', (name) => {
    expect(classifyError(named(name))).toBe('transient');
  });

  it.each([...TIMEOUT_ERROR_NAMES])('calls the SDK timeout %s transient', (name) => {
    expect(classifyError(named(name))).toBe('transient');
  });

  it('calls a dropped connection transient by its socket code', () => {
    expect(classifyError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('transient');
  });

  it('calls an unknown name transient when AWS marked it a server fault or answered 5xx/429', () => {
    expect(classifyError(awsError('SomethingNewException', 502, 'server'))).toBe('transient');
    expect(classifyError(awsError('SomethingNewException', 429, 'client'))).toBe('transient');
  });

  it('calls an unknown client error permanent', () => {
    expect(classifyError(awsError('SomethingNewException', 400, 'client'))).toBe('permanent');
    expect(classifyError(named('TypeError'))).toBe('permanent');
    expect(classifyError('a string')).toBe('permanent');
    expect(classifyError(undefined)).toBe('permanent');
  });

  it('calls our own decisions permanent', () => {
    expect(classifyError(new GateRejectedError('2 critical findings'))).toBe('permanent');
    expect(classifyError(new SoakAbortedError('revoked'))).toBe('permanent');
    expect(classifyError(new AlreadyDecidedError('taken'))).toBe('permanent');
    expect(classifyError(new MalformedEventError('detail.state: required'))).toBe('permanent');
  });

  it('lets the cause decide when our error wraps an AWS answer', () => {
    const wrapped = new GoldsmithError('could not load image', { cause: awsError('ServiceException', 500, 'server') });
    expect(classifyError(wrapped)).toBe('transient');
    const notFound = new GoldsmithError('no such image', {
      cause: awsError('ResourceNotFoundException', 404, 'client'),
    });
    expect(classifyError(notFound)).toBe('permanent');
  });

  it('never retries an approval timeout (States.Timeout decides "expired")', () => {
    expect(TRANSIENT_ERROR_NAMES).not.toContain('States.Timeout');
    expect(classifyError(named('States.Timeout'))).toBe('permanent');
  });

  it('keeps the two halves of the table apart', () => {
    const transient = new Set(TRANSIENT_ERROR_NAMES);
    expect(PERMANENT_ERROR_NAMES.filter((n) => transient.has(n))).toEqual([]);
    expect(TRANSIENT_ERROR_NAMES).toEqual(expect.arrayContaining([...THROTTLING_ERROR_NAMES, ...SERVER_ERROR_NAMES]));
  });
});

describe('asRetryableError', () => {
  it('keeps an error whose name the Retry lists already match', () => {
    const err = awsError('ServiceUnavailableException', 503, 'server');
    expect(asRetryableError(err)).toBe(err);
  });

  it('renames a transient error with an unlisted name, keeping it as the cause', () => {
    const err = awsError('BadGatewayException', 502, 'server');
    const renamed = asRetryableError(err);
    expect(renamed).toBeInstanceOf(TransientError);
    expect((renamed as Error).name).toBe(TRANSIENT_ERROR_NAME);
    expect((renamed as Error).cause).toBe(err);
    expect(TRANSIENT_ERROR_NAMES).toContain(TRANSIENT_ERROR_NAME);
  });

  it('leaves a permanent error alone', () => {
    const err = new GateRejectedError('no');
    expect(asRetryableError(err)).toBe(err);
  });
});

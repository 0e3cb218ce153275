import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asRetryableError,
  classifyError,
  isTransient,
  TRANSIENT_ERROR_NAME,
  TRANSIENT_ERROR_NAMES,
  TransientError,
} from '../../../core/errors/classify.js';
import { GoldsmithError } from '../../../core/errors.js';

// The names are written out here, not read from the module's lists: a name dropped from (or misspelt in) the
// table must fail a test, which iterating over the table itself could never do.
const throttling = [
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
];
const server = [
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
];
const timeouts = ['TimeoutError', 'RequestTimeout', 'RequestTimeoutException'];
const stepFunctionsLambda = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
  'Lambda.Unknown',
  'Sandbox.Timedout',
];
const permanent = [
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
];

/** A plain object with only the given fields: no name, no Error prototype, nothing else to decide by. */
function bare(fields: Record<string, unknown>): Record<string, unknown> {
  return { ...fields };
}

describe('the transient names', () => {
  it.each([...throttling, ...server, ...timeouts, ...stepFunctionsLambda, TRANSIENT_ERROR_NAME])(
    '%s is transient by its name alone, and every Retry list matches it',
    (name) => {
      expect(classifyError(bare({ name }))).toBe('transient');
      expect(TRANSIENT_ERROR_NAMES).toContain(name);
    },
  );

  it('lists nothing else as transient', () => {
    expect([...TRANSIENT_ERROR_NAMES].sort()).toEqual(
      [...throttling, ...server, ...timeouts, ...stepFunctionsLambda, TRANSIENT_ERROR_NAME].sort(),
    );
  });
});

describe('the permanent names', () => {
  it.each(permanent)('%s is permanent even when it arrives with a 5xx status, a server fault or $retryable', (name) => {
    // The name is read before the status: AWS documents these as client errors whatever the envelope says.
    expect(
      classifyError(
        bare({ name, $fault: 'server', $retryable: {}, $metadata: { httpStatusCode: 503 }, code: 'EPIPE' }),
      ),
    ).toBe('permanent');
  });

  it('a permanent name wrapping a transient cause stays permanent (the outer name decides first)', () => {
    expect(classifyError(bare({ name: 'AccessDeniedException', cause: bare({ name: 'Throttling' }) }))).toBe(
      'permanent',
    );
  });
});

describe('the status-code rule', () => {
  it('500 and above and 429 are transient; 499, 428, 430 and every other 4xx are permanent', () => {
    expect(classifyError(bare({ $metadata: { httpStatusCode: 500 } }))).toBe('transient');
    expect(classifyError(bare({ $metadata: { httpStatusCode: 599 } }))).toBe('transient');
    expect(classifyError(bare({ $metadata: { httpStatusCode: 429 } }))).toBe('transient');
    expect(classifyError(bare({ $metadata: { httpStatusCode: 499 } }))).toBe('permanent');
    expect(classifyError(bare({ $metadata: { httpStatusCode: 428 } }))).toBe('permanent');
    expect(classifyError(bare({ $metadata: { httpStatusCode: 430 } }))).toBe('permanent');
  });

  it('over every status an unknown error may carry, transient exactly when status ≥ 500 or status = 429', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), (status) => {
        const expected = status >= 500 || status === 429 ? 'transient' : 'permanent';
        expect(classifyError(bare({ name: 'SomethingNew', $metadata: { httpStatusCode: status } }))).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('a status that is not a number decides nothing', () => {
    expect(classifyError(bare({ $metadata: { httpStatusCode: '503' } }))).toBe('permanent');
    expect(classifyError(bare({ $metadata: {} }))).toBe('permanent');
  });
});

describe('the SDK markers', () => {
  it("$fault 'server' is transient, $fault 'client' is not", () => {
    expect(classifyError(bare({ $fault: 'server' }))).toBe('transient');
    expect(classifyError(bare({ $fault: 'client' }))).toBe('permanent');
  });

  it('$retryable set (even to an empty object) is transient; absent or null is not', () => {
    expect(classifyError(bare({ $retryable: {} }))).toBe('transient');
    expect(classifyError(bare({ $retryable: { throttling: true } }))).toBe('transient');
    expect(classifyError(bare({ $retryable: undefined }))).toBe('permanent');
    expect(classifyError(bare({ $retryable: null }))).toBe('permanent');
  });
});

describe('the socket error codes', () => {
  it.each(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN'])(
    '%s (a failed connection) is transient',
    (code) => {
      expect(classifyError(Object.assign(new Error('connect failed'), { code }))).toBe('transient');
    },
  );

  it('other codes are permanent: a host that does not exist, a refused permission, a numeric code', () => {
    expect(classifyError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe('permanent');
    expect(classifyError(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('permanent');
    expect(classifyError(bare({ code: 104 }))).toBe('permanent');
  });
});

describe('causes', () => {
  it('a wrapper with an unknown name takes its cause’s class, however deep', () => {
    const deep = bare({ name: 'Wrapper', cause: bare({ name: 'Outer', cause: bare({ name: 'SlowDown' }) }) });
    expect(classifyError(deep)).toBe('transient');
    expect(classifyError(bare({ name: 'Wrapper', cause: bare({ name: 'Outer', cause: 'text' }) }))).toBe('permanent');
  });

  it('a cycle of causes ends as permanent instead of looping', () => {
    const a: Record<string, unknown> = { name: 'A' };
    const b: Record<string, unknown> = { name: 'B', cause: a };
    a.cause = b;
    expect(classifyError(a)).toBe('permanent');
    const self: Record<string, unknown> = { name: 'Self' };
    self.cause = self;
    expect(classifyError(self)).toBe('permanent');
  });

  it('a cycle whose second member is transient is transient (the guard stops only at a repeat)', () => {
    const a: Record<string, unknown> = { name: 'A' };
    a.cause = { name: 'Throttling', cause: a };
    expect(classifyError(a)).toBe('transient');
  });

  it('our own error without a cause is permanent; with a transient cause it is transient', () => {
    expect(classifyError(new GoldsmithError('decided'))).toBe('permanent');
    expect(classifyError(new GoldsmithError('wrapped', { cause: bare({ $fault: 'server' }) }))).toBe('transient');
  });

  it('values that are not objects are permanent: null, a number, a string, a symbol, a function', () => {
    expect(classifyError(null)).toBe('permanent');
    expect(classifyError(503)).toBe('permanent');
    expect(classifyError('Throttling')).toBe('permanent');
    expect(classifyError(Symbol('x'))).toBe('permanent');
    expect(classifyError(bare({ name: 503 }))).toBe('permanent');
    // A thrown function has a name too, but it is no error: its name decides nothing.
    expect(classifyError(function Throttling() {})).toBe('permanent');
  });
});

describe('isTransient', () => {
  it('is true exactly when the class is transient', () => {
    expect(isTransient(bare({ name: 'Throttling' }))).toBe(true);
    expect(isTransient(bare({ name: 'ValidationException' }))).toBe(false);
    expect(isTransient(undefined)).toBe(false);
  });
});

describe('asRetryableError', () => {
  it('renames an Error with an unlisted name, keeping its name and message in the new message', () => {
    const err = Object.assign(new Error('bad gateway'), { name: 'BadGateway', $fault: 'server' });
    const renamed = asRetryableError(err) as TransientError;
    expect(renamed).toBeInstanceOf(TransientError);
    expect(renamed).toBeInstanceOf(GoldsmithError);
    expect(renamed.message).toBe('BadGateway: bad gateway');
    expect(renamed.name).toBe('Goldsmith.Transient');
    expect(renamed.cause).toBe(err);
    expect(isTransient(renamed)).toBe(true);
  });

  it('renames a transient value that is not an Error, describing it as text', () => {
    const thrown = bare({ $metadata: { httpStatusCode: 503 } });
    const renamed = asRetryableError(thrown) as TransientError;
    expect(renamed).toBeInstanceOf(TransientError);
    expect(renamed.message).toBe('[object Object]');
    expect(renamed.cause).toBe(thrown);
  });

  it('keeps a transient error that already carries a listed name, even if it is not an Error', () => {
    const thrown = bare({ name: 'ThrottlingException' });
    expect(asRetryableError(thrown)).toBe(thrown);
  });

  it('renames a transient error whose only name-like field is not a string', () => {
    const thrown = bare({ name: 42, $fault: 'server' });
    expect(asRetryableError(thrown)).toBeInstanceOf(TransientError);
  });

  it('returns permanent values unchanged', () => {
    expect(asRetryableError('text')).toBe('text');
    expect(asRetryableError(undefined)).toBeUndefined();
  });
});

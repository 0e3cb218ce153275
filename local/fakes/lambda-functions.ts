import { createHash } from 'node:crypto';
import {
  InvalidParameterValueException,
  LambdaServiceException,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import {
  asArray,
  errorFactory,
  type FakeCall,
  type FakeService,
  NotImplementedByFakeError,
  paginate,
} from './common.js';
import type { KmsFake } from './kms.js';

const err = errorFactory(LambdaServiceException);
const invalid = (message: string) => err(InvalidParameterValueException, message, 400);

/** One function's state as Lambda holds it. */
export interface FakeFunction {
  FunctionName: string;
  FunctionArn: string;
  Role: string;
  Handler: string;
  Runtime: string;
  Timeout: number;
  MemorySize: number;
  Environment: Record<string, string>;
  Layers: string[];
  CodeSha256: string;
  CodeSize: number;
  LastModified: string;
  reserved?: number | undefined;
  /** The customer managed key that encrypts the environment; absent for Lambda's own key. */
  KMSKeyArn?: string | undefined;
  /** Who set that key (the caller of UpdateFunctionConfiguration), when the local cloud knew it. */
  keySetBy?: string | undefined;
}

/** What a deploy gives a function (CloudFormation's CreateFunction / UpdateFunctionCode with the asset's object). */
export type FunctionSpec = Omit<
  FakeFunction,
  'FunctionArn' | 'CodeSha256' | 'CodeSize' | 'LastModified' | 'reserved' | 'KMSKeyArn' | 'keySetBy'
> & {
  /** The deployment package's bytes (or a stand-in for them): its SHA-256 is `CodeSha256`. */
  code: string;
};

/** Lambda's `LastModified`: ISO-8601 with milliseconds and a `+0000` offset (`2027-01-18T01:00:00.000+0000`). */
const lambdaTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

/** "The SHA256 hash of the function's deployment package", base64 as Lambda gives it. */
const sha = (code: string | Uint8Array) => createHash('sha256').update(code).digest('base64');

/**
 * Lambda's function API for Goldsmith's functions, as far as the functions' auditor and an outside principal use it
 * (https://docs.aws.amazon.com/lambda/latest/api/): GetFunction / GetFunctionConfiguration (the configuration with
 * `CodeSha256` and `LastModified`, GetFunction with `Concurrency` when a reserved concurrency is set), ListFunctions
 * (the same configuration without the state fields and without the concurrency, paginated by `MaxItems` and
 * `Marker`/`NextMarker`, at most 50 a page), UpdateFunctionCode (a zip or an S3 object: a new `CodeSha256`),
 * UpdateFunctionConfiguration, PutFunctionConcurrency / GetFunctionConcurrency / DeleteFunctionConcurrency. Every
 * change of code or configuration sets `LastModified` to the time of the call; a reserved concurrency does not. A
 * function is named by its name or its (partial) ARN; an unknown one is ResourceNotFoundException (404).
 *
 * The environment's key: UpdateFunctionConfiguration's `KMSKeyArn` sets a customer managed key (GetFunction then
 * answers it as `KMSKeyArn`). With one, "only users in your account with access to the KMS key can view or manage
 * environment variables on the function"
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html): GetFunction by a caller who may
 * not decrypt answers `Environment: { Error: { ErrorCode, Message } }` without `Variables` (EnvironmentResponse,
 * https://docs.aws.amazon.com/lambda/latest/api/API_EnvironmentResponse.html). Who may decrypt: where {@link keys}
 * holds the key, whom its key policy names or a grant allows `kms:Decrypt` (the callers' own IAM policies are not
 * modelled: a key policy that delegates to the account lets no one through); a key the local KMS does not hold, only
 * the principal that set it. AWS does not document the `ErrorCode` it gives; the fake answers KMS's
 * `AccessDeniedException`.
 */
export class LambdaFunctionsFake implements FakeService {
  readonly functions = new Map<string, FakeFunction>();
  /** The local KMS, to decide who may read an environment a customer managed key encrypts. */
  keys: KmsFake | undefined;

  constructor(
    private readonly accountId: string,
    private readonly region: string,
    private readonly now: () => number,
  ) {}

  /** A function as a deploy creates or updates it: its `LastModified` is now. */
  deploy(spec: FunctionSpec): FakeFunction {
    const { code, ...rest } = spec;
    const fn: FakeFunction = {
      ...rest,
      FunctionArn: `arn:aws:lambda:${this.region}:${this.accountId}:function:${spec.FunctionName}`,
      CodeSha256: sha(code),
      CodeSize: code.length,
      LastModified: lambdaTime(this.now()),
      reserved: this.functions.get(spec.FunctionName)?.reserved,
      KMSKeyArn: undefined,
      keySetBy: undefined,
    };
    this.functions.set(spec.FunctionName, fn);
    return fn;
  }

  handle(call: FakeCall): unknown {
    const input = call.input;
    switch (call.action) {
      case 'ListFunctions': {
        const page = paginate([...this.functions.values()], input.MaxItems, input.Marker, {
          max: 50,
          invalidToken: () => invalid('Invalid Marker'),
        });
        // "a subset of the FunctionConfiguration fields": GetFunction's without the state fields (State,
        // LastUpdateStatus and their reasons), https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html.
        const listed = page.items.map((f) => {
          const { State: _state, LastUpdateStatus: _update, ...rest } = this.configuration(f);
          return rest;
        });
        return { Functions: listed, ...(page.nextToken ? { NextMarker: page.nextToken } : {}) };
      }
      case 'GetFunction': {
        const fn = this.find(input.FunctionName);
        const configuration = this.configuration(fn);
        const denied = this.environmentDenied(call, fn);
        return {
          Configuration: denied ? { ...configuration, Environment: { Error: denied } } : configuration,
          Code: { RepositoryType: 'S3' },
          ...(fn.reserved !== undefined ? { Concurrency: { ReservedConcurrentExecutions: fn.reserved } } : {}),
        };
      }
      case 'GetFunctionConfiguration':
        return this.configuration(this.find(input.FunctionName));
      case 'UpdateFunctionCode': {
        const fn = this.find(input.FunctionName);
        const zip = input.ZipFile;
        const code =
          zip instanceof Uint8Array || typeof zip === 'string'
            ? zip
            : typeof input.S3Bucket === 'string' && typeof input.S3Key === 'string'
              ? `s3://${input.S3Bucket}/${input.S3Key}`
              : undefined;
        if (code === undefined) throw invalid('Please provide a source for function code.');
        Object.assign(fn, { CodeSha256: sha(code), CodeSize: code.length, LastModified: lambdaTime(this.now()) });
        return this.configuration(fn);
      }
      case 'UpdateFunctionConfiguration': {
        const fn = this.find(input.FunctionName);
        const env = (input.Environment as { Variables?: Record<string, string> } | undefined)?.Variables;
        for (const field of ['Role', 'Handler', 'Runtime', 'Timeout', 'MemorySize'] as const) {
          if (input[field] !== undefined) Object.assign(fn, { [field]: input[field] });
        }
        if (env !== undefined) fn.Environment = { ...env };
        if (input.Layers !== undefined) fn.Layers = asArray<string>(input.Layers);
        if (typeof input.KMSKeyArn === 'string') {
          // An empty string is taken as Lambda's own key (the fake's reading; AWS's reference does not say).
          fn.KMSKeyArn = input.KMSKeyArn || undefined;
          fn.keySetBy = input.KMSKeyArn ? call.principal : undefined;
        }
        fn.LastModified = lambdaTime(this.now());
        return this.configuration(fn);
      }
      case 'PutFunctionConcurrency': {
        const fn = this.find(input.FunctionName);
        const n = input.ReservedConcurrentExecutions;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
          throw invalid('ReservedConcurrentExecutions must be an integer of at least 0.');
        }
        fn.reserved = n;
        return { ReservedConcurrentExecutions: n };
      }
      case 'GetFunctionConcurrency': {
        const fn = this.find(input.FunctionName);
        return fn.reserved !== undefined ? { ReservedConcurrentExecutions: fn.reserved } : {};
      }
      case 'Invoke': {
        // A reserved concurrency of 0 throttles every invocation (429, `ReservedFunctionConcurrentInvocationLimitExceeded`,
        // https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html); running one is the simulator's (lambda.ts).
        if (this.find(input.FunctionName).reserved === 0) {
          throw err(TooManyRequestsException, 'Rate Exceeded.', 429);
        }
        throw new NotImplementedByFakeError('lambda', 'Invoke of a function that runs');
      }
      case 'DeleteFunctionConcurrency':
        this.find(input.FunctionName).reserved = undefined;
        return {};
      default:
        throw new NotImplementedByFakeError('lambda', call.action);
    }
  }

  /** Whether Lambda would run the function now: not with a reserved concurrency of 0 (every invocation throttled). */
  runs(nameOrArn: string): boolean {
    return this.lookup(nameOrArn)?.reserved !== 0;
  }

  private lookup(nameOrArn: string): FakeFunction | undefined {
    const name = /(?:^|:function:)([^:]+)(?::[^:]+)?$/.exec(nameOrArn)?.[1] ?? nameOrArn;
    return this.functions.get(name);
  }

  private find(nameOrArn: unknown): FakeFunction {
    const fn = this.lookup(String(nameOrArn ?? ''));
    if (!fn) {
      throw err(
        ResourceNotFoundException,
        `Function not found: arn:aws:lambda:${this.region}:${this.accountId}:function:${String(nameOrArn)}`,
        404,
      );
    }
    return fn;
  }

  /** Why `call`'s caller may not see the function's environment (EnvironmentError), or undefined when it may. */
  private environmentDenied(call: FakeCall, fn: FakeFunction): { ErrorCode: string; Message: string } | undefined {
    const keyArn = fn.KMSKeyArn;
    if (!keyArn) return undefined;
    const principal = call.principal ?? `arn:aws:iam::${call.accountId}:root`;
    const allowed = this.keys?.key(call.region, keyArn)
      ? this.keys.authorize(
          call.region,
          keyArn,
          { account: call.accountId, principalArn: principal, identityAllows: false },
          'kms:Decrypt',
        ).allowed
      : principal === fn.keySetBy;
    if (allowed) return undefined;
    return {
      ErrorCode: 'AccessDeniedException',
      Message: `Lambda was unable to decrypt the environment variables because KMS access was denied. KMS Message: User: ${principal} is not authorized to perform: kms:Decrypt on resource: ${keyArn}`,
    };
  }

  private configuration(fn: FakeFunction) {
    const { reserved: _reserved, keySetBy: _keySetBy, KMSKeyArn, Environment, Layers, ...rest } = fn;
    return {
      ...rest,
      ...(KMSKeyArn ? { KMSKeyArn } : {}),
      Environment: { Variables: { ...Environment } },
      Layers: Layers.map((Arn) => ({ Arn })),
      State: 'Active',
      LastUpdateStatus: 'Successful',
    };
  }
}

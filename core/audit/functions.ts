import { createHash } from 'node:crypto';

/**
 * Goldsmith's Lambda functions as the deployment made them, against what Lambda holds.
 *
 * What the deployment wrote: for each function, the stacks write its `AWS::Lambda::Function` properties, resolved by
 * CloudFormation (its role's ARN, handler, runtime, environment, layers, and the code's S3 object, whose key is the
 * bundle's asset hash), to a parameter under `functionsPath(stage)` (stacks/expected-functions.ts). The parameter's
 * value names the function's ARN, so CloudFormation updates it only after it has updated the function; and since it
 * holds every property, it is rewritten in every deploy that changes the function. Hence:
 * - the configuration Lambda reports is compared with the parameter's, field by field;
 * - the code cannot be (CloudFormation knows no `CodeSha256` before the upload, and the zip's hash is not the asset
 *   hash), so its change is seen through time: Lambda sets `LastModified` itself on every change of code or
 *   configuration, "the date and time that the function was last updated"
 *   (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html), and nobody can set it. A function
 *   updated after the deployment last wrote its parameter (`LastModifiedDate`) was changed outside the deployment.
 *   The parameters are under `/goldsmith/`, which the SCP keeps to the deployment and Goldsmith's roles; where no SCP
 *   applies, rewriting one is a Parameter Store Change the auditor reads (docs/security/audit.md).
 */

/** Where the stacks write the functions' expected properties: under `/goldsmith/`, which the SCP keeps to Goldsmith. */
export const functionsPath = (stage: string) => `/goldsmith/_functions/${stage}/`;

/** One function as its parameter holds it. */
/** The configuration the audit compares, on both sides. */
interface FunctionConfiguration {
  role?: string | undefined;
  handler?: string | undefined;
  runtime?: string | undefined;
  environment: Record<string, string>;
  layers: string[];
  timeout?: number | undefined;
  memorySize?: number | undefined;
  /**
   * The customer managed key that encrypts the environment (`KMSKeyArn`); undefined for Lambda's own key, which is
   * what Goldsmith's functions use ("This key is returned only if you've configured a customer managed key",
   * https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html).
   */
  kmsKeyArn?: string | undefined;
}

export interface ExpectedFunction extends FunctionConfiguration {
  /** The parameter's name and when the deployment last wrote it. */
  parameter: string;
  writtenAt: Date;
  /** The function's name (CloudFormation's physical id). */
  name: string;
  role: string;
  /** The code's S3 object as the deployment gave it (`<bucket>/<key>`), to put it back by hand. */
  code?: string | undefined;
  /** The stack that holds the function (its rollback also updates the function after the parameter). */
  stack?: string | undefined;
}

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : undefined);

/** A parameter's value (`{ name, properties }`), read; a malformed one is refused naming the parameter and the field. */
export function expectedFunctionFrom(parameter: string, value: string, writtenAt: Date): ExpectedFunction {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`${parameter}: not JSON`);
  }
  const name = str(obj(parsed).name);
  const stack = str(obj(parsed).stack);
  if (!name) throw new Error(`${parameter}: name is missing`);
  const p = obj(obj(parsed).properties);
  const role = str(p.Role);
  if (!role) throw new Error(`${parameter}: properties.Role is missing`);
  const environment = Object.fromEntries(
    Object.entries(obj(obj(p.Environment).Variables)).map(([k, v]) => [k, String(v)]),
  );
  const code = obj(p.Code);
  return {
    parameter,
    writtenAt,
    name,
    role,
    handler: str(p.Handler),
    runtime: str(p.Runtime),
    environment,
    layers: Array.isArray(p.Layers) ? p.Layers.map(String) : [],
    timeout: num(p.Timeout),
    memorySize: num(p.MemorySize),
    kmsKeyArn: str(p.KmsKeyArn),
    code: str(code.S3Bucket) && str(code.S3Key) ? `${code.S3Bucket}/${code.S3Key}` : undefined,
    stack,
  };
}

/** What Lambda reports (GetFunction's `Configuration` and `Concurrency`), as the audit reads it. */
export interface HeldFunction extends FunctionConfiguration {
  codeSha256?: string | undefined;
  /** ISO-8601, as Lambda gives it (`2027-01-18T01:00:00.000+0000`). */
  lastModified?: string | undefined;
  /** The reserved concurrency; 0 is a stopped function. */
  reserved?: number | undefined;
  /**
   * Why Lambda gave no environment (`Environment.Error`: "Error messages for environment variables that couldn't be
   * applied", https://docs.aws.amazon.com/lambda/latest/api/API_EnvironmentError.html): with a customer managed key,
   * "only users in your account with access to the KMS key can view or manage environment variables on the function"
   * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html).
   */
  environmentError?: { code?: string | undefined; message?: string | undefined } | undefined;
}

/** Lambda's `LastModified` (`…+0000`) as a time; undefined when it cannot be read. */
export function lambdaTime(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const t = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** The environment's differences by variable name (values are not repeated: they may be sensitive). */
function environmentDrift(held: Record<string, string>, wanted: Record<string, string>): string[] {
  const names = [...new Set([...Object.keys(held), ...Object.keys(wanted)])].sort();
  return names.flatMap((n) => {
    if (!(n in held)) return [`environment variable ${n} removed`];
    if (!(n in wanted)) return [`environment variable ${n} added`];
    return held[n] === wanted[n] ? [] : [`environment variable ${n} changed`];
  });
}

/**
 * What differs between the function Lambda holds and the deployment's, as people read it (empty: none): each
 * configuration field that differs (the environment's key among them; an environment Lambda would not show the audit
 * is reported as unreadable, not as every variable removed), and a change of code or configuration after the deployment last wrote the
 * function's parameter. A reserved concurrency of 0 the deployment did not set is reported too (the audit's own stop).
 */
export function functionDrift(held: HeldFunction, wanted: ExpectedFunction, rolledBackAt?: Date): string[] {
  const out: string[] = [];
  if (held.role !== wanted.role) out.push(`role ${held.role ?? '(none)'} instead of ${wanted.role}`);
  if (wanted.handler && held.handler !== wanted.handler) out.push(`handler ${held.handler ?? '(none)'}`);
  if (wanted.runtime && held.runtime !== wanted.runtime) out.push(`runtime ${held.runtime ?? '(none)'}`);
  if (held.kmsKeyArn !== wanted.kmsKeyArn) {
    out.push(
      held.kmsKeyArn
        ? `environment encrypted with another key (${held.kmsKeyArn})`
        : `environment encrypted with Lambda's own key instead of ${wanted.kmsKeyArn}`,
    );
  }
  // An environment the audit cannot read is not an empty one: its variables are not listed as removed.
  if (held.environmentError) out.push(`environment unreadable (${held.environmentError.code ?? 'no error code'})`);
  else out.push(...environmentDrift(held.environment, wanted.environment));
  const layers = (l: readonly string[]) => [...l].sort().join(',');
  if (layers(held.layers) !== layers(wanted.layers)) out.push(`layers ${held.layers.join(', ') || '(none)'}`);
  if (wanted.timeout !== undefined && held.timeout !== wanted.timeout) out.push(`timeout ${held.timeout ?? '?'} s`);
  if (wanted.memorySize !== undefined && held.memorySize !== wanted.memorySize) {
    out.push(`memory ${held.memorySize ?? '?'} MB`);
  }
  const modified = lambdaTime(held.lastModified);
  if (!modified) out.push('no readable LastModified');
  else if (changedAfterDeploy(held, wanted) && !(rolledBackAt && modified.getTime() <= rolledBackAt.getTime())) {
    out.push(
      `code or configuration changed at ${modified.toISOString()}, after the deploy wrote it at ${wanted.writtenAt.toISOString()} (CodeSha256 ${held.codeSha256 ?? '?'})`,
    );
  }
  return out;
}

/**
 * Whether Lambda's `LastModified` is later than the deployment's parameter. One exception the caller resolves
 * (`rolledBackAt`): a failed deploy's rollback puts back both, in an order CloudFormation does not document, so a
 * function updated before its stack's rollback completed (`UPDATE_ROLLBACK_COMPLETE`, read from the stack's events)
 * is the rollback's, not drift; one updated after it is.
 */
export function changedAfterDeploy(held: HeldFunction, wanted: ExpectedFunction): boolean {
  const modified = lambdaTime(held.lastModified);
  return modified !== undefined && modified.getTime() > wanted.writtenAt.getTime();
}

/** The drift record's sort key: the same change of the same function found again the same day is the same record. */
export function functionDriftSk(name: string, drift: readonly string[], held: HeldFunction, now: Date): string {
  const change = createHash('sha256')
    .update(JSON.stringify([drift, held.codeSha256 ?? '']))
    .digest('hex')
    .slice(0, 16);
  return `DRIFT#function#${name}#${now.toISOString().slice(0, 10)}#${change}`;
}

import { describe, expect, it } from 'vitest';
import { type FunctionSpec, LambdaFunctionsFake } from '../../../local/fakes/lambda-functions.js';

/**
 * The Lambda fake's ListFunctions, as AWS answers it
 * (https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html): "Lambda returns up to 50 functions per call",
 * each with "a subset of the FunctionConfiguration fields" (no State, no LastUpdateStatus: "use GetFunction"), and no
 * reserved concurrency. Goldsmith's own code does not list functions (the action takes no resource); an outside
 * principal of the local cloud may.
 */

const ACCOUNT = '123456789012';

const spec = (i: number): FunctionSpec => ({
  FunctionName: `fn-${i}`,
  Role: `arn:aws:iam::${ACCOUNT}:role/r`,
  Handler: 'index.handler',
  Runtime: 'nodejs22.x',
  Timeout: 60,
  MemorySize: 512,
  Environment: { SECRET: 'x' },
  Layers: [],
  code: `code ${i}`,
});

const list = (fake: LambdaFunctionsFake, input: Record<string, unknown>) =>
  fake.handle({
    service: 'lambda',
    action: 'ListFunctions',
    input,
    body: input,
    region: 'us-east-1',
    accountId: ACCOUNT,
  }) as {
    Functions: Record<string, unknown>[];
    NextMarker?: string;
  };

describe("the Lambda fake's ListFunctions", () => {
  it('answers 50 a page at most, read on by NextMarker, each without the state fields and the concurrency', () => {
    const fake = new LambdaFunctionsFake(ACCOUNT, 'us-east-1', () => Date.parse('2027-01-18T00:00:00Z'));
    for (let i = 0; i < 55; i++) fake.deploy(spec(i));
    const stopped = fake.functions.get('fn-0');
    if (stopped) stopped.reserved = 0;

    const first = list(fake, { MaxItems: 100 });
    expect(first.Functions).toHaveLength(50);
    expect(first.NextMarker).toEqual(expect.any(String));
    const second = list(fake, { Marker: first.NextMarker });
    expect(second.Functions.map((f) => f.FunctionName)).toEqual(['fn-50', 'fn-51', 'fn-52', 'fn-53', 'fn-54']);
    expect(second).not.toHaveProperty('NextMarker');

    const [listed] = first.Functions;
    expect(listed).toMatchObject({ FunctionName: 'fn-0', Environment: { Variables: { SECRET: 'x' } } });
    for (const field of ['State', 'LastUpdateStatus', 'Concurrency', 'reserved'])
      expect(listed).not.toHaveProperty(field);
    expect(() => list(fake, { Marker: 'not-one-it-gave' })).toThrow(/Invalid Marker/);
  });
});

describe("the Lambda fake's environment key", () => {
  const call = (fake: LambdaFunctionsFake, action: string, input: Record<string, unknown>, principal?: string) =>
    fake.handle({ service: 'lambda', action, input, body: input, region: 'us-east-1', accountId: ACCOUNT, principal });
  const environment = (fake: LambdaFunctionsFake, principal?: string) =>
    (call(fake, 'GetFunction', { FunctionName: 'fn-0' }, principal) as { Configuration: Record<string, unknown> })
      .Configuration.Environment;

  it('shows a key the local KMS does not hold only to the principal that set it, until a deploy puts Lambda’s key back', () => {
    const fake = new LambdaFunctionsFake(ACCOUNT, 'us-east-1', () => Date.parse('2027-01-18T00:00:00Z'));
    fake.deploy(spec(0));
    const mallory = `arn:aws:iam::${ACCOUNT}:role/mallory`;
    const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/mallorys`;

    const updated = call(fake, 'UpdateFunctionConfiguration', { FunctionName: 'fn-0', KMSKeyArn: key }, mallory);

    expect(updated).toMatchObject({ KMSKeyArn: key });
    expect(environment(fake, mallory)).toEqual({ Variables: { SECRET: 'x' } });
    expect(environment(fake, `arn:aws:iam::${ACCOUNT}:role/auditor`)).toEqual({
      Error: { ErrorCode: 'AccessDeniedException', Message: expect.stringContaining(key) },
    });
    expect(environment(fake)).toHaveProperty('Error');
    fake.deploy(spec(0));
    expect(environment(fake)).toEqual({ Variables: { SECRET: 'x' } });
  });
});

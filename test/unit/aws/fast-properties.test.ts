import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withFastProperties } from '../../../aws/clients/registry.js';

const root = resolve(import.meta.dirname, '../../..');

// Runs in a child Node with V8's natives syntax, which vitest's workers do not have: whether the configuration of a
// client the registry built is in fast mode, and whether a plain SDK client's is (dictionary mode: what the
// registry repairs).
const PROBE = `
const { dynamodbClient } = await import(${JSON.stringify(pathToFileURL(resolve(root, 'aws/clients/dynamodb.ts')).href)});
const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
const fast = (o) => %HasFastProperties(o);
process.stdout.write(JSON.stringify({
  registry: fast(dynamodbClient('eu-west-1').config),
  plain: fast(new DynamoDBClient({ region: 'eu-west-1' }).config),
}));
`;

describe('withFastProperties', () => {
  it('keeps the object itself and every property, getters included', () => {
    let reads = 0;
    const object: Record<string, unknown> = { a: 1, b: 'two' };
    Object.defineProperty(object, 'c', { enumerable: true, get: () => ++reads });
    for (let i = 0; i < 40; i++) object[`k${i}`] = i;
    delete object.k3;

    const before = Object.getOwnPropertyDescriptors(object);
    const readsBefore = reads;

    expect(withFastProperties(object)).toBe(object);
    expect(Object.getOwnPropertyDescriptors(object)).toEqual(before);
    expect(reads).toBe(readsBefore);
  });

  it("puts an SDK client's configuration, which the SDK spreads three times per request, in V8's fast mode", () => {
    const out = execFileSync(
      process.execPath,
      ['--allow-natives-syntax', '--import', 'tsx/esm', '--input-type=module', '-e', PROBE],
      { cwd: root, encoding: 'utf8', env: { ...process.env, AWS_REGION: 'eu-west-1' } },
    );
    expect(JSON.parse(out)).toEqual({ registry: true, plain: false });
  });
});

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getStack, Stack } from 'sst/constructs';
import { describe, expect, it } from 'vitest';
import exampleCatalog from '../../goldsmith.config.js';
import { hashCustomResourceHandlerByDigest, sstMethodAsCopied } from '../../local/simulator/sst-asset-hash.js';
import { Ledger } from '../../stacks/Ledger.js';
import { Notifications } from '../../stacks/Notifications.js';
import { type StackFunction, synthesize } from './helpers.js';

const STACKS = [Ledger, Notifications] as StackFunction[];
type Resources = Record<string, { Type: string; Properties?: { Code?: { S3Key?: unknown } } }>;

/** Each stack's template, by the stack's name. */
async function templates(): Promise<Map<string, { Resources: Resources }>> {
  const synth = await synthesize(exampleCatalog, { stacks: STACKS });
  return new Map(
    STACKS.map((fn) => [getStack(fn).stackName, synth.templates.get(fn)?.toJSON() as { Resources: Resources }]),
  );
}

const handlerKey = (template: { Resources: Resources }): unknown =>
  Object.entries(template.Resources).find(
    ([id, r]) => id.startsWith('CustomResourceHandler') && r.Type === 'AWS::Lambda::Function',
  )?.[1].Properties?.Code?.S3Key;

describe("SST's custom-resource handler in the syntheses made in process", () => {
  it("is hashed from its bundle's digest: the same templates as SST's but for that function's S3Key", async () => {
    let sst: Map<string, { Resources: Resources }>;
    // The method copied is SST's as it is now (an upgrade that changes it turns the replacement off: see below).
    expect(sstMethodAsCopied).toBe(true);
    hashCustomResourceHandlerByDigest(false);
    try {
      // Switched off, the method is SST's own, even after a module registry reset loaded this module again.
      expect(String((Stack.prototype as unknown as Record<string, unknown>).createCustomResourceHandler)).toContain(
        'fs.readFileSync(dir + "/index.mjs").toString()',
      );
      sst = await templates();
    } finally {
      hashCustomResourceHandlerByDigest(true);
    }
    const digested = await templates();
    const dir = join(
      dirname(createRequire(import.meta.url).resolve('sst/constructs/Stack.js')),
      '../support/custom-resources/',
    );
    const bundle = readFileSync(join(dir, 'index.mjs'));
    const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
    expect([...digested.keys()]).toEqual([...sst.keys()]);
    for (const [stackName, template] of digested) {
      const own = sst.get(stackName);
      // SST's: the stack's name and the bundle's whole text; here: the stack's name and the bundle's digest.
      expect(handlerKey(own ?? { Resources: {} })).toBe(`${sha256(stackName + bundle.toString())}.zip`);
      expect(handlerKey(template)).toBe(`${sha256(stackName + sha256(bundle))}.zip`);
      // The key is in the function and in its expected properties (stacks/expected-functions.ts).
      const blank = (t: { Resources: Resources }) => JSON.stringify(t).replaceAll(String(handlerKey(t)), '<S3Key>');
      expect(blank(template)).toBe(blank(own ?? { Resources: {} }));
    }
    // Still one asset per stack.
    expect(new Set([...digested.values()].map(handlerKey)).size).toBe(digested.size);
  }, 60_000);
});

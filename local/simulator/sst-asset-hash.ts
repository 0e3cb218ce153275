import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Stack } from 'sst/constructs';

/**
 * Every SST stack makes a `CustomResourceHandler` function whose code asset is hashed from the stack's name and the
 * whole text of SST's custom-resources bundle (sst/constructs/Stack.js `createCustomResourceHandler`: `assetHash:
 * this.stackName + fs.readFileSync(dir + "/index.mjs").toString()`, a 4.6 MB file). aws-cdk-lib then
 * JSON-stringifies that 4.6 MB string for its asset cache key and hashes it twice (core/lib/asset-staging.js
 * `calculateCacheKey`, `calculateHash`): about 55 ms of CPU per stack, some 40 % of a synthesis of the example
 * catalog (V8's profile: 1.52 s of CPU a synthesis against 0.85 s with this in place).
 *
 * For the syntheses the local cloud and the tests make in process, the handler is made the same way but hashed
 * from the stack's name and the bundle's SHA-256 (read and hashed once per process): the asset stays one per stack
 * and changes with the bundle, as SST means it to. What changes in the templates is that function's `S3Key`, an
 * asset name the local cloud never reads. `sst build` and `sst deploy` do not load this module and keep SST's own.
 */
type HandlerMaker = (this: Stack) => lambda.Function;
type WithHandlerMaker = { createCustomResourceHandler: HandlerMaker; [SST_OWN]?: HandlerMaker };

// SST's own method, kept on its prototype once per process: a second copy of this module (a test run that resets
// its module registry while SST stays loaded) must not take the first copy's replacement for SST's.
const SST_OWN = Symbol.for('goldsmith.sst.createCustomResourceHandler');
const prototype = Stack.prototype as unknown as WithHandlerMaker;
prototype[SST_OWN] ??= prototype.createCustomResourceHandler;
const sstOwn: HandlerMaker = prototype[SST_OWN];

/**
 * What the replacement copies from SST's method (sst 2.49.8), each of which must still be in its source: after an
 * upgrade that changes the method, the replacement is not used and syntheses hash as SST does.
 */
const SST_METHOD_AS_COPIED = [
  'assetHash: this.stackName + fs.readFileSync(dir + "/index.mjs").toString()',
  'handler: "index.handler"',
  'runtime: lambda.Runtime.NODEJS_22_X',
  'timeout: CDKDuration.seconds(900)',
  'memorySize: 1024',
];
/** Whether SST's method is still the one the replacement copies. */
export const sstMethodAsCopied = SST_METHOD_AS_COPIED.every((part) => sstOwn.toString().includes(part));
let digest: { dir: string; sha256: string } | undefined;

function bundleDigest(): { dir: string; sha256: string } {
  if (!digest) {
    const stackModule = createRequire(import.meta.url).resolve('sst/constructs/Stack.js');
    const dir = join(dirname(stackModule), '../support/custom-resources/');
    digest = {
      dir,
      sha256: createHash('sha256')
        .update(readFileSync(join(dir, 'index.mjs')))
        .digest('hex'),
    };
  }
  return digest;
}

function hashedByDigest(this: Stack): lambda.Function {
  const { dir, sha256 } = bundleDigest();
  // The same function as SST's (its handler, runtime, timeout and memory), hashed from the digest.
  return new lambda.Function(this, 'CustomResourceHandler', {
    code: lambda.Code.fromAsset(dir, { assetHash: this.stackName + sha256 }),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    timeout: Duration.seconds(900),
    memorySize: 1024,
  });
}

/**
 * Hashes SST's custom-resource handler from the bundle's digest (true) or as SST does (false), for this process; as
 * SST does either way when SST's method is no longer the one copied.
 */
export function hashCustomResourceHandlerByDigest(on: boolean): void {
  prototype.createCustomResourceHandler = on && sstMethodAsCopied ? hashedByDigest : sstOwn;
}

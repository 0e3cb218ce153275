import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * What a synthesized app leaves behind in aws-cdk-lib and SST, released once its templates are read, so that a
 * thread synthesizing one catalog after another (keepSynthesisWorker) keeps a steady heap instead of about 60 MB
 * more per synthesis (measured: heap after a full GC over five syntheses of the example catalog, 238 → 481 MB; with
 * this, 181 → 190 MB: about 2 MB a synthesis still stays, each emptied app being a key of SST's caches, whose
 * exports map also keeps what each stack function returned). Three things hold an old app's construct tree, each
 * found on a heap snapshot's path from the roots to the 4.6 MB custom-resource text an asset kept as its fingerprint
 * when SST's own hashing ran in process (sst-asset-hash.ts now hashes its digest):
 * - aws-cdk-lib's token map (`globalThis.__cdkTokenMap`): every token made is registered for the life of the
 *   process; the ones registered when aws-cdk-lib loaded (the pseudo-parameters) are kept;
 * - aws-cdk-lib's `CfnReference.referenceTable`, a static cache of references by their target construct;
 * - SST's stack cache (sst/constructs/FunctionalStack.js), a module's Map from each app to its stacks that it never
 *   empties and does not export: the old stacks and the app are emptied of their own properties instead.
 * All three are internals: if a release finds one missing it releases what it can (the cost is memory, never a
 * different template; test/unit/simulator/synth-worker.test.ts compares a kept thread's templates with a fresh one's).
 */
const require = createRequire(import.meta.url);

interface TokenMap {
  stringTokenMap?: Map<string, unknown>;
  numberTokenMap?: Map<number, unknown>;
}
const tokenMap = (): TokenMap | undefined => (globalThis as { __cdkTokenMap?: TokenMap }).__cdkTokenMap;

/** The tokens registered before any app was made (aws-cdk-lib's own, at load). */
let loadTokens: { strings: Set<string>; numbers: Set<number> } | undefined;

/** Call before the first app is made in this thread. */
export function noteLoadTokens(): void {
  const map = tokenMap();
  loadTokens ??= {
    strings: new Set(map?.stringTokenMap?.keys() ?? []),
    numbers: new Set(map?.numberTokenMap?.keys() ?? []),
  };
}

/** aws-cdk-lib's `CfnReference.referenceTable`, looked up once; undefined if it is not where it was. */
let referenceTable: Map<unknown, unknown> | undefined | null = null;
function cfnReferenceTable(): Map<unknown, unknown> | undefined {
  if (referenceTable !== null) return referenceTable;
  try {
    const root = dirname(require.resolve('aws-cdk-lib'));
    const { CfnReference } = require(join(root, 'core/lib/private/cfn-reference.js')) as {
      CfnReference?: { referenceTable?: unknown };
    };
    referenceTable = CfnReference?.referenceTable instanceof Map ? CfnReference.referenceTable : undefined;
  } catch {
    referenceTable = undefined;
  }
  return referenceTable;
}

/** Deletes from `map` every key not in `kept`. */
function keepOnly<K>(map: Map<K, unknown> | undefined, kept: Set<K>): void {
  for (const key of [...(map?.keys() ?? [])]) if (!kept.has(key)) map?.delete(key);
}

/** Releases what `app` and its `stacks` hold once their templates and handlers have been read. */
export function releaseApp(app: object, stacks: readonly object[]): void {
  const map = tokenMap();
  if (map && loadTokens) {
    keepOnly(map.stringTokenMap, loadTokens.strings);
    keepOnly(map.numberTokenMap, loadTokens.numbers);
  }
  cfnReferenceTable()?.clear();
  for (const object of [...stacks, app]) {
    for (const key of Reflect.ownKeys(object)) {
      if (Reflect.getOwnPropertyDescriptor(object, key)?.configurable) Reflect.deleteProperty(object, key);
    }
  }
}

import { readFile } from 'node:fs/promises';

// The AWS SDK's schema modules (`@aws-sdk/client-*/dist-es/schemas/schemas_0.js`) describe every shape of a
// service as `export var Shape$ = [3, n0, _S, 0, [...], [[0, { [_xN]: _x }]]]`. esbuild must assume a computed key
// such as `[_xN]` may run code (a `toString`), so it keeps every declaration that has one: all of client-ec2's
// ~3,400 shapes (~540 KB minified) end up in any function that sends one EC2 command. The keys are module-level
// string constants (`const _xN = "xmlName";`), so writing them as the literal keys they evaluate to changes nothing
// at run time and lets esbuild drop the shapes nobody references (client-ec2 for CreateTags: 540 KB → ~20 KB).
const SCHEMA_MODULE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;
const STRING_CONST = /^const (_[A-Za-z0-9_$]+) = ("(?:[^"\\\n]|\\.)*");$/gm;

/** Rewrites `[_name]:` computed keys whose `_name` is a module-level string constant into literal keys. */
export function literalSchemaKeys(source: string): string {
  const constants = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(STRING_CONST)) {
    if (name && literal) constants.set(name, literal);
  }
  return source.replace(/\[(_[A-Za-z0-9_$]+)\]:/g, (whole, name: string) => {
    const literal = constants.get(name);
    return literal === undefined ? whole : `${literal}:`;
  });
}

/** The part of esbuild's plugin API this plugin uses (typed here: SST carries its own copy of esbuild). */
interface OnLoadBuild {
  onLoad(
    options: { filter: RegExp },
    callback: (args: { path: string }) => Promise<{ contents: string; loader: 'js' }>,
  ): void;
}

/** The esbuild plugin that applies {@link literalSchemaKeys} to the AWS SDK's schema modules. */
export function sdkSchemaKeysPlugin(): { name: string; setup: (build: OnLoadBuild) => void } {
  return {
    name: 'goldsmith-sdk-schema-keys',
    setup(build) {
      build.onLoad({ filter: SCHEMA_MODULE }, async (args) => ({
        contents: literalSchemaKeys(await readFile(args.path, 'utf8')),
        loader: 'js',
      }));
    },
  };
}

/**
 * The esbuild options every Goldsmith function is bundled with, beyond SST's ESM defaults: the SDK's tree-shakeable
 * `dist-es` build (`mainFields`), and the schema-key rewrite above.
 */
export function functionEsbuildOptions() {
  return { mainFields: ['module', 'main'], plugins: [sdkSchemaKeysPlugin()] };
}

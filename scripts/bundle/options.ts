import type { BuildOptions } from 'esbuild';
import { functionEsbuildOptions } from '../../stacks/bundling.js';

/**
 * The banner SST v2 prepends to every ESM function (sst/runtime/handlers/node.js): bundled CommonJS code still
 * calls `require` and reads `__dirname`, which an ES module does not have.
 */
export const SST_ESM_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  'const require = topLevelCreateRequire(import.meta.url);',
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  'const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))',
].join('\n');

/** What the bundle needs to know about the app beyond the entry points. */
export interface BundleSettings {
  /** The project root: entry points and node_modules are resolved from here. */
  root: string;
  /** Where the `.mjs` files go (never inside the repository). */
  outdir: string;
  /** The validated catalog, inlined as the trigger stack does; omitted → the variable stays a runtime lookup. */
  catalogJson?: string;
}

/** What every bundle of ours has, tuned or naive: the entry points, the output layout, ESM with SST's banner. */
function baseBuildOptions(entryPoints: readonly string[], settings: BundleSettings): BuildOptions {
  return {
    absWorkingDir: settings.root,
    entryPoints: [...entryPoints],
    outdir: settings.outdir,
    outbase: '.',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    banner: { js: SST_ESM_BANNER },
    metafile: true,
    logLevel: 'silent',
    write: true,
    ...(settings.catalogJson === undefined
      ? {}
      : { define: { 'process.env.GOLDSMITH_CATALOG': JSON.stringify(settings.catalogJson) } }),
  };
}

/**
 * esbuild options equal to what `sst deploy` uses for our functions: SST v2's ESM defaults (platform node,
 * target esnext, keepNames, the createRequire banner, nothing external but `sharp`/`pg-native`, so the AWS SDK v3
 * is bundled) merged with sst.config.ts's `nodejs` props (format esm, minify, `mainFields: ['module', 'main']`,
 * which makes esbuild take the SDK's tree-shakeable `dist-es` build instead of `dist-cjs`).
 * Several entry points in one build give the same per-function output as separate builds, because nothing is split.
 */
export function sstFunctionBuildOptions(entryPoints: readonly string[], settings: BundleSettings): BuildOptions {
  return {
    ...baseBuildOptions(entryPoints, settings),
    // SST v2 sets target esnext for ESM; the cold-load check then proves Node 22 runs what esbuild emitted.
    target: 'esnext',
    // The one definition SST deploys with (stacks/defaults.ts, stacks/catalog.ts): mainFields and plugins.
    ...functionEsbuildOptions(),
    minify: true,
    keepNames: true,
    treeShaking: true,
    external: ['sharp', 'pg-native'],
    // SST uploads source maps beside the function, never inside its zip: they do not count towards the bundle.
    sourcemap: false,
  };
}

/**
 * The naive bundle the report compares against: esbuild's defaults for a Node bundle (no minify, the SDK's
 * CommonJS `main` build, no schema-key rewrite), ESM only because our handlers are ES modules.
 */
export function naiveBuildOptions(entryPoints: readonly string[], settings: BundleSettings): BuildOptions {
  return baseBuildOptions(entryPoints, settings);
}

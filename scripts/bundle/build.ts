import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import type { LambdaFunction } from './handlers.js';
import { type BundleSettings, naiveBuildOptions, sstFunctionBuildOptions } from './options.js';

/** How much of one package ended up in a bundle. */
export interface PackageShare {
  name: string;
  bytes: number;
}

/** One function's bundle and what went into it. */
export interface BundledFunction {
  fn: LambdaFunction;
  /** Absolute path of the `.mjs` file. */
  file: string;
  bytes: number;
  gzipBytes: number;
  /** AWS SDK v3 clients in the bundle (`client-ec2`, …). */
  clients: string[];
  /** @aws-sdk/* and @smithy/* packages taken from their CommonJS `dist-cjs` build: tree-shaking failed for them. */
  cjsSdkPackages: string[];
  /** Bytes contributed per npm package (our own sources as `(goldsmith)`), largest first. */
  packages: PackageShare[];
}

const OWN_CODE = '(goldsmith)';

/** `node_modules/@aws-sdk/client-ec2/dist-es/x.js` → `{ name: '@aws-sdk/client-ec2', build: 'dist-es' }`. */
export function packageOfInput(path: string): { name: string; build?: string } {
  const at = path.lastIndexOf('node_modules/');
  if (at < 0) return { name: OWN_CODE };
  const parts = path.slice(at + 'node_modules/'.length).split('/');
  const scoped = parts[0]?.startsWith('@') ?? false;
  const name = scoped ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
  const build = parts[scoped ? 2 : 1];
  return build === undefined ? { name } : { name, build };
}

/** Reads the SDK clients, the `dist-cjs` leaks and per-package bytes off one esbuild output. */
export function analyseOutput(output: Metafile['outputs'][string]) {
  const perPackage = new Map<string, number>();
  const clients = new Set<string>();
  const cjs = new Set<string>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const { name, build: flavour } = packageOfInput(path);
    perPackage.set(name, (perPackage.get(name) ?? 0) + bytesInOutput);
    const sdk = name.startsWith('@aws-sdk/') || name.startsWith('@smithy/');
    if (sdk && flavour === 'dist-cjs' && bytesInOutput > 0) cjs.add(name);
    if (name.startsWith('@aws-sdk/client-') && bytesInOutput > 0) clients.add(name.slice('@aws-sdk/'.length));
  }
  const packages = [...perPackage]
    .map(([name, bytes]) => ({ name, bytes }))
    .filter((p) => p.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return { clients: [...clients].sort(), cjsSdkPackages: [...cjs].sort(), packages };
}

/**
 * Bundles every function in one esbuild run with SST's deploy settings (see `sstFunctionBuildOptions`) into
 * `settings.outdir`, and measures each output: minified bytes, gzip bytes, SDK clients, `dist-cjs` leaks.
 * @throws when esbuild reports errors (an unresolvable import fails the deploy too).
 */
export async function bundleFunctions(
  functions: readonly LambdaFunction[],
  settings: BundleSettings,
  flavour: 'sst' | 'naive' = 'sst',
): Promise<BundledFunction[]> {
  const entries = [...new Set(functions.map((f) => f.entry))];
  const options = flavour === 'sst' ? sstFunctionBuildOptions(entries, settings) : naiveBuildOptions(entries, settings);
  const result = await build(options);
  const byEntry = new Map<string, [string, Metafile['outputs'][string]]>();
  for (const [file, output] of Object.entries(result.metafile?.outputs ?? {})) {
    if (output.entryPoint) byEntry.set(output.entryPoint, [resolve(settings.root, file), output]);
  }
  return functions.map((fn) => {
    const found = byEntry.get(fn.entry) ?? byEntry.get(relative(settings.root, resolve(settings.root, fn.entry)));
    if (!found) throw new Error(`esbuild produced no output for ${fn.entry}`);
    const [file, output] = found;
    const code = readFileSync(file);
    return { fn, file, bytes: code.length, gzipBytes: gzipSync(code).length, ...analyseOutput(output) };
  });
}

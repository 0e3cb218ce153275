import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = resolve(import.meta.dirname, '../../..');
const BIN = ['goldsmith.mjs', 'bundle.mjs', 'bundle-build.mjs', 'exit-flushed.mjs', 'typescript-hooks.mjs'];

/** An SDK error made in the bundle, checked against the SDK's classes, reached as the code of aws/ reaches them. */
const MAIN = `import { ConditionalCheckFailedException, DynamoDBClient, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import { ServiceException } from '@smithy/core/client';

export async function main(): Promise<number> {
  const error = new ConditionalCheckFailedException({ message: 'taken', $metadata: {} });
  const checks = [
    error instanceof ConditionalCheckFailedException,
    error instanceof DynamoDBServiceException,
    error instanceof ServiceException,
    dynamodb.DynamoDBClient === DynamoDBClient,
    // The SDK's instanceof falls back to the class's name for an error that lost its prototype (a saved cloud's).
    Object.assign(new Error('taken'), { name: 'ConditionalCheckFailedException', $fault: 'client', $metadata: {} }) instanceof
      ConditionalCheckFailedException,
  ];
  // Our own functions keep their names (stack traces, inspect): only the packages' calls of the naming helper skip
  // functions.
  const named = () => 0;
  process.stdout.write(\`\${checks.join(' ')} \${error.name} \${ConditionalCheckFailedException.name} \${named.name}\\n\`);
  return 0;
}
`;

/** A checkout in miniature whose node_modules (a link, as in a worktree) holds every package of the repository's. */
function checkout(): string {
  const root = testTempDir('goldsmith-bundle-packages-');
  mkdirSync(join(root, 'bin'));
  for (const file of BIN) copyFileSync(join(REPO, 'bin', file), join(root, 'bin', file));
  const modules = testTempDir('goldsmith-bundle-packages-modules-');
  for (const name of readdirSync(join(REPO, 'node_modules'))) {
    if (!name.startsWith('.')) symlinkSync(join(REPO, 'node_modules', name), join(modules, name));
  }
  symlinkSync(modules, join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{ "name": "goldsmith", "type": "module" }\n');
  mkdirSync(join(root, 'local/simulator'), { recursive: true });
  copyFileSync(join(REPO, 'local/simulator/handler-modules.ts'), join(root, 'local/simulator/handler-modules.ts'));
  mkdirSync(join(root, 'cli'));
  writeFileSync(join(root, 'cli/main.ts'), MAIN);
  return root;
}

type Ensure = (root: string) => Promise<{ entry: string; built: boolean }>;
const ensureBundleOf = async (root: string) =>
  ((await import(pathToFileURL(join(root, 'bin/bundle.mjs')).href)) as { ensureBundle: Ensure }).ensureBundle;

/** The bundle's module files: `entry` and its chunks. */
function bundleModules(entry: string): string[] {
  const dir = dirname(entry);
  const chunks = existsSync(join(dir, 'chunks')) ? readdirSync(join(dir, 'chunks')) : [];
  return [entry, ...chunks.map((name) => join(dir, 'chunks', name))].filter((file) => file.endsWith('.mjs'));
}

/** The installed packages the bundle at `entry` (its folder's modules) imports, i.e. leaves to Node (an optional
 * package a package tries, not installed, is no module at all). */
function importedPackages(entry: string): Set<string> {
  const found = new Set<string>();
  for (const file of bundleModules(entry)) {
    const code = readFileSync(file, 'utf8');
    // An import statement's line (a message quoting one is in a string), or a dynamic import.
    for (const match of code.matchAll(
      /^(?:import|export|\})[^\n]*?(?:from )?"([^"./][^"]*)";$|\bimport\("([^"./][^"]*)"\)/gm,
    )) {
      const specifier = match[1] ?? match[2];
      if (specifier === undefined || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      const parts = specifier.split('/');
      const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
      if (existsSync(join(REPO, 'node_modules', name, 'package.json'))) found.add(name);
    }
  }
  return found;
}

describe('the goldsmith command builds the pure-JavaScript npm packages into its bundle', () => {
  it('keeps one SDK: an error made in the bundle is an instance of the SDK classes, whichever import names them', () => {
    const root = checkout();

    const result = spawnSync(process.execPath, [join(root, 'bin/goldsmith.mjs')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, GOLDSMITH_NO_BUNDLE: '' },
      timeout: 120_000,
    });

    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      'true true true true true ConditionalCheckFailedException ConditionalCheckFailedException named\n',
    );
  });

  it('builds the SDK in, and leaves to Node only the packages it names as external', async () => {
    const root = checkout();
    const { entry } = await (await ensureBundleOf(root))(root);
    expect(importedPackages(entry)).toEqual(new Set());

    // The repository's own bundle: whatever it imports is one of EXTERNAL, never the SDK, Powertools or zod.
    const { EXTERNAL } = (await import(pathToFileURL(join(REPO, 'bin/bundle-build.mjs')).href)) as {
      EXTERNAL: string[];
    };
    const { entry: repoEntry } = await (await ensureBundleOf(REPO))(REPO);
    const left = importedPackages(repoEntry);
    expect([...left].filter((name) => !EXTERNAL.includes(name))).toEqual([]);
    expect(left.has('@aws-sdk/client-dynamodb')).toBe(false);
    // The packages' calls of esbuild's naming helper were found and rewritten (a changed helper would only cost speed).
    const code = bundleModules(repoEntry).map((file) => readFileSync(file, 'utf8'));
    expect(code.join('').split('__goldsmithClassName(').length).toBeGreaterThan(1000);
  });

  it("writes each package module's wrapper as a parenthesized function, its lines where they were", async () => {
    const { eagerModules } = (await import(pathToFileURL(join(REPO, 'bin/bundle-build.mjs')).href)) as {
      eagerModules: (code: string) => string;
    };
    const code = [
      'var require_a = __commonJS({',
      '  "node_modules/a/index.js"(exports, module) {',
      '    module.exports = { a: 1 };',
      '  }',
      '});',
      'var init_b = __esm({',
      '  "node_modules/b/index.js"() {',
      '  }',
      '});',
      'const text = "  }\\n});";',
      '',
    ].join('\n');

    const eager = eagerModules(code);

    expect(eager.split('\n')).toEqual([
      'var require_a = __commonJS({',
      '  "node_modules/a/index.js": (function(exports, module) {',
      '    module.exports = { a: 1 };',
      '  })',
      '});',
      'var init_b = __esm({',
      '  "node_modules/b/index.js": (function() {',
      '  })',
      '});',
      'const text = "  }\\n});";',
      '',
    ]);
  });

  it('builds again when package-lock.json changes: the packages built in are other versions', async () => {
    const root = checkout();
    const ensureBundle = await ensureBundleOf(root);
    writeFileSync(join(root, 'package-lock.json'), '{ "lockfileVersion": 3, "packages": {} }\n');
    expect((await ensureBundle(root)).built).toBe(true);
    expect((await ensureBundle(root)).built).toBe(false);

    writeFileSync(join(root, 'package-lock.json'), '{ "lockfileVersion": 3, "packages": { "": {} } }\n');
    expect((await ensureBundle(root)).built).toBe(true);
  });
});

import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = resolve(import.meta.dirname, '../../..');
const BIN = ['goldsmith.mjs', 'bundle.mjs', 'bundle-build.mjs', 'exit-flushed.mjs', 'typescript-hooks.mjs'];

const MAIN = `import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { providedHandlerModule } from '../local/simulator/handler-modules.js';
import { greeting } from './greeting.js';
import { state } from './state.js';

export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'throw') throw new Error('thrown in the sources');
  if (argv[0] === 'import') {
    const module = await import(pathToFileURL(argv[1] ?? '').href);
    process.stdout.write(\`\${module.default}\\n\`);
    return 0;
  }
  const load = providedHandlerModule(new URL('../functions/hello.ts', import.meta.url).pathname);
  const answer = load ? await ((await load()).handler as () => Promise<string>)() : 'not provided';
  const data = readFileSync(new URL('./data.txt', import.meta.url), 'utf8').trim();
  process.stdout.write(\`\${greeting} \${data} \${answer} calls=\${state.calls}\\n\`);
  return 0;
}
`;

/**
 * A checkout in miniature: the real bin/ files (the command, the bundle cache, the TypeScript hooks), the real
 * handler-modules registry, a CLI that reads a file next to its source and calls a handler, and node_modules (a
 * link, as in a worktree) with esbuild and tsx only, so the bundle cache lives (and dies) in the temp folder.
 */
function checkout(): string {
  const root = testTempDir('goldsmith-bundle-');
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  mkdirSync(join(root, 'bin'));
  for (const file of BIN) copyFileSync(join(REPO, 'bin', file), join(root, 'bin', file));
  // node_modules a link to a folder elsewhere, as in a worktree sharing another checkout's.
  const modules = testTempDir('goldsmith-bundle-modules-');
  for (const name of ['esbuild', 'tsx']) symlinkSync(join(REPO, 'node_modules', name), join(modules, name));
  symlinkSync(modules, join(root, 'node_modules'));
  write('package.json', '{ "name": "goldsmith", "type": "module" }\n');
  mkdirSync(join(root, 'local/simulator'), { recursive: true });
  copyFileSync(join(REPO, 'local/simulator/handler-modules.ts'), join(root, 'local/simulator/handler-modules.ts'));
  write('cli/main.ts', MAIN);
  write('cli/greeting.ts', "export const greeting: string = 'hello';\n");
  write('cli/state.ts', 'export const state = { calls: 0 };\n');
  write('cli/data.txt', 'from-the-source-folder\n');
  write(
    'functions/hello.ts',
    "import { state } from '../cli/state.js';\n\nexport const handler = async () => 'handler-' + ++state.calls;\n",
  );
  return root;
}

function goldsmith(root: string, args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [join(root, 'bin/goldsmith.mjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GOLDSMITH_NO_BUNDLE: '', ...env },
    timeout: 60_000,
  });
}

const cacheOf = (root: string) => join(root, 'node_modules/.cache/goldsmith/cli-bundle');
/** The built bundles (folders) in the cache, with their entry module's modification time. */
function bundles(root: string): Record<string, number> {
  const cache = cacheOf(root);
  if (!existsSync(cache)) return {};
  const found: Record<string, number> = {};
  for (const name of readdirSync(cache)) {
    const entry = join(cache, name, 'main.mjs');
    if (existsSync(entry)) found[name] = statSync(entry).mtimeMs;
  }
  return found;
}

describe('the goldsmith command runs a bundle of the sources', () => {
  it('builds it on the first run and reuses it after; a changed source builds a new one', () => {
    const root = checkout();

    const first = goldsmith(root, []);
    expect(first.stderr).toBe('');
    // The file next to the source, read through import.meta.url; the handler from the bundle, sharing its modules.
    expect(first.stdout).toBe('hello from-the-source-folder handler-1 calls=1\n');
    const built = bundles(root);
    expect(Object.keys(built)).toHaveLength(1);

    expect(goldsmith(root, []).stdout).toBe(first.stdout);
    expect(bundles(root)).toEqual(built);
    // Touched but not changed (a checkout of the same commit): still the same sources.
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(root, 'cli/greeting.ts'), later, later);
    expect(goldsmith(root, []).stdout).toBe(first.stdout);
    expect(bundles(root)).toEqual(built);

    writeFileSync(join(root, 'cli/greeting.ts'), "export const greeting: string = 'hi again';\n");
    expect(goldsmith(root, []).stdout).toBe('hi again from-the-source-folder handler-1 calls=1\n');
    expect(Object.keys(bundles(root))).toHaveLength(2);
  });

  it('names the file, line and error of a source that does not build, and exits 1', () => {
    const root = checkout();
    writeFileSync(join(root, 'cli/greeting.ts'), "export const greeting: string = 'hello' oops;\n");

    const result = goldsmith(root, []);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('cli/greeting.ts:1:');
    expect(result.stderr).toContain('Expected ";" but found "oops"');
    expect(result.stderr).toContain('goldsmith: could not build the command from the sources');
    expect(result.stderr).not.toContain('ERR_MODULE_NOT_FOUND');
  });

  it("puts the source file and line of a thrown error in its stack trace, not the bundle's", () => {
    const root = checkout();
    const line = MAIN.split('\n').findIndex((l) => l.includes("throw new Error('thrown in the sources')")) + 1;

    const result = goldsmith(root, ['throw']);

    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('Error: thrown in the sources');
    expect(result.stderr).toContain(`${join(root, 'cli/main.ts')}:${line}:`);
  });

  it('still loads a TypeScript file from outside the bundle, with its .js imports of .ts files', () => {
    const root = checkout();
    writeFileSync(join(root, 'dep.ts'), 'export const answer: number = 42;\n');
    writeFileSync(
      join(root, 'catalog.ts'),
      "import { answer } from './dep.js';\n\ninterface Doc { answer: number }\nexport default (({ answer }) satisfies Doc).answer;\n",
    );

    const result = goldsmith(root, ['import', join(root, 'catalog.ts')]);

    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('42\n');
  });

  it('runs every source through tsx, building nothing, with GOLDSMITH_NO_BUNDLE=1', () => {
    const root = checkout();

    const result = goldsmith(root, [], { GOLDSMITH_NO_BUNDLE: '1' });

    // No bundle, so no handler provided: LocalLambdas imports the source file.
    expect(result.stdout).toBe('hello from-the-source-folder not provided calls=0\n');
    expect(bundles(root)).toEqual({});
  });

  it('builds one bundle when several first runs start at once, and each of them runs', async () => {
    const root = checkout();
    const run = () =>
      new Promise<{ code: number | null; stdout: string }>((done) => {
        const child = spawn(process.execPath, [join(root, 'bin/goldsmith.mjs')], { cwd: root });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
        });
        child.on('close', (code) => done({ code, stdout }));
      });

    const results = await Promise.all([run(), run(), run()]);

    for (const result of results) {
      expect(result).toEqual({ code: 0, stdout: 'hello from-the-source-folder handler-1 calls=1\n' });
    }
    expect(Object.keys(bundles(root))).toHaveLength(1);
    expect(readdirSync(cacheOf(root)).filter((name) => name.startsWith('tmp-'))).toEqual([]);
  });

  it('says on a terminal that it is building, and on the run after says nothing', async () => {
    const root = checkout();
    const { ensureBundle } = (await import(pathToFileURL(join(root, 'bin/bundle.mjs')).href)) as {
      ensureBundle: (root: string, say: (line: string) => void) => Promise<{ built: boolean }>;
    };
    const said: string[] = [];
    expect((await ensureBundle(root, (line) => said.push(line))).built).toBe(true);
    expect(said).toEqual([
      'goldsmith: building the command from the sources (the first run after a change; a few seconds)',
    ]);
    expect((await ensureBundle(root, (line) => said.push(line))).built).toBe(false);
    expect(said).toHaveLength(1);
    // Piped (a script, a test), stderr stays as on every other run.
    expect(goldsmith(root, []).stderr).toBe('');
  });

  it('builds again when a file added beside a source changes what an import resolves to, or tsconfig.json changes', async () => {
    const root = checkout();
    expect(goldsmith(root, []).stdout).toMatch(/^hello /);
    // `./greeting.js` now names a file of its own, no longer greeting.ts.
    writeFileSync(join(root, 'cli/greeting.js'), "export const greeting = 'from-the-js-file';\n");
    expect(goldsmith(root, []).stdout).toMatch(/^from-the-js-file /);

    const { ensureBundle } = (await import(pathToFileURL(join(root, 'bin/bundle.mjs')).href)) as {
      ensureBundle: (root: string) => Promise<{ built: boolean }>;
    };
    // The same checkout, however its path is spelled.
    expect((await ensureBundle(`${root}/`)).built).toBe(false);
    writeFileSync(join(root, 'tsconfig.json'), '{ "compilerOptions": { "useDefineForClassFields": false } }\n');
    expect((await ensureBundle(root)).built).toBe(true);
    expect((await ensureBundle(root)).built).toBe(false);
  });
});

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

/**
 * Which test files may share one module registry per worker (vitest `isolate: false`) instead of each loading its
 * modules afresh in a process of its own (about 1.5 s of CPU per file on a 2-core machine, most of the cost of a
 * file of pure-function tests).
 *
 * Sharing is safe for a file that changes nothing a later file in the same worker could see. That is decided here
 * from the source, not listed by hand, so a file that starts mocking or importing the local cloud goes back to its
 * own process without anyone remembering to move it: a file is shared when
 * - every module of the repository it imports, directly or through others, is in core/ or events/ (pure code: no SDK
 *   clients, no environment reads at import; their module-level caches are memoisation) or is a test helper or
 *   fixture under test/, and
 * - neither it nor a test module it imports mocks, stubs or spies (`vi.`), touches process.env, process listeners,
 *   globals or the clock, or changes the working directory or exit code, and no helper it imports registers hooks
 *   (a module is evaluated once per worker when shared: its hooks would apply to the first file that loaded it).
 * Those are the `pure` project. The `cloud` project (test/setup-shared-cloud.ts) applies the same checks to the test
 * modules but lets a file reach any module of the repository: the local cloud, aws/, functions/ and the CLI keep
 * their module-level state per cloud (configured when a cloud starts, undone when it stops) or in caches keyed by
 * what they cache, and the rest is reset after each file. What mocks, spies, sets the environment or registers hooks
 * from a helper stays isolated per file (the `local` project).
 */

/**
 * Folders whose modules are pure: importing or calling them leaves no state behind that a test could observe (test
 * helpers qualify only if they pass the checks below, as test files do).
 */
const SHARED_SOURCES = ['core/', 'events/', 'test/'];

/**
 * The projects whose files share a module registry per worker (vitest.config.ts). `scenarios` applies the cloud
 * project's checks, and its files run with the same setup (test/setup-shared-cloud.ts), which undoes what
 * RESET_AFTER_EACH_FILE masks once the file's cloud has stopped: a scenario file that spies or sets the environment
 * shares a worker as a cloud test file does, instead of paying a process and the local cloud's imports of its own.
 */
export type Sharing = 'pure' | 'cloud' | 'scenarios';

/** What, in a test module, changes process-wide state or relies on a module instance of its own. */
const STATEFUL =
  /\bvi\.|process\.env|process\.on\(|process\.chdir|process\.exitCode|globalThis|mockClient|\.prototype\b/;

/** A helper module that registers hooks: shared, they would run for the first file that imported it only. */
const HOOKS = /\b(?:before|after)(?:Each|All)\(/;

/**
 * The same, for a helper of the cloud project: hooks registered at a module's top level (a line that starts with
 * the call). A helper whose hooks are registered by a function a test file calls (test/helpers/ledger-table.ts's
 * `useLocalDynamo`) registers them for each file that calls it, shared or not.
 */
const TOP_LEVEL_HOOKS = /^(?:before|after)(?:Each|All)\(/m;

/**
 * Test helpers whose one use of `vi.` is a spy they restore before returning, whatever happens
 * (test/helpers/output.ts captures a command's output with `vi.spyOn` and `vi.restoreAllMocks()` in a `finally`):
 * nothing of theirs outlives the call, so they leave nothing for a later file in a shared worker.
 */
const SELF_RESTORING = ['test/helpers/output.ts'];

/**
 * Test helpers whose stubs the cloud project's setup undoes after each file: test/helpers/mock-client.ts's stubs of
 * SDK clients (test/setup-shared-cloud.ts restores them).
 */
const RESTORED_AFTER_EACH_FILE = ['test/helpers/mock-client.ts'];

/**
 * What a test module of the cloud project may do because test/setup-shared-cloud.ts (or vitest itself) undoes it
 * after each file, before the next file in the worker starts: set `process.env` (put back as it was before the file),
 * spy with `vi.spyOn` (vitest restores every spy after each file), fake the clock (`vi.useFakeTimers` and what drives
 * it: real timers are put back), make mock functions (`vi.fn`, `vi.mocked`: values of the file's own), and stub SDK
 * clients through test/helpers/mock-client.ts's `mockClient` (every stub restored). Masked out of a cloud test
 * module's text before the STATEFUL check; a module mock (`vi.mock`, `vi.doMock`, `vi.hoisted`), `vi.stubGlobal`,
 * `vi.resetModules` or aws-sdk-client-mock's own `mockClient` (imported from the package: nothing restores it) still
 * isolates the file.
 */
const RESET_AFTER_EACH_FILE =
  /process\.env\b|\bvi\.(?:spyOn|fn|mocked|restoreAllMocks|clearAllMocks|useFakeTimers|useRealTimers|setSystemTime|isFakeTimers|advanceTimersByTime(?:Async)?|runAllTimers(?:Async)?|waitFor)\b/g;

/** A value import of aws-sdk-client-mock (`import type` is erased before this is read). */
const CLIENT_MOCK_PACKAGE = /from\s*['"]aws-sdk-client-mock['"]/;

/**
 * Whether a module calls `mockClient` when it is loaded rather than from a function a test calls: a helper's module
 * is evaluated once per shared worker, so stubs it makes at load would be there for the first file that imports it
 * only (restored after that file, they are not made again for the next).
 */
export function mocksAtLoad(text: string): boolean {
  if (!text.includes('mockClient(')) return false;
  const source = ts.createSourceFile('module.ts', text, ts.ScriptTarget.Latest);
  const atLoad = (node: ts.Node): boolean => {
    if (ts.isFunctionLike(node)) return false;
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'mockClient')
      return true;
    return ts.forEachChild(node, atLoad) ?? false;
  };
  return atLoad(source);
}

/** A cloud test module's text without what the cloud project's setup undoes after each file (RESET_AFTER_EACH_FILE). */
export function withoutFileResets(text: string): string {
  const masked = text.replace(RESET_AFTER_EACH_FILE, '');
  return CLIENT_MOCK_PACKAGE.test(masked) ? masked : masked.replace(/\bmockClient\b/g, '');
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g;

/** Texts already blanked (`codeOf`), by their text: a helper is read once per test file that imports it. */
const BLANKED = new Map<string, string>();

/**
 * A module's text with the contents of its string and template literals blanked (spaces, newlines kept), but for the
 * module names it imports from: an import, a mock or a `process.env` written inside a string (a test of these very
 * checks, the source of a script a test runs) is text the module holds, not code it runs.
 */
export function codeOf(text: string): string {
  const known = BLANKED.get(text);
  if (known !== undefined) return known;
  const source = ts.createSourceFile('module.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const spans: [number, number][] = [];
  const isModuleName = (node: ts.Node): boolean => {
    const parent = node.parent;
    return (
      ((ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent)) && parent.moduleSpecifier === node) ||
      (ts.isCallExpression(parent) && parent.expression.kind === ts.SyntaxKind.ImportKeyword) ||
      ts.isExternalModuleReference(parent)
    );
  };
  const visit = (node: ts.Node): void => {
    const start = node.getStart(source);
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && !isModuleName(node)) {
      spans.push([start + 1, node.end - 1]);
    } else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node)) {
      spans.push([start + 1, node.end - 2]);
    } else if (ts.isTemplateTail(node)) {
      spans.push([start + 1, node.end - 1]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let code = '';
  let at = 0;
  for (const [from, to] of spans.sort((a, b) => a[0] - b[0])) {
    if (from < at || to < from) continue;
    code += text.slice(at, from) + text.slice(from, to).replace(/[^\n]/g, ' ');
    at = to;
  }
  code += text.slice(at);
  BLANKED.set(text, code);
  return code;
}

/** A module's text without its `import type` and `export type … from` statements (erased at run time). */
function typesErased(text: string): string {
  return text.replace(/^\s*(?:import|export)\s+type\s[^;]*;/gm, '');
}

/** The repository modules `file` imports (static, side-effect and literal dynamic imports; `import type` erased). */
function importsOf(root: string, file: string, code: (text: string) => string): string[] {
  const text = typesErased(code(readFileSync(join(root, file), 'utf8')));
  const found: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? '';
    if (!specifier.startsWith('.')) continue;
    const target = normalize(join(dirname(file), specifier));
    const candidates = [target.replace(/\.js$/, '.ts'), target, `${target}.ts`, join(target, 'index.ts')];
    const resolved = candidates.find((c) => existsSync(join(root, c)) && statSync(join(root, c)).isFile());
    // An import that cannot be resolved here cannot be judged: it makes the file isolated.
    found.push(resolved ?? `unresolved:${target}`);
  }
  return found;
}

/**
 * Why `file` needs a module registry of its own; empty when it may share one. `sharing` is the project asked about:
 * `pure` (the default) shares files that reach only SHARED_SOURCES; `cloud` shares files that may reach any module
 * of the repository, whose module-level state is the local cloud's own (SDK clients configured per cloud and
 * forgotten when it stops, the function environment set and restored, caches keyed by what they cache) and is reset
 * after each file by test/setup-shared-cloud.ts; the checks on the test modules themselves are the same.
 */
export function isolationReasons(root: string, file: string, sharing: Sharing = 'pure'): string[] {
  const reasons = reasonsIn(root, file, sharing, (text) => text);
  // Reasons that text inside a string could give are checked again on the modules' code alone (codeOf): parsing
  // every module would cost seconds of each vitest start, and only a file with such reasons alone could gain.
  if (reasons.length === 0 || !reasons.every((reason) => FROM_TEXT.test(reason))) return reasons;
  return reasonsIn(root, file, sharing, codeOf);
}

/** The reasons an import, a mock or the environment written inside a string would give. */
const FROM_TEXT = /^imports unresolved:| changes process-wide state or mocks$| registers hooks$/;

function reasonsIn(root: string, file: string, sharing: Sharing, code: (text: string) => string): string[] {
  const reasons: string[] = [];
  const seen = new Set<string>();
  for (const pending = [file]; pending.length > 0; ) {
    const module = pending.pop() as string;
    if (seen.has(module)) continue;
    seen.add(module);
    const isTest = module.startsWith('test/');
    if (sharing === 'pure' && module !== file && !SHARED_SOURCES.some((folder) => module.startsWith(folder))) {
      reasons.push(`imports ${module}`);
      continue;
    }
    if (module.startsWith('unresolved:')) {
      reasons.push(`imports ${module}`);
      continue;
    }
    const source = isTest ? code(readFileSync(join(root, module), 'utf8')) : '';
    const resets = sharing !== 'pure';
    const restores =
      (sharing !== 'pure' && SELF_RESTORING.includes(module)) || (resets && RESTORED_AFTER_EACH_FILE.includes(module));
    const text = resets ? withoutFileResets(typesErased(source)) : source;
    if (!restores && STATEFUL.test(text)) reasons.push(`${module} changes process-wide state or mocks`);
    const hooks = sharing === 'pure' ? HOOKS : TOP_LEVEL_HOOKS;
    if (module !== file && hooks.test(text)) reasons.push(`${module} registers hooks`);
    if (resets && module !== file && mocksAtLoad(source)) reasons.push(`${module} mocks clients at load`);
    // Past the test modules, the cloud project needs no walk: any module of the repository may be reached.
    if (sharing === 'pure' || isTest) pending.push(...importsOf(root, module, code));
  }
  return reasons;
}

function testFilesIn(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return testFilesIn(root, path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The test files under `dir` (relative to `root`) that may share a module registry in `sharing`'s project, sorted. */
export function sharedRegistryTestFiles(root: string, dir = 'test', sharing: Sharing = 'pure'): string[] {
  return testFilesIn(root, dir)
    .map((file) => relative(root, join(root, file)))
    .filter((file) => isolationReasons(root, file, sharing).length === 0)
    .sort();
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../helpers/temp-dir.js';
import { codeOf, isolationReasons, mocksAtLoad, sharedRegistryTestFiles } from '../isolation.js';

const REPO = join(import.meta.dirname, '../..');

/** A small repository: each entry a path and its source. */
function repository(files: Record<string, string>): string {
  const root = testTempDir('goldsmith-isolation-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, dirname(path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const PURE = "import { it } from 'vitest';\nimport { add } from '../../core/add.js';\nit('adds', () => add(1, 2));\n";

describe('which test files share a module registry (test/isolation.ts, the "pure" and "cloud" projects in vitest.config.ts)', () => {
  it('shares a file that imports only core/, events/ and fixtures, and isolates one that reaches past them', () => {
    const root = repository({
      'core/add.ts': "import { KINDS } from '../events/kinds.js';\nexport const add = (a: number, b: number) => a + b;",
      'events/kinds.ts': 'export const KINDS = [];',
      'aws/clients.ts': 'export const client = {};',
      'local/cloud.ts': "import { client } from '../aws/clients.js';\nexport const cloud = client;",
      'test/fixtures/catalog.ts': "import { add } from '../../core/add.js';\nexport const catalog = add(1, 1);",
      'test/fixtures/cloudy.ts': "export { cloud } from '../../local/cloud.js';",
      'test/unit/pure.test.ts': `${PURE}import { catalog } from '../fixtures/catalog.js';\n`,
      'test/unit/types.test.ts': `${PURE}import type { cloud } from '../../local/cloud.js';\n`,
      'test/unit/cloud.test.ts': `${PURE}import { cloud } from '../../local/cloud.js';\n`,
      'test/unit/through-fixture.test.ts': `${PURE}import { cloud } from '../fixtures/cloudy.js';\n`,
      'test/unit/dynamic.test.ts': `${PURE}it('loads', async () => { await import('../../aws/clients.js'); });\n`,
    });

    expect(sharedRegistryTestFiles(root)).toEqual(['test/unit/pure.test.ts', 'test/unit/types.test.ts']);
    expect(isolationReasons(root, 'test/unit/cloud.test.ts')).toEqual(['imports local/cloud.ts']);
    expect(isolationReasons(root, 'test/unit/through-fixture.test.ts')).toEqual(['imports local/cloud.ts']);
    expect(isolationReasons(root, 'test/unit/dynamic.test.ts')).toEqual(['imports aws/clients.ts']);
  });

  it.each([
    ['mocks a module', "vi.mock('../../core/add.js');"],
    ['spies', "vi.spyOn(console, 'log');"],
    ['sets the environment', "process.env.AWS_REGION = 'eu-west-1';"],
    ['listens to the process', "process.on('exit', () => undefined);"],
    ['changes a global', 'globalThis.fetch = undefined;'],
    ['mocks an SDK client', 'mockClient(client);'],
  ])('isolates a file of pure imports that %s', (_, line) => {
    const root = repository({
      'core/add.ts': 'export const add = (a: number, b: number) => a + b;',
      'test/unit/stateful.test.ts': `${PURE}${line}\n`,
      'test/fixtures/helper.ts': `export const helper = () => { ${line} };`,
      'test/unit/via-fixture.test.ts': `${PURE}import { helper } from '../fixtures/helper.js';\n`,
    });

    expect(sharedRegistryTestFiles(root)).toEqual([]);
    expect(isolationReasons(root, 'test/unit/stateful.test.ts')).toEqual([
      'test/unit/stateful.test.ts changes process-wide state or mocks',
    ]);
    expect(isolationReasons(root, 'test/unit/via-fixture.test.ts')).toEqual([
      'test/fixtures/helper.ts changes process-wide state or mocks',
    ]);
  });

  it('shares a file whose test helpers are pure, and isolates one whose helper registers hooks', () => {
    const root = repository({
      'core/add.ts': 'export const add = (a: number, b: number) => a + b;',
      'test/unit/helpers.ts': "import { add } from '../../core/add.js';\nexport const two = () => add(1, 1);",
      'test/unit/hooks.ts': "import { beforeEach } from 'vitest';\nbeforeEach(() => undefined);\nexport const x = 1;",
      'test/unit/helped.test.ts': `${PURE}import { two } from './helpers.js';\n`,
      'test/unit/hooked.test.ts': `${PURE}import { x } from './hooks.js';\n`,
    });

    expect(sharedRegistryTestFiles(root)).toEqual(['test/unit/helped.test.ts']);
    expect(isolationReasons(root, 'test/unit/hooked.test.ts')).toEqual(['test/unit/hooks.ts registers hooks']);
  });

  it('reads an import, a mock or the environment written inside a string as text the file holds, not code it runs', () => {
    const root = repository({
      'core/add.ts': 'export const add = (a: number, b: number) => a + b;',
      // A script the test would run in a child process, and a check's input: text, not code.
      'test/unit/script.test.ts': `${PURE}const script = \`import { x } from './missing.js';\\nprocess.env.A = '\${1}';\`;\nconst mocked = "vi.mock('../../aws/clients.js')";\n`,
      'test/unit/code.test.ts': `${PURE}process.env.A = \`\${'1'}\`;\n`,
      'test/unit/both.test.ts': `${PURE}const script = "import { x } from './missing.js';";\nvi.mock('../../core/add.js');\n`,
    });
    expect(isolationReasons(root, 'test/unit/script.test.ts')).toEqual([]);
    expect(isolationReasons(root, 'test/unit/code.test.ts')).toEqual([
      'test/unit/code.test.ts changes process-wide state or mocks',
    ]);
    // The string's import no longer counts; the mock, which is code, still does.
    expect(isolationReasons(root, 'test/unit/both.test.ts')).toEqual([
      'test/unit/both.test.ts changes process-wide state or mocks',
    ]);
    // Strings blanked, lines kept; the names of the modules imported kept.
    expect(codeOf(`import { a } from './a.js';\nconst s = 'vi.mock';\nconst t = \`x\n\${s}y\`;\n`)).toBe(
      `import { a } from './a.js';\nconst s = '       ';\nconst t = \` \n\${s} \`;\n`,
    );
  });

  it('isolates a file whose import it cannot resolve, rather than guess', () => {
    const root = repository({ 'test/unit/lost.test.ts': "import { x } from '../../core/missing.js';\n" });
    expect(isolationReasons(root, 'test/unit/lost.test.ts')).toEqual(['imports unresolved:core/missing.js']);
  });

  it('in this repository, shares the core/ tests and keeps every local-cloud, handler and CLI test isolated', () => {
    const shared = sharedRegistryTestFiles(REPO);
    expect(shared).toContain('test/unit/schedule/timezone.test.ts');
    expect(shared.length).toBeGreaterThan(100);
    expect(shared.filter((f) => /^test\/(scenarios|integration|handlers)\//.test(f))).toEqual([]);
    expect(shared).not.toContain('test/unit/isolation.test.ts');
  });

  it('in the cloud project, shares a file that reaches the local cloud and sets the environment, spies or stubs clients through the helper, and isolates one that mocks a module', () => {
    const cloudy =
      "import { it } from 'vitest';\nimport { cloud } from '../../local/cloud.js';\nit('runs', () => cloud);\n";
    const root = repository({
      'aws/clients.ts': 'export const client = {};',
      'local/cloud.ts': "import { client } from '../aws/clients.js';\nexport const cloud = client;",
      'test/helpers/output.ts':
        "import { vi } from 'vitest';\nexport const capture = () => { vi.spyOn(process.stdout, 'write'); vi.restoreAllMocks(); };",
      'test/helpers/mock-client.ts':
        "import { mockClient as stub } from 'aws-sdk-client-mock';\nexport const mockClient = (c) => stub(c);",
      'test/helpers/spying.ts':
        "import { vi } from 'vitest';\nexport const spy = () => vi.spyOn(process.stdout, 'write');",
      'test/helpers/stubbing.ts': "import { vi } from 'vitest';\nexport const stub = () => vi.stubGlobal('fetch', 1);",
      'test/helpers/dynamo.ts':
        "import { beforeAll } from 'vitest';\nexport function useDynamo() {\n  beforeAll(() => undefined);\n}",
      'test/helpers/hooked.ts': "import { beforeAll } from 'vitest';\nbeforeAll(() => undefined);\nexport const x = 1;",
      'test/unit/cloud.test.ts': cloudy,
      'test/unit/captured.test.ts': `${cloudy}import { capture } from '../helpers/output.js';\n`,
      'test/unit/dynamo.test.ts': `${cloudy}import { useDynamo } from '../helpers/dynamo.js';\nuseDynamo();\n`,
      'test/unit/env.test.ts': `${cloudy}process.env.AWS_REGION = 'eu-west-1';\n`,
      'test/unit/stubbed.test.ts': `${cloudy}import { mockClient } from '../helpers/mock-client.js';\nmockClient(client);\n`,
      'test/unit/spied.test.ts': `${cloudy}import { spy } from '../helpers/spying.js';\nvi.useFakeTimers();\n`,
      'test/unit/mocked.test.ts': `${cloudy}vi.mock('../../aws/clients.js');\n`,
      'test/unit/package-stub.test.ts': `${cloudy}import { mockClient } from 'aws-sdk-client-mock';\nmockClient(client);\n`,
      'test/unit/global.test.ts': `${cloudy}import { stub } from '../helpers/stubbing.js';\n`,
      'test/unit/hooked.test.ts': `${cloudy}import { x } from '../helpers/hooked.js';\n`,
      'test/unit/lost.test.ts': "import { x } from '../../local/missing.js';\n",
    });

    expect(sharedRegistryTestFiles(root, 'test', 'cloud')).toEqual([
      'test/unit/captured.test.ts',
      'test/unit/cloud.test.ts',
      'test/unit/dynamo.test.ts',
      'test/unit/env.test.ts',
      'test/unit/spied.test.ts',
      'test/unit/stubbed.test.ts',
    ]);
    // The pure project still isolates all of them: they reach past core/ and events/.
    expect(sharedRegistryTestFiles(root)).toEqual([]);
    // The scenario project runs the cloud project's setup, which undoes the environment, spies and stubs after each
    // file: it shares the same files, and isolates the same ones for the same reasons.
    expect(sharedRegistryTestFiles(root, 'test', 'scenarios')).toEqual(sharedRegistryTestFiles(root, 'test', 'cloud'));
    expect(isolationReasons(root, 'test/unit/env.test.ts', 'scenarios')).toEqual([]);
    expect(isolationReasons(root, 'test/unit/mocked.test.ts', 'scenarios')).toEqual([
      'test/unit/mocked.test.ts changes process-wide state or mocks',
    ]);
    expect(isolationReasons(root, 'test/unit/mocked.test.ts', 'cloud')).toEqual([
      'test/unit/mocked.test.ts changes process-wide state or mocks',
    ]);
    expect(isolationReasons(root, 'test/unit/package-stub.test.ts', 'cloud')).toEqual([
      'test/unit/package-stub.test.ts changes process-wide state or mocks',
    ]);
    expect(isolationReasons(root, 'test/unit/global.test.ts', 'cloud')).toEqual([
      'test/helpers/stubbing.ts changes process-wide state or mocks',
    ]);
    expect(isolationReasons(root, 'test/unit/hooked.test.ts', 'cloud')).toEqual([
      'test/helpers/hooked.ts registers hooks',
    ]);
    expect(isolationReasons(root, 'test/unit/lost.test.ts', 'cloud')).toEqual(['imports unresolved:local/missing.js']);
  });

  it('in the cloud project, isolates a file whose helper stubs clients when it is loaded, not when a test calls it', () => {
    const helper = "import { mockClient } from '../helpers/mock-client.js';\nimport { SNSClient } from 'sdk';\n";
    const root = repository({
      'test/helpers/mock-client.ts':
        "import { mockClient as stub } from 'aws-sdk-client-mock';\nexport const mockClient = (c) => stub(c);",
      'test/fixtures/at-load.ts': `${helper}export const mocks = {\n  sns: mockClient(SNSClient),\n};\n`,
      'test/fixtures/on-call.ts': `${helper}export function useMocks() {\n  return { sns: mockClient(SNSClient) };\n}\n`,
      'test/unit/at-load.test.ts': "import { mocks } from '../fixtures/at-load.js';\n",
      'test/unit/on-call.test.ts': "import { useMocks } from '../fixtures/on-call.js';\nconst sns = useMocks();\n",
      'test/unit/own.test.ts':
        "import { mockClient } from '../helpers/mock-client.js';\nconst sns = mockClient(Sns);\n",
    });

    expect(sharedRegistryTestFiles(root, 'test', 'cloud')).toEqual([
      'test/unit/on-call.test.ts',
      'test/unit/own.test.ts',
    ]);
    expect(isolationReasons(root, 'test/unit/at-load.test.ts', 'cloud')).toEqual([
      'test/fixtures/at-load.ts mocks clients at load',
    ]);
    expect(mocksAtLoad('const sns = mockClient(SNSClient);')).toBe(true);
    expect(mocksAtLoad('const use = () => mockClient(SNSClient);')).toBe(false);
    expect(mocksAtLoad('class World { sns = mockClient(SNSClient); }')).toBe(true);
    expect(mocksAtLoad('// mockClient( in a comment\nexport const x = 1;')).toBe(false);
  });

  it('in this repository, shares the local-cloud tests whose mocks are undone after the file, and keeps the others isolated', () => {
    const cloud = sharedRegistryTestFiles(REPO, 'test', 'cloud');
    expect(cloud).toContain('test/integration/operator-endpoint.test.ts');
    expect(cloud).toContain('test/unit/local/ec2-fake.test.ts');
    expect(cloud.length).toBeGreaterThan(250);
    // Stubs SDK clients through test/helpers/mock-client.ts and sets the environment: both undone after the file.
    expect(cloud).toContain('test/handlers/approval-callback.test.ts');
    // Its fixture stubs the clients when the file asks (useLifecycleWorld), not when the fixture is loaded.
    expect(cloud).toContain('test/handlers/lifecycle-revoke.test.ts');
    // Mocks a module.
    expect(cloud).not.toContain('test/unit/cli/saved-cloud-open.test.ts');
  });
});

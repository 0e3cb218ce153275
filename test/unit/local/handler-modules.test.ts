import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { provideHandlerModules } from '../../../local/simulator/handler-modules.js';
import { LocalLambdas } from '../../../local/simulator/lambda.js';
import { testTempDir } from '../../helpers/temp-dir.js';

/** A project root with functions/echo.ts, whose handler says it came from the file. */
function projectWithHandler(): string {
  const root = testTempDir('goldsmith-handlers-');
  mkdirSync(join(root, 'functions'));
  writeFileSync(join(root, 'functions/echo.ts'), "export const handler = async () => 'from the file';\n");
  return root;
}

describe('LocalLambdas and the handler modules a bundle provides', () => {
  it('runs the provided module of a handler file, not a second import of the file', async () => {
    const root = projectWithHandler();
    provideHandlerModules({
      [join(root, 'functions/echo.ts')]: async () => ({ handler: async () => 'from the bundle' }),
    });

    const answer = await new LocalLambdas(root).invoke('Echo', 'functions/echo.handler', {});

    expect(answer).toBe('from the bundle');
  });

  it('imports the file when nothing provides it (vitest, GOLDSMITH_NO_BUNDLE=1)', async () => {
    const root = projectWithHandler();

    const answer = await new LocalLambdas(root).invoke('Echo', 'functions/echo.handler', {});

    expect(answer).toBe('from the file');
  });
});

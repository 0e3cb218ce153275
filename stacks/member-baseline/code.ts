import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { useProject } from 'sst/project.js';

/**
 * The member function's code, inline in the member template: AWS::Lambda::Function `Code.ZipFile` writes it as
 * `index.js`, a CommonJS module
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-code.html), and the
 * Node.js runtime ships the AWS SDK v3 clients it requires. Kept under 4 KB (the limit ZipFile once had, and
 * what keeps the StackSet's template small): the build fails past it.
 */
export const MEMBER_CODE_MAX_BYTES = 4096;

/**
 * The member function's source, from the app's root as SST knows it. Not from this module's own URL: `sst build` and
 * `sst deploy` bundle sst.config.ts with every stack into one file at the root and run that, so a path relative to
 * `import.meta.url` climbs out of the repository there (TOOLING-NOTES "SST v2"; test/unit/build/member-code-location.test.ts).
 */
export const MEMBER_ENTRY = 'member/index.ts';
let built: string | undefined;

/** The bundled member function (built once per process). */
export function memberFunctionCode(): string {
  if (built) return built;
  const result = buildSync({
    entryPoints: [join(useProject().paths.root, MEMBER_ENTRY)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    minify: true,
    external: ['@aws-sdk/*'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  const bytes = Buffer.byteLength(code);
  if (bytes === 0 || bytes > MEMBER_CODE_MAX_BYTES)
    throw new Error(`the member function's inline code is ${bytes} bytes; it must be 1–${MEMBER_CODE_MAX_BYTES}`);
  built = code;
  return code;
}

import { buildSync } from 'esbuild';

/**
 * The member function's code, inline in the member template: AWS::Lambda::Function `Code.ZipFile` writes it as
 * `index.js`, a CommonJS module
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-code.html), and the
 * Node.js runtime ships the AWS SDK v3 clients it requires. Kept under 4 KB (the limit ZipFile once had, and
 * what keeps the StackSet's template small): the build fails past it.
 */
export const MEMBER_CODE_MAX_BYTES = 4096;

const ENTRY = new URL('../../member/index.ts', import.meta.url).pathname;
let built: string | undefined;

/** The bundled member function (built once per process). */
export function memberFunctionCode(): string {
  if (built) return built;
  const result = buildSync({
    entryPoints: [ENTRY],
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

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SST_ESM_BANNER } from '../../../scripts/bundle/options.js';
import { sdkPackageVersionPlugin } from '../../../stacks/bundling.js';
import { bundleEntry, ROOT, suiteOutdir } from './helpers.js';

// One SSM call through a request handler that records the request's headers (the user agent carries the version).
const ENTRY = `
import { Readable } from 'node:stream';
import { HttpResponse } from '@smithy/protocol-http';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
export async function run() {
  const headers = [];
  const client = new SSMClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: {
      async handle(request) {
        headers.push(request.headers);
        const body = JSON.stringify({ Parameter: { Name: '/p', Value: 'v', Version: 1 } });
        return { response: new HttpResponse({ statusCode: 200, headers: {}, body: Readable.from([Buffer.from(body)]) }) };
      },
    },
  });
  const got = await client.send(new GetParameterCommand({ Name: '/p' }));
  return { userAgent: headers[0]['user-agent'], value: got.Parameter?.Value };
}`;

interface Built {
  file: string;
  packageJsonBytes: number;
}

describe('sdkPackageVersionPlugin', () => {
  const outdir = suiteOutdir('goldsmith-package-version-');
  let plain: Built;
  let cut: Built;

  async function bundle(name: string, plugins: ReturnType<typeof sdkPackageVersionPlugin>[]): Promise<Built> {
    const file = join(outdir(), `${name}.mjs`);
    const result = await bundleEntry(ENTRY, file, {
      mainFields: ['module', 'main'],
      plugins,
      metafile: true,
      banner: { js: SST_ESM_BANNER },
    });
    const inputs = Object.values(result.metafile.outputs).flatMap((o) => Object.entries(o.inputs));
    const packageJsonBytes = inputs
      .filter(([path]) => path.endsWith('@aws-sdk/client-ssm/package.json'))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    return { file, packageJsonBytes };
  }

  beforeAll(async () => {
    plain = await bundle('plain', []);
    cut = await bundle('cut', [sdkPackageVersionPlugin()]);
  }, 60_000);

  it('sends the same user agent, with the client version from its package.json', async () => {
    const run = async (b: Built) =>
      (
        (await import(pathToFileURL(b.file).href)) as { run: () => Promise<{ userAgent: string; value: string }> }
      ).run();
    const [before, after] = await Promise.all([run(plain), run(cut)]);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules/@aws-sdk/client-ssm/package.json'), 'utf8'));
    expect(after).toEqual(before);
    expect(after.value).toBe('v');
    expect(after.userAgent).toContain(`api/ssm#${version}`);
  });

  it("keeps only the version of the client's package.json in the bundle", () => {
    expect(plain.packageJsonBytes).toBeGreaterThan(1000);
    expect(cut.packageJsonBytes).toBeLessThan(60);
  });
});

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { literalSchemaKeys, sdkSchemaKeysPlugin } from '../../../stacks/bundling.js';
import { bundleEntry, suiteOutdir } from './helpers.js';

// Three EC2 calls Goldsmith makes, through a request handler that records each request and answers with AWS's
// documented DescribeImages response, so the bundle's serializer and deserializer both run.
const ENTRY = `
import { Readable } from 'node:stream';
import { HttpResponse } from '@smithy/protocol-http';
import { CreateTagsCommand, DescribeImagesCommand, EC2Client, ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
const XML = '<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>' +
  '<imagesSet><item><imageId>ami-0123456789abcdef0</imageId><imageState>available</imageState>' +
  '<deprecationTime>2027-03-01T00:00:00.000Z</deprecationTime><tagSet><item><key>goldsmith:channel</key>' +
  '<value>prod</value></item></tagSet><blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs>' +
  '<snapshotId>snap-0123456789abcdef0</snapshotId></ebs></item></blockDeviceMapping></item></imagesSet>' +
  '</DescribeImagesResponse>';
export async function run() {
  const bodies = [];
  const client = new EC2Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: {
      async handle(request) {
        bodies.push(request.body);
        const body = request.body.includes('DescribeImages') ? XML : '<R><requestId>r</requestId><return>true</return></R>';
        return { response: new HttpResponse({ statusCode: 200, headers: {}, body: Readable.from([Buffer.from(body)]) }) };
      },
    },
  });
  await client.send(new CreateTagsCommand({ Resources: ['ami-0123456789abcdef0'], Tags: [{ Key: 'goldsmith:channel', Value: 'prod' }] }));
  await client.send(new ModifyImageAttributeCommand({ ImageId: 'ami-0123456789abcdef0', LaunchPermission: {
    Add: [{ OrganizationalUnitArn: 'arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/ou-ab12-cdef3456' }],
    Remove: [{ UserId: '111122223333' }] } }));
  const described = await client.send(new DescribeImagesCommand({ ImageIds: ['ami-0123456789abcdef0'] }));
  return { bodies, images: described.Images };
}`;

interface Built {
  file: string;
  bytes: number;
}

describe('the SDK schema-key rewrite', () => {
  const outdir = suiteOutdir('goldsmith-schema-keys-');
  let plain: Built;
  let rewritten: Built;

  async function bundle(name: string, plugins: ReturnType<typeof sdkSchemaKeysPlugin>[]): Promise<Built> {
    const file = join(outdir(), `${name}.mjs`);
    await bundleEntry(ENTRY, file, {
      mainFields: ['module', 'main'],
      keepNames: true,
      plugins,
      banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    });
    return { file, bytes: statSync(file).size };
  }

  beforeAll(async () => {
    plain = await bundle('plain', []);
    rewritten = await bundle('rewritten', [sdkSchemaKeysPlugin()]);
  }, 60_000);

  it('sends byte-identical requests and reads responses identically', async () => {
    const load = async (b: Built) =>
      (await import(pathToFileURL(b.file).href)) as { run: () => Promise<{ bodies: string[]; images: unknown }> };
    const [before, after] = await Promise.all([(await load(plain)).run(), (await load(rewritten)).run()]);
    expect(after.bodies).toEqual(before.bodies);
    expect(after.bodies[1]).toContain('LaunchPermission.Add.1.OrganizationalUnitArn=');
    expect(after.images).toEqual(before.images);
    expect(after.images).toEqual([
      expect.objectContaining({
        ImageId: 'ami-0123456789abcdef0',
        DeprecationTime: '2027-03-01T00:00:00.000Z',
        Tags: [{ Key: 'goldsmith:channel', Value: 'prod' }],
      }),
    ]);
  });

  it('lets esbuild drop the EC2 shapes nobody uses: the bundle shrinks by more than 400 KB', () => {
    expect(plain.bytes - rewritten.bytes).toBeGreaterThan(400 * 1024);
  });
});

describe('literalSchemaKeys', () => {
  it('turns computed keys naming module string constants into literal keys and leaves others alone', () => {
    const source = [
      'const _xN = "xmlName";',
      'const _q = "a\\"b";',
      'export var A$ = [3, n0, _A, 0, [[0, { [_xN]: _x, [_q]: 1, [other]: 2 }]]];',
    ].join('\n');
    expect(literalSchemaKeys(source)).toContain('{ "xmlName": _x, "a\\"b": 1, [other]: 2 }');
  });
});

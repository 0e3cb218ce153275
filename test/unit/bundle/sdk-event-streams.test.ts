import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SST_ESM_BANNER } from '../../../scripts/bundle/options.js';
import { functionEsbuildOptions } from '../../../stacks/bundling.js';
import { NO_EVENT_STREAMS, sdkEventStreamsPlugin } from '../../../stacks/bundling-event-streams.js';
import { bundleEntry, ROOT, suiteOutdir } from './helpers.js';

// One Step Functions call through a request handler that answers it, and the event-stream codec's own import.
const ENTRY = `
import { Readable } from 'node:stream';
import { HttpResponse } from '@smithy/protocol-http';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
export async function run() {
  const client = new SFNClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: {
      async handle() {
        const body = JSON.stringify({ executionArn: 'arn:aws:states:us-east-1:111122223333:execution:m:e', status: 'RUNNING' });
        return { response: new HttpResponse({ statusCode: 200, headers: {}, body: Readable.from([Buffer.from(body)]) }) };
      },
    },
  });
  const out = await client.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:111122223333:execution:m:e' }));
  return out.status;
}
export const codec = () => import('@smithy/core/event-streams');`;

interface Built {
  file: string;
  bytes: number;
}

/** Every operation of Goldsmith's SDK clients with an event-stream member (an `AsyncIterable` in its models). */
function eventStreamOperations(): string[] {
  const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const clients = Object.keys(dependencies).filter((name) => name.startsWith('@aws-sdk/client-'));
  const operations = new Set<string>();
  for (const client of clients) {
    for (const file of globSync('dist-types/models/*.d.ts', { cwd: join(ROOT, 'node_modules', client) })) {
      let shape = '';
      for (const line of readFileSync(join(ROOT, 'node_modules', client, file), 'utf8').split('\n')) {
        shape = /^export interface (\w+)/.exec(line)?.[1] ?? shape;
        if (line.includes('AsyncIterable<')) operations.add(shape.replace(/(Request|Response|Input|Output)$/, ''));
      }
    }
  }
  return [...operations].sort();
}

describe('sdkEventStreamsPlugin', () => {
  const outdir = suiteOutdir('goldsmith-event-streams-');
  let plain: Built;
  let lean: Built;

  async function bundle(name: string, withPlugin: boolean): Promise<Built> {
    const file = join(outdir(), `${name}.mjs`);
    const result = await bundleEntry(ENTRY, file, {
      ...functionEsbuildOptions(),
      plugins: functionEsbuildOptions().plugins.filter((p) => withPlugin || p.name !== sdkEventStreamsPlugin().name),
      metafile: true,
      banner: { js: SST_ESM_BANNER },
    });
    return { file, bytes: Object.values(result.metafile.outputs)[0]?.bytes ?? 0 };
  }

  beforeAll(async () => {
    plain = await bundle('plain', false);
    lean = await bundle('lean', true);
  }, 60_000);

  const load = (b: Built) =>
    import(pathToFileURL(b.file).href) as Promise<{ run: () => Promise<string>; codec: () => Promise<unknown> }>;

  it('leaves the event-stream codec out of every function, ~20 KB, and the calls answer as before', async () => {
    expect(plain.bytes - lean.bytes).toBeGreaterThan(15_000);
    expect(readFileSync(plain.file, 'utf8').includes('EventStreamCodec')).toBe(true);
    expect(readFileSync(lean.file, 'utf8').includes('EventStreamCodec')).toBe(false);
    expect(await (await load(lean)).run()).toBe('RUNNING');
    expect(await (await load(plain)).run()).toBe('RUNNING');
  });

  it('fails an event-stream operation with an error that says why, should one ever be sent', async () => {
    await expect((await load(plain)).codec()).resolves.toHaveProperty('EventStreamSerde');
    await expect((await load(lean)).codec()).rejects.toThrow(NO_EVENT_STREAMS);
  });

  it('Goldsmith sends no operation with an event stream', () => {
    const operations = eventStreamOperations();
    expect(operations).toContain('InvokeWithResponseStream');
    const sources = globSync(['aws/**/*.ts', 'functions/**/*.ts', 'core/**/*.ts', 'events/**/*.ts'], { cwd: ROOT });
    const sent = sources.filter((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return operations.some((op) => text.includes(`${op}Command`));
    });
    expect(sent).toEqual([]);
  });

  it('is one of the options every function is deployed with', () => {
    expect(functionEsbuildOptions().plugins.map((p) => p.name)).toContain(sdkEventStreamsPlugin().name);
  });
});

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * `npm run build`: the real `sst build`, offline. SST 2.49.8 calls STS GetCallerIdentity and CloudFormation
 * DescribeStacks (CDKToolkit, SSTBootstrap) before it synthesizes (TOOLING-NOTES "SST v2"); a loopback endpoint
 * answers exactly those, through AWS_ENDPOINT_URL, and refuses anything else loudly. The templates land in
 * `.sst/dist/`, where the readiness checks read them.
 */

export const BUILD_ACCOUNT = '111111111111';
export const BUILD_REGION = 'us-east-1';
const REGION = BUILD_REGION;

function stack(name: string, outputs: Record<string, string>): string {
  const members = Object.entries(outputs)
    .map(([k, v]) => `<member><OutputKey>${k}</OutputKey><OutputValue>${v}</OutputValue></member>`)
    .join('');
  return (
    `<member><StackName>${name}</StackName>` +
    `<StackId>arn:aws:cloudformation:${REGION}:${BUILD_ACCOUNT}:stack/${name}/00000000-0000-0000-0000-000000000000</StackId>` +
    `<CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus>` +
    `<Outputs>${members}</Outputs></member>`
  );
}

/** Answers one query-protocol request, or undefined for anything SST is not known to call. */
export function answer(params: URLSearchParams): string | undefined {
  const meta = '<ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000001</RequestId></ResponseMetadata>';
  switch (params.get('Action')) {
    case 'GetCallerIdentity':
      return (
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
        `<Arn>arn:aws:iam::${BUILD_ACCOUNT}:user/goldsmith-build</Arn><UserId>AIDAGOLDSMITHBUILD0001</UserId>` +
        `<Account>${BUILD_ACCOUNT}</Account></GetCallerIdentityResult>${meta}</GetCallerIdentityResponse>`
      );
    case 'DescribeStacks': {
      const name = params.get('StackName');
      // What SST 2.49.8's bootstrap check reads (node_modules/sst/bootstrap.js): a version and a bucket per stack.
      const known: Record<string, Record<string, string>> = {
        CDKToolkit: { BootstrapVersion: '21', BucketName: `cdk-hnb659fds-assets-${BUILD_ACCOUNT}-${REGION}` },
        SSTBootstrap: { Version: '7.4', BucketName: `sstbootstrap-${REGION}-offline` },
      };
      const outputs = name ? known[name] : undefined;
      if (!outputs) return undefined;
      return (
        '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult>' +
        `<Stacks>${stack(name!, outputs)}</Stacks></DescribeStacksResult>${meta}</DescribeStacksResponse>`
      );
    }
    default:
      return undefined;
  }
}

/** Starts the loopback endpoint; `calls` records every action asked for. */
export async function startEndpoint(): Promise<{ url: string; calls: string[]; close(): Promise<void> }> {
  const calls: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const params = new URLSearchParams(body || (req.url ?? '').split('?')[1] || '');
      const action = `${params.get('Action') ?? req.headers['x-amz-target'] ?? req.url} ${params.get('StackName') ?? ''}`;
      calls.push(action.trim());
      const xml = answer(params);
      if (xml === undefined) {
        process.stderr.write(`offline build endpoint: unexpected request ${action}\n`);
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end(
          '<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code>' +
            `<Message>offline build: ${action} is not answered</Message></Error></ErrorResponse>`,
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(xml);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The app as `sst build` sees it, in a folder of its own: every entry of the checkout linked into
 * `.sst/build-root/`, SST's root and working directory for the build. SST writes its bundle of sst.config.ts
 * (`.sst.config.<ms>.mjs`) into the working directory, and every SST process deletes the root's such files older
 * than 30 s (node_modules/sst/project.js): beside vitest, whose stack tests start SST projects at the checkout's
 * root, a loaded machine had one process delete a bundle the other was removing, an unhandled ENOENT. Linked
 * entries resolve to the checkout's files, so what is built is the checkout (esbuild follows the links).
 */
function buildRoot(root: string): string {
  const at = join(root, '.sst', 'build-root');
  rmSync(at, { recursive: true, force: true });
  mkdirSync(at, { recursive: true });
  for (const entry of readdirSync(root)) {
    // `.env*`: SST loads them over the environment (node_modules/sst/project.js), which would put back the caller's
    // AWS settings that offlineEnvironment takes out.
    if (entry === '.sst' || entry === '.git' || entry.startsWith('.sst.config') || entry.startsWith('.env')) continue;
    symlinkSync(join(root, entry), join(at, entry));
  }
  return at;
}

/**
 * The environment without any of the caller's AWS settings: a service's own endpoint (`AWS_ENDPOINT_URL_STS`), a
 * profile, a config file or a session token would otherwise take precedence over, or be sent with, the loopback
 * endpoint's (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html), and the build would reach
 * an account.
 */
export function offlineEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^(AWS_|SST_)/i.test(name)));
}

/** Runs `sst build --stage <stage>` against the endpoint; returns the synthesized templates by stack name. */
export async function sstBuild(root: string, stage: string): Promise<Map<string, { Resources?: object }>> {
  const endpoint = await startEndpoint();
  const dist = join(root, '.sst', 'dist');
  const at = buildRoot(root);
  try {
    if (existsSync(dist)) rmSync(dist, { recursive: true, force: true });
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(join(root, 'node_modules/.bin/sst'), ['build', '--stage', stage], {
        cwd: at,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: {
          ...offlineEnvironment(process.env),
          AWS_ENDPOINT_URL: endpoint.url,
          AWS_ACCESS_KEY_ID: 'AKIAGOLDSMITHBUILD01',
          AWS_SECRET_ACCESS_KEY: 'offline',
          AWS_REGION: REGION,
          AWS_PROFILE: '',
          // No profile file either: the build's answers come from the loopback endpoint alone.
          AWS_CONFIG_FILE: join(at, 'no-aws-config'),
          AWS_SHARED_CREDENTIALS_FILE: join(at, 'no-aws-credentials'),
          SST_TELEMETRY_DISABLED: '1',
        },
      });
      child.on('error', reject);
      child.on('exit', (c) => resolve(c ?? 1));
    });
    if (code !== 0) throw new Error(`sst build exited ${code}; endpoint calls: ${endpoint.calls.join(', ')}`);
    renameSync(join(at, '.sst', 'dist'), dist);
  } finally {
    await endpoint.close();
    rmSync(at, { recursive: true, force: true });
  }
  const templates = new Map<string, { Resources?: object }>();
  for (const f of readdirSync(dist).filter((f) => f.endsWith('.template.json'))) {
    const stackName = f.replace(/\.template\.json$/, '').replace(`${stage}-goldsmith-`, '');
    templates.set(stackName, JSON.parse(readFileSync(join(dist, f), 'utf8')) as { Resources?: object });
  }
  return templates;
}

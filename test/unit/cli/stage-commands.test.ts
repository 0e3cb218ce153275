import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { captureOutput } from '../../helpers/output.js';

/** One request the stand-in for AWS received. */
interface Received {
  readonly path: string;
  readonly target: string;
  readonly authorization: string;
  readonly body: string;
}

const OPERATOR_PATH = '/operator-url/';

/**
 * A loopback stand-in for what docs/deploy.md's first commands reach with `--stage prod`: CloudFormation's
 * DescribeStacks (the Trust stack's OperatorUrl output, query protocol), DynamoDB's Query on the ledger (empty, a
 * stage where nothing was built yet) and the operator function URL, which answers as the endpoint does.
 */
function standIn(received: Received[]): Server {
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (c) => {
        body += String(c);
      });
      req.on('end', () => resolve(body));
    });
  return createServer(async (req, res) => {
    const body = await read(req);
    const target = String(req.headers['x-amz-target'] ?? new URLSearchParams(body).get('Action') ?? '');
    received.push({ path: req.url ?? '', target, authorization: String(req.headers.authorization ?? ''), body });
    const base = `http://127.0.0.1:${(req.socket.address() as AddressInfo).port}`;
    if (req.url === OPERATOR_PATH) {
      const request = JSON.parse(body) as { action: string; image: string };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ok: true,
          action: request.action,
          result: {
            image: request.image,
            decisions: [
              {
                image: request.image,
                outcome: 'start',
                reason: 'manual',
                buildVersionArn: `arn:aws:imagebuilder:us-east-1:123456789012:image/${request.image}/1.0.0/1`,
              },
            ],
          },
        }),
      );
    } else if (target === 'DescribeStacks') {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult>' +
          '<Stacks><member><StackName>prod-goldsmith-Trust</StackName><StackStatus>CREATE_COMPLETE</StackStatus>' +
          '<CreationTime>2027-01-01T00:00:00Z</CreationTime><Outputs><member><OutputKey>OperatorUrl</OutputKey>' +
          `<OutputValue>${base}${OPERATOR_PATH}</OutputValue></member></Outputs></member></Stacks>` +
          '</DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>',
      );
    } else if (target === 'DynamoDB_20120810.Query') {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ Items: [], Count: 0, ScannedCount: 0 }));
    } else {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ __type: 'UnknownOperationException', message: `not stood in for: ${target}` }));
    }
  });
}

// docs/deploy.md, after the first deploy: `npx goldsmith status --stage prod`, `npx goldsmith build base --stage prod
// --reason "first build"`, `npx goldsmith history base --stage prod`, each as written, against the stand-in.
describe('the operator commands with --stage, as docs/deploy.md runs them after the first deploy', () => {
  const received: Received[] = [];
  const server = standIn(received);
  const saved = { ...process.env };

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });

  afterAll(async () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('build sends the request signed for lambda to the Trust stack OperatorUrl and says what started', async () => {
    received.length = 0;
    const { code, stdout, stderr } = await captureOutput(() =>
      main(['build', 'base', '--stage', 'prod', '--reason', 'first build']),
    );

    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/^build: started base 1\.0\.0\/1/);
    expect(received.map((r) => r.target || r.path)).toEqual([
      'DynamoDB_20120810.Query',
      'DescribeStacks',
      OPERATOR_PATH,
    ]);
    const sent = received.at(-1) as Received;
    expect(JSON.parse(sent.body)).toMatchObject({ action: 'build', image: 'base', reason: 'first build' });
    expect(sent.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/lambda\/aws4_request, SignedHeaders=/,
    );
  });

  it('status and history read the stage ledger (nothing built yet), paginated queries only, and exit 0', async () => {
    received.length = 0;
    const status = await captureOutput(() => main(['status', '--stage', 'prod']));
    expect([status.code, status.stderr]).toEqual([0, '']);
    for (const image of ['base', 'hardened', 'app', 'web-runtime']) expect(status.stdout).toContain(image);

    const history = await captureOutput(() => main(['history', 'base', '--stage', 'prod']));
    expect([history.code, history.stderr]).toEqual([0, '']);
    // Besides the ledger, status reads the release the stage runs (docs/upgrading.md), once.
    const release = received.filter((r) => r.target === 'AmazonSSM.GetParameter');
    expect(release.map((r) => JSON.parse(r.body))).toEqual([{ Name: '/goldsmith-release/prod' }]);
    const ledger = received.filter((r) => r !== release[0]);
    expect(ledger.length).toBeGreaterThanOrEqual(5);
    for (const r of ledger) {
      expect(r.target).toBe('DynamoDB_20120810.Query');
      expect(JSON.parse(r.body)).toMatchObject({ TableName: 'goldsmith-prod-ledger' });
    }
  });
});

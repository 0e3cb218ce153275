import { Sha256 } from '@aws-crypto/sha256-js';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * The operator endpoint from outside: a Lambda function URL with AWS_IAM auth takes requests signed with SigV4 for
 * service `lambda` in its Region (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html), with the caller's
 * credentials from the SDK's default chain.
 */
export async function sendSignedOperatorRequest(
  url: string,
  region: string,
  body: string,
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  const signer = new SignatureV4({ service: 'lambda', region, credentials: defaultProvider(), sha256: Sha256 });
  const request = new HttpRequest({
    method: 'POST',
    protocol: target.protocol,
    hostname: target.hostname,
    path: target.pathname,
    headers: { host: target.hostname, 'content-type': 'application/json' },
    body,
  });
  const signed = await signer.sign(request);
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body });
  return { status: response.status, text: await response.text() };
}

/** One output of a deployed stack (e.g. the Trust stack's `OperatorUrl`), or undefined. */
export async function stackOutput(stackName: string, key: string, region: string): Promise<string | undefined> {
  const client = new CloudFormationClient({ region, retryMode: 'adaptive', maxAttempts: 5 });
  const out = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  return out.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
}

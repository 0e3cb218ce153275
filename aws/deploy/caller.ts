import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { stsClient } from '../clients/sts.js';

/** What STS answered `npm run deploy` when asked who is deploying, within the bound. */
export type CallerAnswer =
  | { kind: 'ok'; account: string; arn: string }
  /** No credentials, or credentials STS refuses (expired, unknown): the SDK's own error, for awsSetupProblem. */
  | { kind: 'credentials'; error: Error }
  /** The network: a name that does not resolve, a refused or reset connection. */
  | { kind: 'unreachable'; said: string }
  /** No answer within the bound. */
  | { kind: 'timeout'; seconds: number };

const NETWORK = ['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'];

/**
 * STS GetCallerIdentity, which needs no permission
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html), given at most `boundMs` in all:
 * the SDK's credential chain and its retries included. The request is aborted at the bound
 * (https://aws.amazon.com/blogs/developer/abortcontroller-in-modular-aws-sdk-for-javascript/), and the answer does
 * not wait for it to unwind.
 */
export async function callerIdentity(
  region: string,
  boundMs: number,
  client: STSClient = stsClient(region),
): Promise<CallerAnswer> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<CallerAnswer>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve({ kind: 'timeout', seconds: boundMs / 1000 });
    }, boundMs);
  });
  const call = client.send(new GetCallerIdentityCommand({}), { abortSignal: abort.signal }).then(
    (out): CallerAnswer => ({ kind: 'ok', account: out.Account ?? '', arn: out.Arn ?? '' }),
    (error: unknown): CallerAnswer => {
      const code = (error as { code?: string }).code ?? '';
      if (NETWORK.includes(code)) return { kind: 'unreachable', said: error instanceof Error ? error.message : code };
      if (error instanceof Error && error.name === 'AbortError') return { kind: 'timeout', seconds: boundMs / 1000 };
      return { kind: 'credentials', error: error instanceof Error ? error : new Error(String(error)) };
    },
  );
  try {
    return await Promise.race([call, bound]);
  } finally {
    clearTimeout(timer);
  }
}

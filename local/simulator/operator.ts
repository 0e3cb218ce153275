import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import type { Catalog } from '../../core/config/schema.js';
import type { LocalCloud } from './cloud.js';

/** The handler setting of the operator endpoint (functions/operator.ts, issue 16). */
export const OPERATOR_HANDLER = 'functions/operator.handler';

/** One operator request sent during a run, and what the endpoint answered. */
export interface OperatorExchange {
  at: string;
  principal: string;
  request: Record<string, unknown>;
  status: number;
  response: { ok: boolean; error?: string; action?: string; result?: Record<string, unknown> };
}

/** What a function URL with AWS_IAM auth hands its function for a signed POST (payload format 2.0). */
export function signedPost(
  body: string,
  principal: string,
  requestId: string,
  at: Date,
): APIGatewayProxyEventV2WithIAMAuthorizer {
  const account = /::(\d{12}):/.exec(principal)?.[1] ?? '123456789012';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { host: 'operator.lambda-url.local', 'content-type': 'application/json', 'user-agent': 'goldsmith-cli' },
    requestContext: {
      accountId: account,
      apiId: 'local',
      authorizer: {
        iam: {
          accessKey: 'ASIALOCALOPERATOR',
          accountId: account,
          callerId: 'AROALOCALOPERATOR',
          cognitoIdentity: null,
          principalOrgId: 'o-local',
          userArn: principal,
          userId: 'AROALOCALOPERATOR',
        },
      },
      domainName: 'operator.lambda-url.local',
      domainPrefix: 'operator',
      http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'goldsmith-cli' },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: at.toISOString(),
      timeEpoch: at.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
}

/**
 * Sends operator requests to the operator endpoint in process, as AWS would after checking the SigV4 signature of
 * `principal`: the same function, the same authorization, the same paths as a deployed stage.
 */
export class LocalOperatorEndpoint {
  readonly exchanges: OperatorExchange[] = [];

  constructor(private readonly cloud: LocalCloud) {}

  /** The endpoint's ARN, or undefined when this version of the stacks has none. */
  arn(): string | undefined {
    for (const [arn, fn] of this.cloud.wiring.functions) if (fn.handler === OPERATOR_HANDLER) return arn;
    return undefined;
  }

  async send(request: Record<string, unknown>, principal: string): Promise<OperatorExchange> {
    const at = this.cloud.clock.date();
    const body = JSON.stringify(request);
    const requestId = createHash('sha256').update(`${at.toISOString()}${principal}${body}`).digest('hex').slice(0, 32);
    const arn = this.arn();
    let exchange: OperatorExchange;
    if (arn === undefined) {
      exchange = {
        at: at.toISOString(),
        principal,
        request,
        status: 501,
        response: {
          ok: false,
          error: 'this deployment has no operator endpoint yet (functions/operator.ts, issue 16)',
        },
      };
    } else {
      const raw = (await this.cloud.invoker.invokeSync(arn, signedPost(body, principal, requestId, at))) as {
        statusCode?: number;
        body?: string;
      };
      exchange = {
        at: at.toISOString(),
        principal,
        request,
        status: raw.statusCode ?? 500,
        response: JSON.parse(raw.body ?? '{"ok":false,"error":"empty response"}') as OperatorExchange['response'],
      };
    }
    this.exchanges.push(exchange);
    return exchange;
  }
}

/** The principal operator requests come from unless told: the catalog's first operator (`access.operators`). */
export function defaultOperator(catalog: Catalog): string {
  const first = catalog.access.operators[0];
  if (!first) throw new Error('the catalog names no operator principal (access.operators): pass --as ARN');
  return first;
}

/** An approver's first IAM principal (`access.approvers[name][0]`), so `--as ops-lead` works as well as an ARN. */
export function principalOf(catalog: Catalog, nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  const principal = catalog.access.approvers[nameOrArn]?.[0];
  if (!principal) throw new Error(`--as ${nameOrArn}: not an ARN, and the catalog maps no approver of that name`);
  return principal;
}

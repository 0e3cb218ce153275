import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** What a Lambda function URL hands its function (payload format 2.0) for a GET of `link`, e.g. a clicked link. */
export function functionUrlGet(link: string, sourceIp = '127.0.0.1'): APIGatewayProxyEventV2 {
  const url = new URL(link);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.searchParams.toString(),
    headers: { host: url.host, 'user-agent': 'goldsmith-simulator' },
    queryStringParameters: Object.fromEntries(url.searchParams),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: { method: 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp, userAgent: 'goldsmith-simulator' },
      requestId: 'local',
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  };
}

/** What a Lambda function URL hands its function for a POST of `body` with `headers` (e.g. Slack interactivity). */
export function functionUrlPost(
  link: string,
  body: string,
  headers: Record<string, string>,
  sourceIp = '127.0.0.1',
): APIGatewayProxyEventV2 {
  const get = functionUrlGet(link, sourceIp);
  return {
    ...get,
    headers: { ...get.headers, ...headers },
    body,
    isBase64Encoded: false,
    requestContext: { ...get.requestContext, http: { ...get.requestContext.http, method: 'POST' } },
  };
}

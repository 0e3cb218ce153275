import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type DynamoDBDocumentClient,
  type DynamoDBDocumentClientResolvedConfig,
  GetCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';

type DocumentMock = AwsStub<ServiceInputTypes, ServiceOutputTypes, DynamoDBDocumentClientResolvedConfig>;

/**
 * Answers BatchGetItem on a mocked document client key by key, through whatever that test's GetCommand mocks answer
 * for the same key: a test that describes items per key (`on(GetCommand, { Key })`) serves the batched reads of the
 * same items too. Keys the Get mocks know nothing of are absent, as DynamoDB leaves missing items out.
 */
export function batchGetThroughGetMocks(ddb: DocumentMock, client: () => DynamoDBDocumentClient): void {
  ddb.on(BatchGetCommand).callsFake(async (input: BatchGetCommandInput) => {
    const Responses: Record<string, Record<string, unknown>[]> = {};
    for (const [table, { Keys = [] }] of Object.entries(input.RequestItems ?? {})) {
      const items: Record<string, unknown>[] = [];
      for (const Key of Keys) {
        const out = await client().send(new GetCommand({ TableName: table, Key }));
        // A stored item holds its key, which a Get mock's answer often leaves out.
        if (out.Item) items.push({ ...Key, ...out.Item });
      }
      Responses[table] = items;
    }
    return { Responses, UnprocessedKeys: {} };
  });
}

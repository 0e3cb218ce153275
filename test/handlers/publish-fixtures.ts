import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  CreateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  GetResourceSharesCommand,
  RAMClient,
} from '@aws-sdk/client-ram';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { type PutParameterCommandOutput, SSMClient } from '@aws-sdk/client-ssm';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { afterEach, beforeEach } from 'vitest';
import { configureClients } from '../../aws/clients/registry.js';
import { mockClient } from '../helpers/mock-client.js';
import { parameterStore } from './parameter-store-mock.js';
import { associatedAnswer, catalog, ledgerFactsAnswer, ORGANIZATION } from './promotion-fixtures.js';

/**
 * Shared fixtures of the Publish and Share handler tests: a channel's pointer share and one mock per client they call
 * (mockClient stubs the prototype, so a second mock of a client replaces the first).
 */
export const SHARE_ARN = 'arn:aws:ram:us-east-1:111122223333:resource-share/7f3e';

/** Per test: every client's mock accepting what Publish sends (SSM answers `parameter`), RAM and ECR excepted. */
export function usePublishWorld(parameter: Partial<PutParameterCommandOutput> = { Version: 1 }) {
  const mocks = {
    ddb: mockClient(DynamoDBDocumentClient),
    ssm: mockClient(SSMClient),
    ec2: mockClient(EC2Client),
    ecr: mockClient(ECRClient),
    ram: mockClient(RAMClient),
    org: mockClient(OrganizationsClient),
    bus: mockClient(EventBridgeClient),
    sns: mockClient(SNSClient),
  };

  beforeEach(() => {
    // Publish reads each pointer back 2.5 s after writing it (core/promotion/pointer-taken.ts): the mocked
    // Parameter Store holds a value once written, so the wait takes no time here (a test that counts the waits sets
    // its own sleep after this).
    configureClients({ sleep: () => Promise.resolve() });
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.EVENT_BUS_NAME = 'goldsmith-test';
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    mocks.ddb.on(PutCommand).resolves({});
    // The ledger records every step before Publish (aws/promotion/promotion-facts.ts), and no pointer share held yet
    // (aws/sharing/pointer-shares-held.ts): Publish asks RAM, then records what it confirmed.
    mocks.ddb.on(BatchGetCommand).callsFake(ledgerFactsAnswer());
    mocks.ddb.on(UpdateCommand).resolves({});
    // No pointer drift open: the move's record is stamped with none (aws/promotion/channel-pointers.ts).
    mocks.ddb.on(QueryCommand).resolves({ Items: [] });
    // Publish reads the build record for its outcome metrics (time from AVAILABLE to the channel).
    mocks.ddb.on(GetCommand).resolves({ Item: { status: 'AVAILABLE', updatedAt: '2027-01-20T09:00:00.000Z' } });
    // Every write takes (a test that needs one that does not sets its own parameterStore).
    parameterStore(mocks.ssm, parameter);
    mocks.ec2.on(CreateTagsCommand).resolves({});
    mocks.bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    mocks.sns.on(PublishCommand).resolves({});
    mocks.org.on(DescribeOrganizationCommand).resolves({ Organization: ORGANIZATION });
  });

  afterEach(() => {
    for (const m of Object.values(mocks)) m.reset();
    configureClients({});
  });

  return mocks;
}

/** RAM's answers for a channel with no pointer share yet: created as SHARE_ARN, it associates `principals` at once. */
export function newPointerShare(ram: AwsClientStub<RAMClient>, principals: readonly string[]): void {
  ram.on(GetResourceSharesCommand).resolves({ resourceShares: [] });
  ram.on(CreateResourceShareCommand).resolves({ resourceShare: { resourceShareArn: SHARE_ARN } });
  ram.on(GetResourceShareAssociationsCommand).callsFake(associatedAnswer(principals, SHARE_ARN));
}

import { ImagebuilderClient, ListImageScanFindingsCommand } from '@aws-sdk/client-imagebuilder';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanFindingsOf } from '../../core/sbom/ledger-content.js';
import { gate } from '../../functions/promotion/gate.js';
import { mockClient } from '../helpers/mock-client.js';
import { BUILD_ARN, catalog, channelItem, ledgerFactsAnswer } from './promotion-fixtures.js';

describe("the gate's findings, recorded where the gate reads them", () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const imagebuilder = mockClient(ImagebuilderClient);
  const sns = mockClient(SNSClient);

  const finding = (id: string, severity: string, name: string) => ({
    severity,
    imageBuildVersionArn: BUILD_ARN,
    packageVulnerabilityDetails: {
      vulnerabilityId: id,
      vulnerablePackages: [{ name, version: '3.0.8', release: '1.amzn2023.0.18', epoch: 1 }],
    },
  });

  beforeEach(() => {
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(BatchGetCommand).callsFake(ledgerFactsAnswer({}));
    // Two pages: the first names the second by its token.
    imagebuilder
      .on(ListImageScanFindingsCommand)
      .callsFake((input: { nextToken?: string }) =>
        input.nextToken === 'n'
          ? { findings: [finding('CVE-2027-0001', 'MEDIUM', 'openssl-libs')] }
          : { findings: [finding('CVE-2027-0002', 'MEDIUM', 'openssl')], nextToken: 'n' },
      );
    sns.on(PublishCommand).resolves({});
  });

  afterEach(() => {
    for (const m of [ddb, imagebuilder, sns]) m.reset();
  });

  it('keeps every finding of every page with its vulnerable packages, the same item at each channel', async () => {
    await expect(gate(channelItem('dev'))).resolves.toMatchObject({ passed: true, findings: { medium: 2 } });
    await expect(gate(channelItem('dev'))).resolves.toMatchObject({ passed: true });

    const puts = ddb
      .commandCalls(PutCommand)
      .map((c) => c.args[0].input.Item ?? {})
      .filter((i) => i.sk === 'SCAN#1.0.0/3');
    expect(puts).toHaveLength(2);
    expect(puts[1]).toEqual(puts[0]);
    expect(scanFindingsOf([puts[0] ?? {}], '1.0.0/3')).toEqual([
      { id: 'CVE-2027-0001', severity: 'MEDIUM', packages: ['openssl-libs 3.0.8-1.amzn2023.0.18'] },
      { id: 'CVE-2027-0002', severity: 'MEDIUM', packages: ['openssl 3.0.8-1.amzn2023.0.18'] },
    ]);
  });
});

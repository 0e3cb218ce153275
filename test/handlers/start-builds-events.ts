/** Hand-built trigger inputs in the shapes AWS and our schedules deliver them. */

export const PIPELINE_ARN_PREFIX = 'arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/goldsmith-';

export function envelope(source: string, detailType: string, detail: unknown, time = '2027-02-03T10:00:00Z') {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': detailType,
    source,
    account: '123456789012',
    time,
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

export function codeArtifactEvent(
  packageName: string,
  packageVersion: string,
  state = 'Published',
  operationType = 'Created',
) {
  return envelope('aws.codeartifact', 'CodeArtifact Package Version State Change', {
    domainName: 'example-domain',
    domainOwner: '123456789012',
    repositoryName: 'upstream',
    repositoryAdministrator: '123456789012',
    packageFormat: 'generic',
    packageNamespace: null,
    packageName,
    packageVersion,
    packageVersionState: state,
    packageVersionRevision: 'REVISION-SAMPLE-1-C7F4S5E9B772FC',
    changes: { assetsAdded: 1, assetsRemoved: 0, assetsUpdated: 0, metadataUpdated: true, statusChanged: true },
    operationType,
    sequenceNumber: 1,
    eventDeduplicationId: 'dedup-1',
  });
}

export function amiUpdateNotice(topic = 'arn:aws:sns:us-east-1:137112412989:amazon-linux-2023-ami-updates') {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topic}:0b1c2d3e-aaaa-bbbb-cccc-1234567890ab`,
        Sns: {
          Type: 'Notification',
          MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
          TopicArn: topic,
          Subject: 'Amazon Linux 2023 AMI 2023.6.20270119.0 released',
          Message: 'A new version of the Amazon Linux 2023 AMI is available: 2023.6.20270119.0',
          Timestamp: '2027-01-20T09:00:00.000Z',
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}

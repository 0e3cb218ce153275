import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { Inspector2Client } from '@aws-sdk/client-inspector2';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { RAMClient } from '@aws-sdk/client-ram';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { type ClientConstructor, type ClientOf, makeClient, type ServiceName } from './clients/registry.js';

/**
 * Every SDK client by service name, for the local cloud, scripts and tests. Production modules in aws/ import
 * their service's own module (`./clients/ec2.js` → `ec2Client(region)`) instead, because importing this one puts
 * all twenty SDK clients into a Lambda bundle. Both share one cache, so `client('ec2', r)` and `ec2Client(r)` are
 * the same object.
 */
export { documentClient } from './clients/dynamodb.js';
export { type ClientOf, type ClientSettings, configureClients, type ServiceName } from './clients/registry.js';

const constructors: { [S in ServiceName]: ClientConstructor<S> } = {
  autoscaling: AutoScalingClient,
  cloudformation: CloudFormationClient,
  cloudtrail: CloudTrailClient,
  cloudwatch: CloudWatchClient,
  dynamodb: DynamoDBClient,
  ec2: EC2Client,
  ecr: ECRClient,
  eventbridge: EventBridgeClient,
  iam: IAMClient,
  imagebuilder: ImagebuilderClient,
  inspector2: Inspector2Client,
  kms: KMSClient,
  lambda: LambdaClient,
  organizations: OrganizationsClient,
  ram: RAMClient,
  s3: S3Client,
  scheduler: SchedulerClient,
  secretsmanager: SecretsManagerClient,
  sfn: SFNClient,
  sns: SNSClient,
  sqs: SQSClient,
  ssm: SSMClient,
  sts: STSClient,
};

/** A cached client for a service in a region (default: the function's own region). */
export function client<S extends ServiceName>(service: S, region?: string): ClientOf<S> {
  return makeClient(service, constructors[service], region);
}

import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';

/** The shared resources every promotion function reaches. */
export interface PromotionEnvironment {
  ledger: dynamodb.ITable;
  topic: sns.ITopic;
  /** The approval-links topic: each approver's own links, filtered per approver (stacks/Notifications.ts). */
  approvalLinks: sns.ITopic;
  bus: events.IEventBus;
  secret: secretsmanager.ISecret;
  /** The secret's name as written (the token `secret.secretName` resolves through string splitting of its ARN). */
  secretName: string;
  /** The decision-proof key: only the doors and the reconciler read it (stacks/Promotion.ts). */
  decisionSecret: secretsmanager.ISecret;
  decisionSecretName: string;
  /** The SBOM bucket's name (stacks/factory/sbom-bucket.ts): the stage's, in this account and Region. */
  sbomBucket: string;
}

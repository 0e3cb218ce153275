import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { StackContext } from 'sst/constructs';
import { imageViewIndex, openWorkIndex } from '../core/ledger/keys.js';
import { ownLogGroups } from './function-logs.js';
import { ledgerResourcePolicy } from './ledger-access.js';
import { ledgerTableName } from './names.js';

/** What other stacks get from `use(Ledger)`. */
export interface LedgerResources {
  /**
   * The table as other stacks grant on it: a view without its index, so that a grant covers the open-work index only
   * where a function is given it by name (the reconciler, stacks/promotion/reconcile.ts), never `index/*` for all.
   */
  table: dynamodb.ITable;
}

/**
 * The ledger: one DynamoDB table for builds, decisions, dedupe markers, watcher state, promotions, approvals and
 * revocations (see core/ledger/README.md). It is the audit trail, so it is retained, recoverable to any second of
 * the last 35 days, encrypted, and expires only what asks to (`expiresAt`).
 */
export function Ledger({ app, stack }: StackContext): LedgerResources {
  ownLogGroups(stack);
  const table = new dynamodb.Table(stack, 'LedgerTable', {
    tableName: ledgerTableName(app.stage),
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    timeToLiveAttribute: 'expiresAt',
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    // Writes only by Goldsmith's functions, named by role ARN: see stacks/ledger-access.ts.
    resourcePolicy: ledgerResourcePolicy(stack, ledgerTableName(app.stage)),
  });
  // Sparse: only items carrying `openWork` are in it, so the reconciler's reads follow what is open, not the
  // ledger's history (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-indexes-general-sparse-indexes.html).
  table.addGlobalSecondaryIndex({
    indexName: openWorkIndex.name,
    partitionKey: { name: openWorkIndex.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: openWorkIndex.sortKey, type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.ALL,
  });
  // Sparse too: every image's builds, approvals and pointers under one key, with only what the health gauges read
  // (INCLUDE: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Projections).
  table.addGlobalSecondaryIndex({
    indexName: imageViewIndex.name,
    partitionKey: { name: imageViewIndex.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: imageViewIndex.sortKey, type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.INCLUDE,
    nonKeyAttributes: [...imageViewIndex.projected],
  });
  stack.addOutputs({ LedgerTableName: table.tableName });
  return { table: dynamodb.Table.fromTableArn(stack, 'LedgerForGrants', table.tableArn) };
}

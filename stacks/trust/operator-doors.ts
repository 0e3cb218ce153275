import type { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { catalogBundling } from '../catalog.js';
import { grantLedger, type LedgerCall } from '../ledger-access.js';
import { RESERVED_CONCURRENCY } from '../reserved-concurrency.js';
import { grantTopicPublish } from '../resource-doors.js';

/** The operator endpoint's doors: one function each, behind its own function URL (stacks/trust/operator.ts). */

export interface OperatorEndpointInputs {
  stage: string;
  catalog: Catalog;
  ledger: dynamodb.ITable;
  stateMachine: sfn.IStateMachine;
  pipelineArnPrefix: string;
}

/** Reserved concurrency of the revoke and rollback doors: people type these, one at a time. */
export const OPERATOR_DOOR_CONCURRENCY = {
  'operator-revoke': RESERVED_CONCURRENCY.operatorRevoke,
  'operator-rollback': RESERVED_CONCURRENCY.operatorRollback,
} as const;

export interface DoorSettings {
  /** The construct id; the handler is the door's (`OPERATOR_HANDLERS`). */
  id: keyof typeof OPERATOR_HANDLERS;
  concurrency: number;
  /** The ledger calls its code makes (scripts/verify checks that each is made). */
  ledger: readonly LedgerCall[];
}

/** Each door's handler, by construct id. */
const OPERATOR_HANDLERS = {
  Operator: 'functions/operator.handler',
  RevokeEndpoint: 'functions/operator-revoke.handler',
  RollbackEndpoint: 'functions/operator-rollback.handler',
} as const;

/**
 * One door: a function behind a function URL with `AWS_IAM` auth, reserved concurrency, announcing to the topic. A
 * revocation withdraws grants and moves pointers in every Region before it answers: 120 s.
 */
export function operatorFunction(
  stack: Stack,
  inputs: OperatorEndpointInputs,
  topic: sns.ITopic,
  roleArn: string,
  door: DoorSettings,
) {
  const fn = new SstFunction(stack, door.id, {
    handler: OPERATOR_HANDLERS[door.id],
    timeout: 120,
    memorySize: 512,
    reservedConcurrentExecutions: door.concurrency,
    environment: {
      LEDGER_TABLE: inputs.ledger.tableName,
      NOTIFY_TOPIC_ARN: topic.topicArn,
      OPERATORS_ROLE_ARN: roleArn,
    },
    // No CORS: the CLI signs requests itself; no browser page of any origin may call the endpoint.
    url: { authorizer: 'iam', cors: false },
    nodejs: catalogBundling(inputs.catalog),
  });
  grantTopicPublish('notifications', topic, fn);
  grantLedger(inputs.ledger, fn, door.ledger);
  const url = fn.url;
  if (!url) throw new Error(`the ${door.id} function has no URL`);
  return { fn, url };
}

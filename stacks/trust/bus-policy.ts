import type { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Catalog } from '../../core/config/schema.js';
import { busPolicyStatements, type PolicyStatement } from '../../core/trust/bus-policy.js';
import { CI_SOURCE, DETAIL_TYPES, GOLDSMITH_SOURCE } from '../../events/sources.js';
import { recordExpectedBusPolicy } from '../expected-policies.js';

/** A function that puts Goldsmith's facts on its bus, and which detail-types it puts. */
export interface BusWriterFunction {
  fn: IFunction;
  detailTypes: readonly string[];
}

/**
 * Goldsmith's bus policy: one `AWS::Events::EventBusPolicy` per statement of `busPolicyStatements` (core), the
 * writers named by their role ARNs. A writer without a role cannot be named, so it is refused at synth time.
 */
export function createBusPolicy(
  stack: Stack,
  input: { bus: events.IEventBus; catalog: Catalog; writers: readonly BusWriterFunction[] },
): PolicyStatement[] {
  const writers = input.writers.map(({ fn, detailTypes }) => {
    if (!fn.role) throw new Error(`bus writer ${fn.node.path} has no role for the bus policy to name`);
    return { roleArn: fn.role.roleArn, detailTypes };
  });
  const statements = busPolicyStatements({
    busArn: input.bus.eventBusArn,
    organizationId: input.catalog.organization.id,
    factSource: GOLDSMITH_SOURCE,
    ciSource: CI_SOURCE,
    ciDetailType: DETAIL_TYPES.packageUpdate,
    writers,
    ci: input.catalog.access.ci,
  });
  for (const statement of statements) {
    new events.CfnEventBusPolicy(stack, `BusPolicy${statement.Sid}`, {
      eventBusName: input.bus.eventBusName,
      statementId: statement.Sid,
      statement,
    });
  }
  // The whole policy, for the daily audit of resource policies to read back (functions/audit-policies.ts).
  recordExpectedBusPolicy(stack, input.bus, statements);
  return statements;
}

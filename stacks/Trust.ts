import * as iam from 'aws-cdk-lib/aws-iam';
import { type StackContext, use } from 'sst/constructs';
import type { PolicyStatement } from '../core/trust/bus-policy.js';
import { OPERATOR_DOORS, OPERATOR_URL_OUTPUT, OPERATORS_ROLE_OUTPUT } from '../events/operator-request.js';
import { DETAIL_TYPES } from '../events/sources.js';
import { useCatalog } from './catalog.js';
import { GOLDSMITH_IMAGE_CONDITION } from './factory/tags.js';
import { ownLogGroups } from './function-logs.js';
import { Ledger } from './Ledger.js';
import { Promotion } from './Promotion.js';
import { pipelineArnPrefix } from './pipelines.js';
import { allowPointerMoves } from './promotion/consumer-access.js';
import { allowOrganizationRead, allowRetirement, allowRevocation, ec2ImageArn } from './promotion/lifecycle.js';
import { allowRolloutTakeBack } from './promotion/rollout.js';
import { Triggers } from './Triggers.js';
import { createBusPolicy } from './trust/bus-policy.js';
import { createOperatorEndpoint, type OperatorEndpoint } from './trust/operator.js';
import { recordRelease } from './trust/release.js';
import { allowScheduledRevocations } from './trust/scheduled-revocation.js';

export interface TrustResources {
  busPolicy: PolicyStatement[];
  operator: OperatorEndpoint;
}

/**
 * Trust: who may tell Goldsmith what. Goldsmith's bus policy (facts only from the functions that publish them,
 * "Package Update" only from the catalog's CI principals) and the IAM-authenticated operator endpoint with the
 * operators' role. Last in the app: it names roles the other stacks create.
 */
export function Trust({ app, stack }: StackContext): TrustResources {
  ownLogGroups(stack);
  const catalog = useCatalog();
  const { table } = use(Ledger);
  const triggers = use(Triggers);
  const promotion = use(Promotion);

  const operator = createOperatorEndpoint(stack, {
    stage: app.stage,
    catalog,
    ledger: table,
    stateMachine: promotion.stateMachine,
    pipelineArnPrefix: pipelineArnPrefix(stack),
  });
  // The rollout actions (retry) start the Rollout machine again, as revoke takes a rolled-out version's groups back.
  allowRolloutTakeBack(operator.fn, promotion.rolloutStateMachine);
  // The revoke door runs the lifecycle's own revokeVersion, as on-lifecycle-request does: grants withdrawn, AMIs
  // deprecated, waiting promotions ended, pointers moved through Publish's path, "Image Revoked" put and rebuilds
  // asked for; revoke --at T: a one-time schedule invokes on-lifecycle-request with "Image Revoked" at T.
  const { revoke, rollback } = operator;
  revoke.addEnvironment('EVENT_BUS_NAME', triggers.bus.eventBusName);
  triggers.bus.grantPutEventsTo(revoke);
  allowRevocation(stack, revoke);
  allowPointerMoves(stack, revoke, catalog, { withdraw: true });
  allowRolloutTakeBack(revoke, promotion.rolloutStateMachine);
  allowScheduledRevocations(stack, app.stage, revoke, promotion.lifecycleRequests);
  // The rollback door: rollback runs the lifecycle's rollbackChannel (pointers moved back through Publish's path);
  // restore cancels the revocation's deprecation (or sets back retention's time, allowRetirement's
  // EnableImageDeprecation) on Goldsmith's AMIs only, and gives back the grants of the channels it holds through
  // Share's code, which resolves the channels' targets against the organization.
  allowRetirement(stack, rollback);
  // A rollback moves pointers (Publish's PutParameter), never withdraws them: no DeleteParameter, no repository policy.
  allowPointerMoves(stack, rollback, catalog);
  rollback.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ssm:PutParameter'],
      resources: [stack.formatArn({ service: 'ssm', region: '*', resource: 'parameter', resourceName: 'goldsmith/*' })],
    }),
  );
  allowRolloutTakeBack(rollback, promotion.rolloutStateMachine);
  // rollback: the findings of the version it goes to, read as the Gate reads them. A List action whose filters are
  // not resources (the image and pipeline resource types are optional:
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2imagebuilder.html), so `*`, as
  // the Gate's own grant.
  rollback.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['imagebuilder:ListImageScanFindings'], resources: ['*'] }),
  );
  rollback.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ec2:DisableImageDeprecation'],
      resources: [ec2ImageArn(stack)],
      conditions: GOLDSMITH_IMAGE_CONDITION,
    }),
  );
  allowOrganizationRead(stack, rollback, catalog.organization.id);
  const busPolicy = createBusPolicy(stack, {
    bus: triggers.bus,
    catalog,
    writers: [
      ...triggers.busWriters,
      ...promotion.busWriters,
      { fn: revoke, detailTypes: [DETAIL_TYPES.imageRevoked, DETAIL_TYPES.imageRebuildRequested] },
    ],
  });
  recordRelease(stack, app.stage, operator.role);
  stack.addOutputs({
    [OPERATOR_URL_OUTPUT]: operator.url,
    [OPERATOR_DOORS['operator-revoke'].output]: operator.revokeUrl,
    [OPERATOR_DOORS['operator-rollback'].output]: operator.rollbackUrl,
    [OPERATORS_ROLE_OUTPUT]: operator.role.roleArn,
  });
  return { busPolicy, operator };
}

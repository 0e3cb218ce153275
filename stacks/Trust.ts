import * as iam from 'aws-cdk-lib/aws-iam';
import { type StackContext, use } from 'sst/constructs';
import type { PolicyStatement } from '../core/trust/bus-policy.js';
import { OPERATOR_URL_OUTPUT, OPERATORS_ROLE_OUTPUT } from '../events/operator-request.js';
import { DETAIL_TYPES } from '../events/sources.js';
import { useCatalog } from './catalog.js';
import { GOLDSMITH_IMAGE_CONDITION } from './factory/tags.js';
import { ownLogGroups } from './function-logs.js';
import { Ledger } from './Ledger.js';
import { Promotion } from './Promotion.js';
import { pipelineArnPrefix } from './pipelines.js';
import { allowPointerMoves } from './promotion/consumer-access.js';
import { allowOrganizationRead, allowRetirement, ec2ImageArn } from './promotion/lifecycle.js';
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
  // The operator's revoke and rollback run the lifecycle's own revokeVersion / rollbackChannel: grants withdrawn,
  // AMIs deprecated, pointers moved through Publish's path; a revocation puts "Image Revoked" and asks for rebuilds.
  operator.fn.addEnvironment('EVENT_BUS_NAME', triggers.bus.eventBusName);
  triggers.bus.grantPutEventsTo(operator.fn);
  allowRetirement(stack, operator.fn);
  allowPointerMoves(stack, operator.fn, catalog, { withdraw: true });
  allowRolloutTakeBack(operator.fn, promotion.rolloutStateMachine);
  // rollback: the findings of the version it goes to, read as the Gate reads them. A List action whose filters are
  // not resources (the image and pipeline resource types are optional:
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2imagebuilder.html), so `*`, as
  // the Gate's own grant.
  operator.fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['imagebuilder:ListImageScanFindings'], resources: ['*'] }),
  );
  // restore: the revocation's deprecation cancelled (or set back to retention's time, allowRetirement's
  // EnableImageDeprecation) on Goldsmith's AMIs only, and the grants of the channels it holds given back through
  // Share's code, which resolves the channels' targets against the organization.
  operator.fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ec2:DisableImageDeprecation'],
      resources: [ec2ImageArn(stack)],
      conditions: GOLDSMITH_IMAGE_CONDITION,
    }),
  );
  allowOrganizationRead(stack, operator.fn, catalog.organization.id);
  // revoke --at T: a one-time schedule invokes on-lifecycle-request with "Image Revoked" at T.
  allowScheduledRevocations(stack, app.stage, operator.fn, promotion.lifecycleRequests);
  const busPolicy = createBusPolicy(stack, {
    bus: triggers.bus,
    catalog,
    writers: [
      ...triggers.busWriters,
      ...promotion.busWriters,
      { fn: operator.fn, detailTypes: [DETAIL_TYPES.imageRevoked, DETAIL_TYPES.imageRebuildRequested] },
    ],
  });
  recordRelease(stack, app.stage, operator.role);
  stack.addOutputs({ [OPERATOR_URL_OUTPUT]: operator.url, [OPERATORS_ROLE_OUTPUT]: operator.role.roleArn });
  return { busPolicy, operator };
}

import { PARAMETER_STORE_CHANGE } from '../../events/outside-change.js';
import { NAME_PREFIX } from '../names.js';
import type { RecordedCall } from './recorded-call.js';

/**
 * The event history's calls on channel pointers (core/audit/event-history.ts `readBacksOf`): with the trail off and
 * Parameter Store's own event lost, the daily read hands the holdings audit the event it would have received.
 */

/**
 * The Parameter Store calls that change a parameter's value or labels: each makes Parameter Store send its own
 * "Parameter Store Change" (operation Create, Update, Delete or LabelParameterVersion:
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html).
 */
export const POINTER_CALLS = ['PutParameter', 'DeleteParameter', 'LabelParameterVersion'] as const;

/** A channel pointer's name, `/goldsmith/<image>/<channel>` (functions/audit/readback.ts reads those back). */
const POINTER_NAME = new RegExp(`^/${NAME_PREFIX}/[^/]+/[^/]+$`);

/** The channel pointer a Parameter Store call names, if it names one. */
export function pointerOf(call: RecordedCall): string | undefined {
  const name = call.requestParameters?.name;
  return call.eventSource === 'ssm.amazonaws.com' &&
    (POINTER_CALLS as readonly string[]).includes(call.eventName) &&
    typeof name === 'string' &&
    POINTER_NAME.test(name)
    ? name
    : undefined;
}

/** A "Parameter Store Change" as Parameter Store would have sent it for the call (events/outside-change.ts). */
export interface ParameterChangeEvent {
  version: '0';
  id: string;
  'detail-type': typeof PARAMETER_STORE_CHANGE;
  source: 'aws.ssm';
  account?: string;
  time: string;
  region: string;
  resources: string[];
  detail: { name: string; operation: string };
}

/**
 * The change event a pointer's call would have made Parameter Store send: its `operation` Delete for DeleteParameter,
 * LabelParameterVersion for a label, Update for a PutParameter that overwrote, else Create.
 */
export function asParameterChange(call: RecordedCall, name: string): ParameterChangeEvent {
  const operation =
    call.eventName === 'DeleteParameter'
      ? 'Delete'
      : call.eventName === 'LabelParameterVersion'
        ? 'LabelParameterVersion'
        : call.requestParameters?.overwrite === true
          ? 'Update'
          : 'Create';
  const account = call.recipientAccountId;
  return {
    version: '0',
    id: call.eventID,
    'detail-type': PARAMETER_STORE_CHANGE,
    source: 'aws.ssm',
    ...(account ? { account } : {}),
    time: call.eventTime,
    region: call.awsRegion,
    resources: account ? [`arn:aws:ssm:${call.awsRegion}:${account}:parameter${name}`] : [],
    detail: { name, operation },
  };
}

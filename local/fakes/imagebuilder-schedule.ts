import { nextRequestId } from './common.js';
import { type AwsEvent, type BuildRecord, eventTime, type PipelineRecord } from './imagebuilder-model.js';

/**
 * A pipeline's schedule and its `autoDisablePolicy` (a member of the schedule,
 * https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_Schedule.html) as Image Builder documents them
 * (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_ImagePipeline.html, `consecutiveFailures`, also
 * https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/imagebuilder/aws.sdk.kotlin.services.imagebuilder.model/-image-pipeline/consecutive-failures.html;
 * https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_AutoDisablePolicy.html, `failureCount` 1–10):
 * only scheduled executions count. A scheduled run that fails increments the pipeline's consecutive failures and,
 * at the policy's `failureCount`, Image Builder disables the pipeline and emits "EC2 Image Builder Image Pipeline
 * Automatically Disabled"; a run that succeeds, scheduled or manual, resets the count; a manual run that fails
 * leaves it where it was. Goldsmith's pipelines have no schedule, so nothing here ever disables them.
 */
export interface PipelineRunState {
  status: 'ENABLED' | 'DISABLED';
  consecutiveFailures: number;
}

/** Valid range of `autoDisablePolicy.failureCount` (API_AutoDisablePolicy). */
export const AUTO_DISABLE_MIN = 1;
export const AUTO_DISABLE_MAX = 10;

/** The pipeline's run state after one of its builds finished; `disabled` carries the event when it just got disabled. */
export function afterBuildFinished(
  pipeline: PipelineRecord,
  state: PipelineRunState,
  build: Pick<BuildRecord, 'status' | 'scheduled'>,
  accountId: string,
  now: number,
): { state: PipelineRunState; disabled?: AwsEvent } {
  if (build.status === 'AVAILABLE') return { state: { ...state, consecutiveFailures: 0 } };
  if (build.status !== 'FAILED' || build.scheduled !== true) return { state };
  const consecutiveFailures = state.consecutiveFailures + 1;
  const limit = pipeline.schedule?.autoDisablePolicy?.failureCount;
  if (limit === undefined || consecutiveFailures < limit || state.status === 'DISABLED') {
    return { state: { ...state, consecutiveFailures } };
  }
  return {
    state: { status: 'DISABLED', consecutiveFailures },
    disabled: {
      version: '0',
      id: nextRequestId(),
      'detail-type': 'EC2 Image Builder Image Pipeline Automatically Disabled',
      source: 'aws.imagebuilder',
      account: accountId,
      time: eventTime(now),
      region: pipeline.region,
      resources: [pipeline.arn],
      // AWS's sample sends the count as a JSON string.
      detail: { 'consecutive-failures': String(consecutiveFailures) },
    },
  };
}

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { recordRefusedSample } from '../../aws/trust/refused-callbacks.js';
import { RefusalSampler, sampledParams } from '../../core/trust/refusal-sampler.js';
import { metrics } from './powertools.js';

/** One sampler per execution environment: a warm instance under a flood samples each reason once a minute. */
let sampler = new RefusalSampler();

/** Starts sampling afresh, as a new execution environment would (tests). */
export function resetRefusalSampler(): void {
  sampler = new RefusalSampler();
}

/**
 * Notes a refused request at the public callback: always counted (metric `CallbacksRefused`, one EMF record per
 * invocation, which is how CloudWatch counts), kept in the ledger only as a sample (the first of its reason in a
 * minute, carrying how many it stands for), each sample expiring after 30 days. A sample that cannot be written is
 * only counted: a refusal never fails because the ledger is busy.
 */
export async function noteRefusal(input: {
  reason: string;
  door: 'link' | 'slack';
  params: Readonly<Record<string, string>>;
  sourceIp?: string | undefined;
  now: Date;
}): Promise<void> {
  metrics.addMetric('CallbacksRefused', MetricUnit.Count, 1);
  const verdict = sampler.note(`${input.door}:${input.reason}`, input.now.getTime());
  if (!verdict.keep) return;
  try {
    await recordRefusedSample(
      {
        reason: input.reason,
        at: input.now.toISOString(),
        door: input.door,
        params: sampledParams(input.params),
        sourceIp: input.sourceIp,
        count: verdict.count,
      },
      input.now,
    );
  } catch {
    metrics.addMetric('CallbackRefusalSamplesLost', MetricUnit.Count, 1);
  }
}

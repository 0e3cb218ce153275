import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { metricsWithDimensions } from '../../../functions/lib/powertools.js';

describe('metricsWithDimensions', () => {
  it('gives one instance per set of dimensions, whatever their order, and another for other values', () => {
    const prod = metricsWithDimensions({ image: 'base', channel: 'prod' });
    expect(metricsWithDimensions({ channel: 'prod', image: 'base' })).toBe(prod);
    expect(metricsWithDimensions({ image: 'base', channel: 'dev' })).not.toBe(prod);
  });

  it('publishes its metrics as one EMF record with the service and its dimensions, each time anew', () => {
    const channel = metricsWithDimensions({ image: 'app', channel: 'staging' });
    const records: Record<string, unknown>[] = [];
    const publish = channel.publishStoredMetrics.bind(channel);
    const spy = vi.spyOn(channel, 'publishStoredMetrics').mockImplementation(() => {
      records.push(channel.serializeMetrics() as unknown as Record<string, unknown>);
      return publish();
    });
    for (const lag of [2, 0]) {
      channel.addMetric('ChannelLagBuilds', MetricUnit.Count, lag);
      channel.addMetric('ChannelAgeDays', MetricUnit.Count, 5);
      channel.publishStoredMetrics();
    }
    spy.mockRestore();

    expect(records.map((r) => r.ChannelLagBuilds)).toEqual([2, 0]);
    expect(records[0]).toMatchObject({ image: 'app', channel: 'staging', service: 'goldsmith', ChannelAgeDays: 5 });
    const emf = records[0]?._aws as { CloudWatchMetrics: { Dimensions: string[][]; Namespace: string }[] } | undefined;
    const [dimensions] = emf?.CloudWatchMetrics ?? [];
    expect(dimensions?.Namespace).toBe('Goldsmith');
    expect(dimensions?.Dimensions[0]?.sort()).toEqual(['channel', 'image', 'service']);
  });
});

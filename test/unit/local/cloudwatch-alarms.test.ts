import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../local/clock.js';
import type { BusEvent } from '../../../local/eventbridge/bus.js';
import { CloudWatchAlarms, type QueueDepthAlarm } from '../../../local/fakes/cloudwatch.js';
import { attachFake, emptyStats } from '../../../local/fakes/middleware.js';
import { SqsFake } from '../../../local/fakes/sqs.js';
import { Throttle } from '../../../local/throttle.js';
import { ACCOUNT } from './helpers.js';

const R = 'us-east-1';
const START = Date.parse('2027-01-14T00:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const ALARM: QueueDepthAlarm = {
  name: 'DlqDepthAlarmTriggersDlq',
  arn: `arn:aws:cloudwatch:${R}:${ACCOUNT}:alarm:DlqDepthAlarmTriggersDlq`,
  queueName: 'TriggersDlq',
  statistic: 'Maximum',
  period: 60,
  threshold: 0,
  comparison: 'GreaterThanThreshold',
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: 'notBreaching',
};

/** A queue, its depth alarm and what reaches the default bus, on a virtual clock. */
function cloud() {
  const clock = new VirtualClock(START);
  const sqs = new SqsFake(ACCOUNT, R, () => clock.now());
  const url = sqs.createQueue('TriggersDlq', 14 * 86_400);
  const events: BusEvent[] = [];
  const alarms = new CloudWatchAlarms([ALARM], {
    sqs,
    now: () => clock.now(),
    schedule: (at, label, fn) => clock.schedule(at, label, fn),
    put: (e) => events.push(e),
    accountId: ACCOUNT,
    region: R,
  });
  const client = new SQSClient({ region: R });
  const credentials = { accessKeyId: 'AKIALOCAL', secretAccessKey: 'local' };
  Object.assign(client.config, { credentials: async () => credentials });
  attachFake(client, {
    service: 'sqs',
    region: R,
    accountId: ACCOUNT,
    fake: sqs,
    clock,
    throttle: new Throttle(() => clock.now()),
    stats: emptyStats(),
    random: () => 0.5,
    faults: {},
  });
  const states = () => events.map((e) => (e.detail as { state: { value: string } }).state.value);
  return { clock, sqs, url, events, alarms, client, states };
}

describe('local CloudWatch: a dead-letter queue’s depth alarm', () => {
  it('goes OK at its first minute, ALARM at the first minute a message is visible, and says so on the bus', async () => {
    const { clock, sqs, url, events, states } = cloud();
    await clock.run(START + 5 * MINUTE);
    expect(states()).toEqual(['OK']);
    clock.schedule(START + 5 * MINUTE + 10_000, 'dead letter', () => sqs.send(url, '{"a":1}'));
    await clock.run(START + 7 * MINUTE);
    expect(states()).toEqual(['OK', 'ALARM']);
    const alarm = events[1];
    expect(alarm).toMatchObject({
      source: 'aws.cloudwatch',
      'detail-type': 'CloudWatch Alarm State Change',
      time: '2027-01-14T00:06:00Z',
      resources: [ALARM.arn],
      detail: {
        alarmName: ALARM.name,
        state: { value: 'ALARM' },
        previousState: { value: 'OK' },
        configuration: {
          metrics: [
            {
              metricStat: {
                metric: {
                  namespace: 'AWS/SQS',
                  name: 'ApproximateNumberOfMessagesVisible',
                  dimensions: { QueueName: 'TriggersDlq' },
                },
                period: 60,
                stat: 'Maximum',
              },
            },
          ],
        },
      },
    });
  });

  it('returns to OK once a receive hides the message, and to ALARM when its visibility ends: two transitions', async () => {
    const { clock, sqs, url, client, states } = cloud();
    sqs.send(url, '{"a":1}');
    await clock.run(START + 2 * MINUTE);
    expect(states()).toEqual(['ALARM']);
    const taken = await client.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 3600 }));
    expect(taken.Messages).toHaveLength(1);
    await clock.run(START + 10 * MINUTE);
    // The minute of the receive still saw the message (Maximum): OK from the next one.
    expect(states()).toEqual(['ALARM', 'OK']);
    await clock.run(START + 2 * MINUTE + HOUR + 2 * MINUTE);
    expect(states()).toEqual(['ALARM', 'OK', 'ALARM']);
    // Hidden for 12 hours (a letter left for a person): OK again until then.
    const again = await client.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 30 }));
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: again.Messages?.[0]?.ReceiptHandle,
        VisibilityTimeout: 43_200,
      }),
    );
    await clock.run(START + 6 * HOUR);
    expect(states()).toEqual(['ALARM', 'OK', 'ALARM', 'OK']);
  });

  it('stays quiet on an idle queue: no evaluation is scheduled while nothing changes', async () => {
    const { clock, events } = cloud();
    await clock.run(START + 30 * 86_400_000);
    expect(events).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });

  it('hears from a queue asleep for six hours only 15 minutes after it wakes (the metric’s documented delay)', async () => {
    const { clock, sqs, url, states, alarms } = cloud();
    const sent = START + 7 * HOUR + 30_000;
    clock.schedule(sent, 'dead letter', () => sqs.send(url, '{"a":1}'));
    await clock.run(sent + 14 * MINUTE);
    expect(states()).toEqual(['OK']);
    await clock.run(sent + 16 * MINUTE);
    expect(states()).toEqual(['OK', 'ALARM']);
    expect(alarms.changes.at(-1)?.at).toBe('2027-01-14T07:16:00.000Z');
  });
});

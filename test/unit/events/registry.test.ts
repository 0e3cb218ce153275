import { describe, expect, it } from 'vitest';
import { MalformedEventError } from '../../../core/errors.js';
import { releaseNotices } from '../../../events/amazon-linux-ami-update.js';
import { BUS_EVENTS, type BusEventKind, EVENT_KINDS } from '../../../events/catalog.js';
import { eventPatternFor } from '../../../events/patterns.js';
import { classifyEvent, parseEvent } from '../../../events/registry.js';
import { SCHEDULED_TIME_KEYWORD, scheduledBuildInput } from '../../../events/scheduled-build.js';
import { matchesPattern } from '../../../local/eventbridge/match.js';
import { validatePattern } from '../../../local/eventbridge/validate.js';
import { sample, setAt } from './samples.js';

const busKinds = Object.keys(BUS_EVENTS) as BusEventKind[];

describe('classifyEvent', () => {
  it('says unknown for a source Goldsmith has no schema for', () => {
    expect(classifyEvent({ ...sample('image-state-change'), source: 'aws.ec2' })).toEqual({ known: false });
  });

  it('says unknown for an unknown detail-type of a known source', () => {
    const workflowStep = { ...sample('image-state-change'), 'detail-type': 'EC2 Image Builder Workflow Step Waiting' };
    expect(classifyEvent(workflowStep)).toEqual({ known: false });
  });

  it('says unknown for non-objects and for SNS deliveries from other topics', () => {
    expect(classifyEvent(null)).toEqual({ known: false });
    expect(classifyEvent('{"source":"goldsmith"}')).toEqual({ known: false });
    const other = setAt(
      sample('amazon-linux-ami-update'),
      'Records.0.Sns.TopicArn',
      'arn:aws:sns:us-east-1:111122223333:x',
    );
    expect(classifyEvent(other)).toEqual({ known: false });
  });

  it('names every offending field path in one reason', () => {
    const broken = setAt(setAt(sample('package-update'), 'detail.version', 3), 'detail.images', ['Base']);
    const result = classifyEvent(broken);
    expect(result.known && !result.valid && result.reason).toMatch(/detail\.version: .*; detail\.images\[0\]: /);
  });

  it('rejects a misspelt key in an event CI writes by hand', () => {
    const result = classifyEvent(setAt(sample('package-update'), 'detail.imgaes', ['base']));
    expect(result.known && !result.valid && result.reason).toContain('imgaes');
  });

  it('hands handlers typed, normalised values', () => {
    const result = classifyEvent(sample('image-pipeline-auto-disabled'));
    if (!result.known || !result.valid || result.kind !== 'image-pipeline-auto-disabled') throw new Error('not parsed');
    expect(result.event.detail['consecutive-failures']).toBe(5);
  });

  it('requires the image build version ARN first in an Image State Change', () => {
    const result = classifyEvent({ ...sample('image-state-change'), resources: [] });
    expect(result.known && !result.valid && result.reason).toContain('resources');
  });
});

describe('parseEvent', () => {
  it('returns the parsed event for its kind', () => {
    expect(parseEvent('image-promoted', sample('image-promoted')).detail.channel).toBe('prod');
  });

  it('throws MalformedEventError naming the kind and path when the event does not parse', () => {
    const broken = setAt(sample('base-image-changed'), 'detail.parameter', 'aws/service/x');
    expect(() => parseEvent('base-image-changed', broken)).toThrow(MalformedEventError);
    expect(() => parseEvent('base-image-changed', broken)).toThrow(/base-image-changed: detail\.parameter: /);
  });

  it('refuses an event of another kind', () => {
    expect(() => parseEvent('image-promoted', sample('image-rejected'))).toThrow(/detail-type/);
  });
});

describe('eventPatternFor', () => {
  it.each(busKinds)('gives a valid pattern for %s that matches its sample and no other kind', (kind) => {
    const pattern = eventPatternFor(kind);
    expect(validatePattern(pattern)).toEqual([]);
    for (const other of EVENT_KINDS) expect(matchesPattern(pattern, sample(other))).toBe(other === kind);
  });

  it('narrows by detail and extra top-level fields', () => {
    const pattern = eventPatternFor('image-state-change', {
      detail: { state: { status: ['FAILED'] } },
      extra: { resources: [{ prefix: 'arn:aws:imagebuilder:us-west-2:111122223333:image/cmk' }] },
    });
    expect(validatePattern(pattern)).toEqual([]);
    expect(matchesPattern(pattern, sample('image-state-change'))).toBe(false);
    expect(matchesPattern(pattern, setAt(sample('image-state-change'), 'detail.state.status', 'FAILED'))).toBe(true);
  });
});

describe('releaseNotices', () => {
  it('reads the family, message id, time and a version hint from each record', () => {
    const event = parseEvent('amazon-linux-ami-update', sample('amazon-linux-ami-update'));
    expect(releaseNotices(event)).toEqual([
      {
        family: 'al2023',
        messageId: '31f1fd07-4074-560c-abac-af7d84c69e32',
        publishedAt: '2024-12-12T20:15:07.000Z',
        version: '2023.6.20241212.0',
      },
    ]);
  });

  it('leaves the version out when the notice carries none', () => {
    const raw = setAt(sample('amazon-linux-ami-update'), 'Records.0.Sns.Message', 'new images are available');
    setAt(raw, 'Records.0.Sns.Subject', undefined);
    setAt(raw, 'Records.0.Sns.TopicArn', 'arn:aws:sns:us-east-1:137112412989:amazon-linux-2-ami-updates');
    const [notice] = releaseNotices(parseEvent('amazon-linux-ami-update', raw));
    expect(notice).toEqual({ family: 'al2', messageId: expect.any(String), publishedAt: expect.any(String) });
  });
});

describe('scheduledBuildInput', () => {
  it("uses Scheduler's scheduled-time keyword as the window", () => {
    expect(scheduledBuildInput('base')).toEqual({ image: 'base', window: SCHEDULED_TIME_KEYWORD });
    expect(SCHEDULED_TIME_KEYWORD).toBe('<aws.scheduler.scheduled-time>');
  });
});

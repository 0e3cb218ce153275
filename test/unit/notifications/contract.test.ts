import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { announcement } from '../../../core/notifications/announce.js';
import { renderEmail } from '../../../core/notifications/email.js';
import {
  NOTIFICATION_EVENTS,
  NOTIFICATION_SCHEMA_VERSION,
  notificationAttributes,
  parseNotification,
} from '../../../events/notification.js';
import { SAMPLE_NOTIFICATIONS } from '../../fixtures/notifications.js';

const samples = Object.values(SAMPLE_NOTIFICATIONS);

describe('the notification contract', () => {
  it('has a sample for every event type, and every sample parses as what it says it is', () => {
    expect(Object.keys(SAMPLE_NOTIFICATIONS).sort()).toEqual([...NOTIFICATION_EVENTS].sort());
    for (const sample of samples) {
      const parsed = parseNotification(JSON.parse(JSON.stringify(sample)));
      expect(parsed, sample.event).toEqual({ ok: true, notification: sample });
      expect(sample.schemaVersion).toBe(NOTIFICATION_SCHEMA_VERSION);
    }
  });

  it.each(samples.map((s) => [s.event, s] as const))('gives %s a short ASCII title and a sentence', (_e, sample) => {
    expect(sample.title.length).toBeLessThan(100);
    expect(sample.title).toMatch(/^[\x20-\x7e]+$/);
    expect(sample.summary).toMatch(/\.$/);
  });

  it.each(samples.map((s) => [s.event, s] as const))(
    'carries the attributes %s subscribers filter on',
    (event, sample) => {
      const attributes = notificationAttributes(sample);
      expect(attributes.event).toBe(event);
      expect(attributes.severity).toBe(sample.severity);
      if (sample.image) expect(attributes.image).toBe(sample.image);
      if (sample.channel) expect(attributes.channel).toBe(sample.channel);
      else expect(attributes).not.toHaveProperty('channel');
      if (sample.event === 'fleet-on-revoked') expect(attributes.account).toBe(sample.detail.account);
      else expect(attributes).not.toHaveProperty('account');
    },
  );

  it('rejects an announcement naming the field at fault', () => {
    const bad = { ...SAMPLE_NOTIFICATIONS.promoted, detail: { amis: [], pointer: '' } };
    expect(parseNotification(bad)).toEqual({ ok: false, reason: expect.stringContaining('detail.pointer') });
    const unknown = { ...SAMPLE_NOTIFICATIONS.promoted, event: 'exploded' };
    expect(parseNotification(unknown)).toMatchObject({ ok: false, reason: expect.stringContaining('event') });
    const extra = { ...SAMPLE_NOTIFICATIONS.approved, detail: { by: 'x', via: 'slack', typo: 1 } };
    expect(parseNotification(extra)).toMatchObject({ ok: false, reason: expect.stringContaining('typo') });
  });

  it('requires an image on everything but the monthly summary', () => {
    const { image: _image, ...withoutImage } = SAMPLE_NOTIFICATIONS['build-failed'];
    expect(parseNotification(withoutImage)).toEqual({ ok: false, reason: expect.stringContaining('image') });
    expect(parseNotification(SAMPLE_NOTIFICATIONS['monthly-summary']).ok).toBe(true);
  });

  it('gives the same announcement the same id, and different subjects different ids', () => {
    const again = announcement(
      'aborted',
      { image: 'base', version: '1.0.0/3', channel: 'prod' },
      { reason: 'x' },
      {
        at: '2027-05-01T00:00:00Z',
      },
    );
    expect(again.id).toBe(SAMPLE_NOTIFICATIONS.aborted.id);
    const other = announcement(
      'aborted',
      { image: 'base', version: '1.0.0/4', channel: 'prod' },
      { reason: 'x' },
      {
        at: '2027-05-01T00:00:00Z',
      },
    );
    expect(other.id).not.toBe(again.id);
  });

  it('keeps any title within the email subject limit, whatever the names', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300 }), (reason) => {
        const n = announcement(
          'build-skipped',
          { image: 'base' },
          { trigger: 'package', reason },
          { at: '2027-01-01T00:00:00Z' },
        );
        return n.title.length < 100 && /^[\x20-\x7e]*$/.test(n.title);
      }),
    );
  });
});

describe('renderEmail', () => {
  it('leads with the summary and lists image, version, channel and the key facts', () => {
    const text = renderEmail(SAMPLE_NOTIFICATIONS.promoted);
    const lines = text.split('\n');
    expect(lines[0]).toBe(SAMPLE_NOTIFICATIONS.promoted.summary);
    expect(text).toMatch(/Image: +base/);
    expect(text).toMatch(/Version: +1\.0\.0\/3/);
    expect(text).toMatch(/Channel: +prod/);
    expect(text).toMatch(/Accounts: +75/);
    expect(text).toMatch(/Pointer: +\/goldsmith\/base\/prod/);
    expect(text).toContain('Image Builder: https://us-east-1.console.aws.amazon.com/imagebuilder/');
    expect(text).not.toContain('{');
  });

  it('tells the team who decides and how, with no link to approve or reject', () => {
    const text = renderEmail(SAMPLE_NOTIFICATIONS['approval-requested']);
    expect(text).toContain('the first answer of ops-lead, security-reviewer decides');
    expect(text).toContain('open the approve/reject link sent to you alone');
    expect(text).toContain('goldsmith approve|reject base prod');
    expect(text).toContain('Findings: 0 critical, 0 high, 3 medium');
    expect(text).not.toMatch(/https?:\/\//);
  });

  it('says where a build failed and links its log', () => {
    const text = renderEmail(SAMPLE_NOTIFICATIONS['build-failed']);
    expect(text).toMatch(/Failed in: base-agents/);
    expect(text).toMatch(
      /Build log: https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/.*log-group\/\$252Faws\$252Fimagebuilder/,
    );
  });

  it('tabulates the monthly summary, who is still awaited and what the month cost', () => {
    const text = renderEmail(SAMPLE_NOTIFICATIONS['monthly-summary']);
    expect(text).toContain(
      'base: 3 built, 1 failed, 2 promoted, 1 rejected, patch day → first prod promotion 50 h, 7.25 USD',
    );
    expect(text).toContain('Estimated cost: 7.25 USD (builds 1.30, storage 5.50, channel pointers 0.45)');
    expect(text.split('\n')[0]).toContain('estimated cost 7.25 USD');
    expect(text).toContain('base 1.0.0/3 for prod: waiting on ops-lead since 2027-01-30T00:00:00.000Z');
    expect(text).toContain('Still soaking:\n  base 1.0.0/4 in staging: soaks until 2027-02-02T06:00:00.000Z');
    expect(text).toContain('Still building:\n  base 1.0.0/5: building since 2027-01-31T22:00:00.000Z');
    expect(text.split('\n')[0]).toContain('1 approval still waiting, 1 soak running, 1 build in flight');
  });
});

import { describe, expect, it } from 'vitest';
import { factsOf } from '../../../core/notifications/facts.js';
import { renderTeams, TEAMS_CUT_BYTES, TEAMS_MAX_BYTES, teamsMessageBytes } from '../../../core/notifications/teams.js';
import type { NotificationOf } from '../../../events/notification.js';
import { cardProblem } from '../../../local/sinks/teams-stand-in.js';
import { SAMPLE_NOTIFICATIONS } from '../../fixtures/notifications.js';

const bodyOf = (n: Parameters<typeof renderTeams>[0]) => renderTeams(n).attachments[0].content.body;

describe('an announcement as a Teams card', () => {
  it('renders every kind of announcement as a card Teams takes: one Adaptive Card, no actions, no links', () => {
    for (const n of Object.values(SAMPLE_NOTIFICATIONS)) {
      const card = renderTeams(n);
      expect(cardProblem(JSON.stringify(card)), n.event).toBeUndefined();
      expect(JSON.stringify(card), n.event).not.toMatch(/https:\/\/console|Action\.|"actions"/);
    }
  });

  it('shows the title, the summary and the same facts as every other sink, names the announcement first', () => {
    const n = SAMPLE_NOTIFICATIONS.promoted;
    const [title, summary, facts] = bodyOf(n);

    expect(title).toMatchObject({ id: `announcement:${n.id}`, weight: 'Bolder' });
    expect(summary).toMatchObject({ type: 'TextBlock' });
    expect(facts).toEqual({
      type: 'FactSet',
      facts: [
        { title: 'Image', value: 'base' },
        { title: 'Version', value: '1.0.0/3' },
        { title: 'Channel', value: 'prod' },
        ...factsOf(n).map(([t, v]) => ({ title: t, value: v })),
      ],
    });
  });

  it('colours a critical announcement and keeps Markdown in its texts as written', () => {
    const n = { ...SAMPLE_NOTIFICATIONS.revoked, title: 'revoked *base* [now]' };
    const [title] = bodyOf(n);

    expect(title).toMatchObject({ color: 'Attention', text: 'revoked \\*base\\* \\[now\\]' });
  });

  it('cuts a monthly summary too large for Teams to 20 KB, under what users measure Teams refusing, ending with how many lines were left out', () => {
    const sample = SAMPLE_NOTIFICATIONS['monthly-summary'];
    const row = sample.detail.images[0];
    if (!row) throw new Error('the sample summary has an image');
    const images = Array.from({ length: 600 }, (_, i) => ({ ...row, image: `image-with-a-long-name-${i}` }));
    const huge: NotificationOf<'monthly-summary'> = { ...sample, detail: { ...sample.detail, images } };

    const card = renderTeams(huge);
    const text = JSON.stringify(card);

    expect(teamsMessageBytes(card)).toBeLessThanOrEqual(TEAMS_CUT_BYTES);
    expect(teamsMessageBytes(card)).toBeLessThan(21 * 1024);
    expect(teamsMessageBytes(card)).toBeGreaterThan(TEAMS_CUT_BYTES - 4096);
    expect(TEAMS_MAX_BYTES).toBe(28 * 1024);
    expect(text).toMatch(/…and \d+ more/);
    expect(text).toContain('image-with-a-long-name-0');
    expect(text).not.toContain('image-with-a-long-name-599');
  });
});

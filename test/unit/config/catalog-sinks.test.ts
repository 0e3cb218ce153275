import { describe, expect, it } from 'vitest';
import { problemsAfter } from './helpers.js';

const hook = (name: string, url = `https://hooks.example.com/${name}`) => ({
  name,
  url,
  secretName: `goldsmith/webhooks/${name.replace(/[^a-z0-9-]/g, '-')}`,
});

/** The example catalog's problems with `patch` put into its notifications. */
const problemsWith = (patch: Record<string, unknown>) =>
  problemsAfter((c) => {
    Object.assign(c.notifications, patch);
  });

describe('parseCatalog notifications.teams and notifications.webhooks', () => {
  it('accepts Teams and signed webhooks beside email and Slack', () => {
    expect(
      problemsAfter((c) => {
        c.notifications.teams = { secretName: 'goldsmith/teams' };
        c.notifications.webhooks = [hook('change-board'), hook('audit-log')];
      }),
    ).toEqual([]);
  });

  it('refuses a Teams secret name that is a wildcard, naming the field', () => {
    expect(problemsWith({ teams: { secretName: 'goldsmith/*' } })).toEqual([
      'notifications.teams.secretName: must not contain "*" or "?": a wildcard would grant every secret it matches',
    ]);
  });

  it('refuses a Teams webhook URL in the catalog: it is a credential, kept in the secret', () => {
    const problems = problemsWith({ teams: { secretName: 'goldsmith/teams', webhookUrl: 'https://x.example' } });
    expect(problems).toEqual(['notifications.teams.webhookUrl: unknown key']);
  });

  it('refuses a webhook that is not HTTPS, or carries credentials before its host, naming the endpoint', () => {
    expect(
      problemsAfter((c) => {
        c.notifications.webhooks = [
          hook('plain', 'http://hooks.example.com/in'),
          hook('creds', 'https://user:pw@hooks.example.com/in'),
        ];
      }),
    ).toEqual([
      'notifications.webhooks[0].url: must be an https:// URL',
      'notifications.webhooks[1].url: must not hold credentials before the host: put them in the secret',
    ]);
  });

  it('refuses a name used twice, a name that is not a ledger key, and more than ten endpoints', () => {
    expect(problemsWith({ webhooks: [hook('board'), hook('board'), hook('Board!')] })).toEqual([
      'notifications.webhooks[2].name: must be 1–32 of a-z, 0-9 and "-", like "change-board"',
      'notifications.webhooks[1].name: "board" is named twice',
    ]);
    expect(problemsWith({ webhooks: Array.from({ length: 11 }, (_, i) => hook(`h${i}`)) })).toEqual([
      'notifications.webhooks: at most 10 webhooks',
    ]);
  });
});

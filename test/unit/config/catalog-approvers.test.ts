import { describe, expect, it } from 'vitest';
import { catalogWarnings, parseCatalog } from '../../../core/config/catalog.js';
import { exampleCatalog, exampleFiles, type Mutable, problemsAfter } from './helpers.js';

/** The example catalog with "ghost" added to prod's approvers, mapped by nothing. */
function withGhost(c: Mutable): void {
  c.channels[2].approval.approvers.push('ghost');
}

/** No notifications at all: no team email, no approver address, no Slack. */
function silent(c: Mutable): void {
  c.notifications = {};
}

describe('parseCatalog approvers who can decide', () => {
  it('refuses an approver no door maps, naming the field and that nobody would be told', () => {
    const problems = problemsAfter((c) => {
      withGhost(c);
      silent(c);
      c.access.approvers = {};
      c.channels[2].approval.approvers = ['ghost'];
    });

    expect(problems).toEqual([
      `channels[2].approval.approvers[0]: "ghost" can never approve channel "prod": no access.approvers principal, notifications.approvers address or notifications.slack.approvers user maps them; and with no notifications.email, Slack, Teams or notifications.webhooks, nobody would be told of a request, so its promotions would wait until the approval times out`,
    ]);
  });

  it("does not say nobody would be told when another approver of the channel gets the request's link", () => {
    const problems = problemsAfter((c) => {
      withGhost(c);
      c.notifications = { approvers: { 'ops-lead': 'ops-lead@example.com' } };
    });

    expect(problems).toEqual([
      `channels[2].approval.approvers[2]: "ghost" can never approve channel "prod": no access.approvers principal, notifications.approvers address or notifications.slack.approvers user maps them, so its promotions would wait until the approval times out`,
    ]);
  });

  it('refuses an unmapped approver beside mapped ones, and only that one', () => {
    const problems = problemsAfter(withGhost);

    expect(problems).toEqual([
      `channels[2].approval.approvers[2]: "ghost" can never approve channel "prod": no access.approvers principal, notifications.approvers address or notifications.slack.approvers user maps them, so its promotions would wait until the approval times out`,
    ]);
  });

  it('accepts, with a warning, an approver who decides only by IAM principal when nothing would tell them', () => {
    const catalog = exampleCatalog();
    silent(catalog);
    catalog.channels[2].approval.approvers = ['ops-lead'];
    const parsed = parseCatalog(catalog, exampleFiles());

    expect(parsed.ok && catalogWarnings(parsed.catalog, exampleFiles())).toEqual([
      `channels[2].approval.approvers[0]: "ops-lead" is never told of a request for channel "prod": they decide only through access.approvers, and there is no notifications.approvers address or notifications.slack.approvers user for them, and no notifications.email, Slack, Teams or notifications.webhooks`,
    ]);
  });

  it('accepts an approver who decides by IAM principal and hears of requests from the team email', () => {
    const problems = problemsAfter((c) => {
      c.notifications = { email: ['platform-team@example.com'] };
      c.channels[2].approval.approvers = ['ops-lead'];
    });

    expect(problems).toEqual([]);
  });

  it('warns of nothing on the example catalog, whose approvers have their own address and Slack user', () => {
    const parsed = parseCatalog(exampleCatalog(), exampleFiles());

    expect(parsed.ok && catalogWarnings(parsed.catalog, exampleFiles())).toEqual([]);
  });

  it('accepts an approver mapped only to a Slack user, or only to an address for their links', () => {
    const problems = problemsAfter((c) => {
      c.access.approvers = {};
      c.notifications.approvers = { 'security-reviewer': 'security-reviewer@example.com' };
      c.notifications.slack.approvers = { 'ops-lead': 'U024BE7LH' };
    });

    expect(problems).toEqual([]);
  });
});

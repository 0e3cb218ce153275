import { describe, expect, it } from 'vitest';
import { forgetSinkClients, SINK_CLIENTS } from '../../../aws/notifications/sink-clients.js';
import { subscriptionDrift, wantedSubscriptions } from '../../../core/audit/subscriptions.js';
import { parseCatalog } from '../../../core/config/catalog.js';
import { approversCanDecideThrough, approversToldOfRequestsThrough } from '../../../core/config/rules/approvers.js';
import type { CatalogRule } from '../../../core/config/rules/types.js';
import type { Catalog } from '../../../core/config/schema.js';
import { HOW_TO_DECIDE } from '../../../core/notifications/announce.js';
import {
  decisionRoutes,
  relayEnvironment,
  SINKS,
  type Sink,
  sinkSecretVariables,
} from '../../../core/notifications/sinks.js';
import { EVERY_SINK } from '../../../examples/catalogs/every-option.js';
import { VirtualClock } from '../../../local/clock.js';
import { SecretsManagerFake } from '../../../local/fakes/secretsmanager.js';
import { OUTAGE_SERVICES } from '../../../local/simulator/scenario-faults.js';
import { sinkStandInParts } from '../../../local/simulator/sink-stand-ins.js';
import { startChatStandIns } from '../../../local/sinks/stand-ins.js';
import { exampleCatalog, exampleFiles, type Mutable } from '../config/helpers.js';

/** A sink the registry does not hold: a relay function, a secret, buttons for one approver, a stand-in. */
const PAGER: Sink = {
  key: 'pager',
  label: 'Pager',
  announces: () => true,
  relayArnVariable: 'PAGER_FUNCTION_ARN',
  subscriptions: (_n, env) =>
    env.PAGER_FUNCTION_ARN ? [{ protocol: 'lambda', endpoint: env.PAGER_FUNCTION_ARN }] : [],
  secret: { variables: ['PAGER_SECRET_NAME'], names: () => ['goldsmith/pager'], shape: '{"token":"…"}' },
  decisions: {
    route: 'press the Pager buttons',
    field: 'notifications.pager.approvers user',
    maps: (_n, approver) => approver === 'pager-only',
  },
  standIn: 'pager',
};
const WITH_PAGER = [...SINKS, PAGER];
const PAGER_ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:prod-goldsmith-Notifications-PagerNotify';

/** The example catalog, parsed, then changed (past the rules, which know only the registry's sinks). */
function catalogWith(change: (c: Mutable) => void = () => {}): Catalog {
  const parsed = parseCatalog(exampleCatalog(), exampleFiles());
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const c = structuredClone(parsed.catalog) as Mutable;
  change(c);
  return c as Catalog;
}

/** The catalog with prod approved by one approver that only the Pager sink maps, and no other sink configured. */
const pagerOnly = (c: Mutable) => {
  c.notifications = { email: [], approvers: {}, webhooks: [], monthlySummary: false };
  c.access.approvers = {};
  c.channels[2].approval.approvers = ['pager-only'];
};

/** What a catalog rule, built on `sinks`, reports of `catalog`. */
function problems(rule: (sinks: readonly Sink[]) => CatalogRule, sinks: readonly Sink[], catalog: Catalog): string[] {
  const found: string[] = [];
  rule(sinks)(
    catalog,
    (_path, message) => found.push(message),
    exampleFiles(),
    () => true,
  );
  return found;
}

describe('a sink declared once in the registry reaches every place that must know it', () => {
  it("is wanted by the doors' auditor: its relay's subscription is neither extra nor unsubscribed", () => {
    const n = catalogWith().notifications;
    const env = relayEnvironment({ pager: PAGER_ARN }, WITH_PAGER);
    const held = [{ arn: `${PAGER_ARN}:sub`, protocol: 'lambda', endpoint: PAGER_ARN }];
    const mine = (sinks: readonly Sink[]) =>
      wantedSubscriptions(n, env, sinks).filter((w) => w.topic === 'notifications' && w.protocol === 'lambda');

    expect(env).toEqual({ PAGER_FUNCTION_ARN: PAGER_ARN });
    expect(subscriptionDrift(held, mine(WITH_PAGER)).extra).toEqual([]);
    expect(subscriptionDrift(held, mine(SINKS)).extra).toEqual(held);
  });

  it('refuses to hand the auditor a relay no sink declares, naming the catalog key', () => {
    expect(() => relayEnvironment({ pager: PAGER_ARN })).toThrow(/^notifications\.pager: no sink/);
  });

  it("names the sink's secret variable among those the readiness check resolves", () => {
    expect(sinkSecretVariables()).toEqual(['SLACK_SECRET_NAME', 'TEAMS_SECRET_NAME', 'WEBHOOK_SECRET_NAMES']);
    expect(sinkSecretVariables(WITH_PAGER)).toEqual([...sinkSecretVariables(), 'PAGER_SECRET_NAME']);
  });

  it('counts the sink as a door of the approver rule and as a way the team is told', () => {
    const catalog = catalogWith(pagerOnly);

    expect(problems(approversCanDecideThrough, WITH_PAGER, catalog)).toEqual([]);
    expect(problems(approversToldOfRequestsThrough, WITH_PAGER, catalog)).toEqual([]);
    expect(problems(approversCanDecideThrough, SINKS, catalog)).toEqual([
      '"pager-only" can never approve channel "prod": no access.approvers principal, notifications.approvers address or notifications.slack.approvers user maps them; and with no notifications.email, Slack, Teams or notifications.webhooks, nobody would be told of a request, so its promotions would wait until the approval times out',
    ]);
  });

  it("names the sink's route in the approval announcement when it maps one of the request's approvers", () => {
    const n = catalogWith(pagerOnly).notifications;

    expect(HOW_TO_DECIDE({ image: 'app', channel: 'prod' }, decisionRoutes(n, ['pager-only'], WITH_PAGER))).toBe(
      'Approvers: press the Pager buttons, or run `goldsmith approve|reject app prod`.',
    );
  });

  it("saves the sink's stand-in with the local cloud, and refuses a configured sink whose stand-in did not start", () => {
    const n = catalogWith().notifications;
    const slack = { posted: 1 };
    const pager = { posted: 2 };

    expect(sinkStandInParts(n, { slack, pager }, WITH_PAGER)).toEqual({ slack, pager });
    expect(() => sinkStandInParts(n, { slack, pager })).toThrow(/stand-in for notifications\.pager/);
    expect(() => sinkStandInParts(n, { slack }, WITH_PAGER)).toThrow(
      'the catalog configures notifications.pager, but the local cloud started no stand-in for it',
    );
  });
});

describe("the registry's sinks, against the places outside core/ that list them", () => {
  it('has a stand-in with an outage window in the local cloud for every sink the catalog with every option configures', async () => {
    const n = catalogWith((c) => Object.assign(c.notifications, EVERY_SINK)).notifications;
    const clock = new VirtualClock('2027-01-01T00:00:00Z');
    const chat = await startChatStandIns(
      { ...catalogWith(), notifications: n },
      clock,
      new SecretsManagerFake('111122223333', () => clock.now()),
    );
    try {
      const standing = SINKS.filter((s) => s.standIn && s.announces(n));

      expect(standing.map((s) => s.key)).toEqual(['slack', 'teams', 'webhooks']);
      expect(Object.keys(chat.byKey)).toEqual(standing.map((s) => s.key));
      expect(Object.keys(chat.workKeys)).toEqual(standing.map((s) => s.key));
      for (const s of standing) expect(OUTAGE_SERVICES, s.key).toContain(s.key);
      for (const s of SINKS) for (const name of s.secret?.names(n) ?? []) expect(name.length, s.key).toBeGreaterThan(0);
    } finally {
      await chat.slack?.stop();
      forgetSinkClients();
    }
  });

  it('has a client the local cloud and the tests forget for every sink with a relay, and none for another', () => {
    const relayed = SINKS.filter((s) => s.relayArnVariable).map((s) => s.key);

    expect(Object.keys(SINK_CLIENTS).sort()).toEqual(relayed.sort());
  });
});

describe('the approval announcement names the routes the catalog configures', () => {
  const subject = { image: 'app', channel: 'prod' };

  it('says nothing of Slack buttons when the catalog sets no Slack up', () => {
    const n = catalogWith((c) => {
      delete c.notifications.slack;
    }).notifications;

    expect(HOW_TO_DECIDE(subject, decisionRoutes(n, ['ops-lead']))).toBe(
      'Approvers: open the approve/reject link sent to you alone, or run `goldsmith approve|reject app prod`.',
    );
  });

  it('names the signed links and the Slack buttons when both map an approver of the request', () => {
    const n = catalogWith().notifications;

    expect(HOW_TO_DECIDE(subject, decisionRoutes(n, ['ops-lead', 'security-reviewer']))).toBe(
      'Approvers: open the approve/reject link sent to you alone, press the Slack buttons, or run `goldsmith approve|reject app prod`.',
    );
  });

  it('names only the CLI when no sink maps an approver of the request', () => {
    const n = catalogWith().notifications;

    expect(HOW_TO_DECIDE(subject, decisionRoutes(n, ['iam-only']))).toBe(
      'Approvers: run `goldsmith approve|reject app prod`.',
    );
  });
});

import { randomBytes } from 'node:crypto';
import { configureSinkHttp } from '../../aws/notifications/http-post.js';
import { forgetSinkSecrets } from '../../aws/notifications/sink-secrets.js';
import type { Catalog } from '../../core/config/schema.js';
import { announcementBlockId } from '../../core/notifications/slack.js';
import type { VirtualClock } from '../clock.js';
import type { Outages } from '../fakes/outages.js';
import type { SecretsManagerFake } from '../fakes/secretsmanager.js';
import { startSlack } from '../simulator/slack.js';
import type { SlackStandIn } from '../slack/stand-in.js';
import type { HttpStandInHooks } from './http-stand-in.js';
import { TeamsStandIn } from './teams-stand-in.js';
import { WebhookReceivers } from './webhook-receivers.js';

/**
 * The local cloud's stand-ins of the chat sinks the catalog configures (core/notifications/sinks.ts), by the sink's
 * catalog key: each with the secret its relay reads created as the operator would (docs/deploy.md, "Secrets"), its
 * client pointed at it (answered in process, waiting out 429s on the virtual clock), and its outage window
 * (`slack`, `teams`, `webhooks`) answering instead of it while open.
 */
export interface ChatStandIns {
  /** Every stand-in started, by the sink's catalog key (saved with the cloud: local/snapshot/fakes-state.ts). */
  byKey: Record<string, object>;
  slack?: SlackStandIn | undefined;
  teams?: TeamsStandIn | undefined;
  webhooks?: WebhookReceivers | undefined;
  /** The outage windows' work key of an announcement published while the sink is down, by outage service. */
  workKeys: Record<string, (announcementId: string) => string[]>;
}

/** An outage window's hooks for service `service`: its answer, and the work it held up, as `<service>:<id>`. */
function outageHooks(outages: Outages | undefined, service: string): HttpStandInHooks | undefined {
  return (
    outages && {
      outage: () => {
        const open = outages.openWindow(service);
        if (!open) return undefined;
        outages.fail(service);
        return { status: open.status ?? 503, retryAfterSeconds: open.retryAfterSeconds ?? 60 };
      },
      onRefused: (id) => outages.defer(`${service}:${id}`, service),
      onAccepted: (id) => outages.done(`${service}:${id}`),
    }
  );
}

export async function startChatStandIns(
  catalog: Catalog,
  clock: VirtualClock,
  secrets: SecretsManagerFake,
  outages?: Outages,
): Promise<ChatStandIns> {
  const region = catalog.organization.homeRegion;
  const now = () => clock.now();
  // The secrets below are this cloud's: a value an earlier cloud in this process left cached would address its stand-in.
  forgetSinkSecrets();
  const slack = await startSlack(catalog, clock, secrets, outages);
  const out: ChatStandIns = { byKey: {}, slack, workKeys: {} };
  if (slack) {
    out.byKey.slack = slack;
    out.workKeys.slack = (id) => [`slack:${announcementBlockId(id)}`];
  }
  const teams = catalog.notifications.teams;
  if (teams) {
    const standIn = new TeamsStandIn({ now, ...withHooks(outageHooks(outages, 'teams')) });
    secrets.create(teams.secretName, JSON.stringify({ webhookUrl: standIn.url }), region);
    configureSinkHttp('teams', { fetch: standIn.fetch, sleep: (ms) => clock.sleep(ms, 'teams retry-after') });
    out.teams = standIn;
    out.byKey.teams = standIn;
    out.workKeys.teams = (id) => [`teams:${id}`];
  }
  const hooks = catalog.notifications.webhooks;
  if (hooks.length > 0) {
    const endpoints = hooks.map((h) => ({ name: h.name, url: h.url, secret: randomBytes(32).toString('hex') }));
    for (const [i, e] of endpoints.entries()) {
      secrets.create(hooks[i]?.secretName ?? '', JSON.stringify({ signingSecret: e.secret }), region);
    }
    const receivers = new WebhookReceivers(endpoints, { now, ...withHooks(outageHooks(outages, 'webhooks')) });
    configureSinkHttp('webhooks', { fetch: receivers.fetch, sleep: (ms) => clock.sleep(ms, 'webhook retry') });
    out.webhooks = receivers;
    out.byKey.webhooks = receivers;
    out.workKeys.webhooks = (id) => hooks.map((h) => `webhooks:${h.name}:${id}`);
  }
  return out;
}

const withHooks = (hooks: HttpStandInHooks | undefined) => (hooks ? { hooks } : {});

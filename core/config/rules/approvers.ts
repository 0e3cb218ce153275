import { announcedBySomeSink, SINKS, type Sink, sinkMapsApprover } from '../../notifications/sinks.js';
import type { Catalog } from '../schema.js';
import type { CatalogRule } from './types.js';

/**
 * Whether an approver has a door of their own to decide by: a notification sink that maps them (signed links, Slack
 * buttons, …: core/notifications/sinks.ts) or an IAM principal.
 */
function doors(catalog: Catalog, name: string, sinks: readonly Sink[]) {
  return {
    sink: sinkMapsApprover(catalog.notifications, name, sinks),
    principal: Object.hasOwn(catalog.access.approvers, name),
  };
}

/** The catalog fields that map an approver to a sink, as the rules name them ("… or …"). */
const sinkFields = (sinks: readonly Sink[]) => sinks.flatMap((s) => s.decisions?.field ?? []);

/** `a, b or c`. */
const orList = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

/** The sinks the team may hear of requests through, as the rules name them. */
const announcers = (sinks: readonly Sink[]) => sinks.map((s) => s.label);

/**
 * Every channel approver can decide through at least one door (docs/security/approvals.md, "How an approval reaches the
 * approvers"): signed links mailed to their own address (`notifications.approvers`), Slack buttons
 * (`notifications.slack.approvers`), or the operator endpoint as an IAM principal (`access.approvers`). An approver
 * with no door can never decide, so every promotion through that channel would wait until its approval times out.
 * The sinks given: the registry's (core/notifications/sinks.ts) in {@link approversCanDecide}, a test's otherwise.
 */
export const approversCanDecideThrough =
  (sinks: readonly Sink[]): CatalogRule =>
  (catalog, report) => {
    catalog.channels.forEach((channel, i) => {
      channel.approval?.approvers.forEach((name, j) => {
        const { sink, principal } = doors(catalog, name, sinks);
        if (sink || principal) return;
        // Someone hears of a request when the team's announcement goes out or another approver of the channel gets
        // its link or Slack buttons.
        const someoneTold =
          announcedBySomeSink(catalog.notifications, sinks) ||
          (channel.approval?.approvers ?? []).some((other) => doors(catalog, other, sinks).sink);
        const told = someoneTold ? '' : `; and with no ${orList(announcers(sinks))}, nobody would be told of a request`;
        report(
          ['channels', i, 'approval', 'approvers', j],
          `"${name}" can never approve channel "${channel.name}": no ${orList(['access.approvers principal', ...sinkFields(sinks)])} maps them${told}, so its promotions would wait until the approval times out`,
        );
      });
    });
  };

/** {@link approversCanDecideThrough} the registry's sinks. */
export const approversCanDecide: CatalogRule = approversCanDecideThrough(SINKS);

/**
 * A warning, not a problem: an approver who decides only through the operator endpoint hears of a request from the
 * team's announcement (`notifications.email`, Slack); with neither, only someone watching the topic or
 * `goldsmith status` would know a promotion waits for them. The sinks given: as {@link approversCanDecideThrough}.
 */
export const approversToldOfRequestsThrough =
  (sinks: readonly Sink[]): CatalogRule =>
  (catalog, report) => {
    if (announcedBySomeSink(catalog.notifications, sinks)) return;
    catalog.channels.forEach((channel, i) => {
      channel.approval?.approvers.forEach((name, j) => {
        const { sink, principal } = doors(catalog, name, sinks);
        if (sink || !principal) return;
        report(
          ['channels', i, 'approval', 'approvers', j],
          `"${name}" is never told of a request for channel "${channel.name}": they decide only through access.approvers, and there is no ${orList(sinkFields(sinks))} for them, and no ${orList(announcers(sinks))}`,
        );
      });
    });
  };

/** {@link approversToldOfRequestsThrough} the registry's sinks. */
export const approversToldOfRequests: CatalogRule = approversToldOfRequestsThrough(SINKS);

import type { Catalog } from '../schema.js';
import type { CatalogRule } from './types.js';

/** Whether an approver has a door of their own to decide by: signed links, Slack buttons or an IAM principal. */
function doors(catalog: Catalog, name: string) {
  const { notifications, access } = catalog;
  return {
    links: Object.hasOwn(notifications.approvers, name),
    buttons: Object.hasOwn(notifications.slack?.approvers ?? {}, name),
    principal: Object.hasOwn(access.approvers, name),
  };
}

/** Whether the team hears of approval requests: an email subscriber of the topic, or the Slack channel. */
function announced(catalog: Catalog): boolean {
  return catalog.notifications.email.length > 0 || catalog.notifications.slack !== undefined;
}

/**
 * Every channel approver can decide through at least one door (docs/security/approvals.md, "How an approval reaches the
 * approvers"): signed links mailed to their own address (`notifications.approvers`), Slack buttons
 * (`notifications.slack.approvers`), or the operator endpoint as an IAM principal (`access.approvers`). An approver
 * with no door can never decide, so every promotion through that channel would wait until its approval times out.
 */
export const approversCanDecide: CatalogRule = (catalog, report) => {
  catalog.channels.forEach((channel, i) => {
    channel.approval?.approvers.forEach((name, j) => {
      const { links, buttons, principal } = doors(catalog, name);
      if (links || buttons || principal) return;
      // Someone hears of a request when the team's announcement goes out or another approver of the channel gets
      // its link or Slack buttons.
      const someoneTold =
        announced(catalog) ||
        (channel.approval?.approvers ?? []).some((other) => {
          const d = doors(catalog, other);
          return d.links || d.buttons;
        });
      const told = someoneTold ? '' : '; and with no notifications.email or Slack, nobody would be told of a request';
      report(
        ['channels', i, 'approval', 'approvers', j],
        `"${name}" can never approve channel "${channel.name}": no access.approvers principal, notifications.approvers address or notifications.slack.approvers user maps them${told}, so its promotions would wait until the approval times out`,
      );
    });
  });
};

/**
 * A warning, not a problem: an approver who decides only through the operator endpoint hears of a request from the
 * team's announcement (`notifications.email`, Slack); with neither, only someone watching the topic or
 * `goldsmith status` would know a promotion waits for them.
 */
export const approversToldOfRequests: CatalogRule = (catalog, report) => {
  if (announced(catalog)) return;
  catalog.channels.forEach((channel, i) => {
    channel.approval?.approvers.forEach((name, j) => {
      const { links, buttons, principal } = doors(catalog, name);
      if (links || buttons || !principal) return;
      report(
        ['channels', i, 'approval', 'approvers', j],
        `"${name}" is never told of a request for channel "${channel.name}": they decide only through access.approvers, and there is no notifications.approvers address for them, no notifications.email and no Slack`,
      );
    });
  });
};

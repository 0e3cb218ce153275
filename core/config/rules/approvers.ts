import type { CatalogRule } from './types.js';

/**
 * Every channel approver can decide through at least one door, and hears of a request. The doors (docs/security.md,
 * "How an approval reaches the approvers"): signed links mailed to their own address (`notifications.approvers`),
 * Slack buttons (`notifications.slack.approvers`), and the operator endpoint as an IAM principal (`access.approvers`).
 * An approver with no door can never decide, so every promotion through that channel would wait until its approval
 * times out. One who decides only through the operator endpoint hears of a request from the team's announcement
 * (`notifications.email`, Slack); with neither, nobody would tell them.
 */
export const approversCanDecide: CatalogRule = (catalog, report) => {
  const { notifications, access } = catalog;
  const slackUsers = notifications.slack?.approvers ?? {};
  const announced = notifications.email.length > 0 || notifications.slack !== undefined;
  catalog.channels.forEach((channel, i) => {
    channel.approval?.approvers.forEach((name, j) => {
      const path = ['channels', i, 'approval', 'approvers', j];
      const links = Object.hasOwn(notifications.approvers, name);
      const buttons = Object.hasOwn(slackUsers, name);
      const principal = Object.hasOwn(access.approvers, name);
      if (!links && !buttons && !principal) {
        const told = announced ? '' : '; and with no notifications.email or Slack, nobody would be told of a request';
        report(
          path,
          `"${name}" can never approve channel "${channel.name}": no access.approvers principal, notifications.approvers address or notifications.slack.approvers user maps them${told}, so its promotions would wait until the approval times out`,
        );
      } else if (!links && !buttons && !announced) {
        report(
          path,
          `"${name}" is never told of a request for channel "${channel.name}": they decide only through access.approvers, and there is no notifications.approvers address for them, no notifications.email and no Slack`,
        );
      }
    });
  });
};

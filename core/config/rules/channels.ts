import { formatDuration, ONE_YEAR_SECONDS, tryParseDuration } from '../../duration.js';
import type { CatalogRule } from './types.js';

/** Channel names are unique: pointers, approvals and ledger records are keyed by them. */
export const uniqueChannelNames: CatalogRule = (catalog, report) => {
  const first = new Map<string, number>();
  catalog.channels.forEach((channel, i) => {
    const earlier = first.get(channel.name);
    if (earlier === undefined) first.set(channel.name, i);
    else report(['channels', i, 'name'], `duplicate channel "${channel.name}" (also channels[${earlier}])`);
  });
};

/** A channel shares with somebody: the organization, or at least one OU, account or tag not all excluded again. */
export const channelTargets: CatalogRule = (catalog, report, _files, sound) => {
  catalog.channels.forEach((channel, i) => {
    if (!sound(['channels', i, 'targets'])) return;
    const { organization, ous, accounts, accountTags, exclude } = channel.targets;
    const tags = Object.keys(accountTags).length;
    if (organization) return;
    if (ous.length === 0 && accounts.length === 0 && tags === 0) {
      report(['channels', i, 'targets'], 'must name the organization, or at least one OU, account or account tag');
      return;
    }
    const ousLeft = ous.filter((ou) => !exclude.ous.includes(ou));
    const accountsLeft = accounts.filter((a) => !exclude.accounts.includes(a));
    if (ousLeft.length === 0 && accountsLeft.length === 0 && tags === 0) {
      report(
        ['channels', i, 'targets', 'exclude'],
        'excludes every OU and account the channel targets: nobody could use its images',
      );
    }
  });
};

/**
 * One promotion is one Standard workflow execution through every channel, so all soaks and approval waits
 * together must fit in Step Functions' one-year maximum execution time.
 */
export const promotionFitsOneExecution: CatalogRule = (catalog, report) => {
  let total = 0;
  let approvalTooLong = false;
  for (const channel of catalog.channels) {
    // Stryker disable next-line StringLiteral: no timeout and a fallback that does not parse both count as 0
    const approval = tryParseDuration(channel.approval?.timeout ?? '0m') ?? 0;
    approvalTooLong ||= approval > ONE_YEAR_SECONDS;
    // Stryker disable next-line StringLiteral: no soak and a fallback that does not parse both count as 0
    total += approval + (tryParseDuration(channel.soak ?? '0m') ?? 0);
  }
  // An approval timeout over the limit is already reported at its own field.
  if (total > ONE_YEAR_SECONDS && !approvalTooLong) {
    report(
      ['channels'],
      `soaks and approval timeouts add up to ${formatDuration(total)}, over Step Functions' one-year maximum execution time for one promotion`,
    );
  }
};

/** An approver's address (`notifications.approvers`) belongs to someone a channel asks: a typo would mail nobody. */
export const approverAddresses: CatalogRule = (catalog, report) => {
  const named = new Set(catalog.channels.flatMap((c) => c.approval?.approvers ?? []));
  for (const name of Object.keys(catalog.notifications.approvers)) {
    if (!named.has(name)) {
      const known = [...named].join(', ') || 'none';
      report(['notifications', 'approvers', name], `"${name}" approves no channel (channels' approvers: ${known})`);
    }
  }
};

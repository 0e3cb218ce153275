import type { ImageFleet } from '../core/fleet/view.js';
import type { Command } from './commands.js';
import { channelsOf, checkNames, operatorOptions, TARGET_HELP } from './operator/options.js';
import { ledgerOf } from './operator/read.js';

const HELP = `usage: goldsmith fleet [IMAGE] (--stage STAGE | --local DIR) [--json]

Which versions the organization runs, per image, from the ledger's usage observations (EC2 image usage reports,
read by the daily lifecycle sweep; about a day old): accounts, instances and launch templates on each version, and
where that version stands against the image's last channel — current, one behind, older, revoked, retired.
${TARGET_HELP}`;

const STANDING_TEXT: Record<string, string> = {
  current: 'current',
  'one-behind': 'one behind',
  older: 'older',
  revoked: 'REVOKED',
  retired: 'retired',
  'never-promoted': 'never promoted',
};

/** Human output: per image, the version its last channel names, then each version in use, newest first. */
export function renderFleet(fleets: readonly ImageFleet[]): string {
  const out: string[] = [];
  for (const f of fleets) {
    out.push(`${f.image}  (${f.channel}: ${f.current ?? 'never promoted'})`);
    if (f.versions.length === 0) out.push('  no account uses a version of it (as last observed)');
    for (const v of f.versions) {
      out.push(
        `  ${v.version.padEnd(10)} ${STANDING_TEXT[v.standing]?.padEnd(14)} ${v.accounts} account(s), ` +
          `${v.instances} instance(s), ${v.launchTemplates} launch template(s)  (observed ${v.observedAt.slice(0, 16).replace('T', ' ')})`,
      );
    }
    const behind = f.totals['one-behind'].accounts + f.totals.older.accounts + f.totals.retired.accounts;
    if (f.totals.revoked.accounts > 0) {
      out.push(`  ${f.totals.revoked.accounts} account(s) still run a revoked version`);
    }
    if (behind > 0) out.push(`  ${behind} account(s) run an older version than ${f.channel}'s`);
    out.push('');
  }
  return out.join('\n');
}

export const command: Command = {
  summary: 'which versions the organization runs: accounts and instances per version, and how far behind',
  async run(args) {
    const parsed = await operatorOptions(args, {}, 1);
    if (parsed.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const { where, json, positionals } = parsed;
    const [only] = positionals;
    if (only) checkNames(where.catalog, only, undefined);
    const { imageFleet } = await import('../core/fleet/view.js');
    const images = only ? [only] : Object.keys(where.catalog.images);
    const fleets: ImageFleet[] = [];
    for (const image of images) {
      const channel = channelsOf(where.catalog, image).at(-1) ?? '';
      fleets.push(imageFleet(image, channel, await ledgerOf(where, image)));
    }
    if (json) process.stdout.write(`${JSON.stringify({ images: fleets }, null, 2)}\n`);
    else process.stdout.write(renderFleet(fleets));
    return 0;
  },
};

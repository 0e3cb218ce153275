import { renderAllowedAmis } from './allowed-amis-output.js';
import type { Command } from './command.js';
import { operatorOptions, TARGET_HELP } from './operator/options.js';
import { ledgerOf, nowOf } from './operator/read.js';
import { UsageError } from './usage.js';

const HELP = `usage: goldsmith allowed-amis (--stage STAGE | --local DIR) [--json] [--factory-account ID]

The EC2 Allowed AMIs criteria the catalog's allowedAmis switch and its channels imply, as an AWS Organizations
declarative policy to apply from the management account (or a delegated administrator): only the factory account's
Goldsmith AMIs not deprecated (retired and revoked versions are), plus allowedAmis.alsoAllow. Prints the policy,
where to attach it (the channels' targets), what it does to each kept version, and what it cannot do. With --json,
the policy document alone. Fails, saying why, when allowedAmis is not set.
  --factory-account ID  the account that owns Goldsmith's AMIs (default: the one in the ledger's build ARNs)
${TARGET_HELP}`;

export const command: Command = {
  summary: 'the Allowed AMIs declarative policy the channels imply, where to attach it and what it blocks',
  async run(args) {
    const parsed = await operatorOptions(args, { 'factory-account': { type: 'string' } }, 0);
    if (parsed.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const { where, json, values } = parsed;
    const { allowedAmisPlan, factoryAccountsOf, OFF_REASON } = await import('../core/allowed-amis/index.js');
    const { imagesFor, selectedChannels } = await import('../core/allowed-amis/criteria.js');
    const spec = where.catalog.allowedAmis;
    if (!spec) throw new UsageError(OFF_REASON);
    const given = typeof values['factory-account'] === 'string' ? values['factory-account'] : undefined;
    if (given !== undefined && !/^\d{12}$/.test(given)) {
      throw new UsageError(`--factory-account must be a 12-digit account id, not "${given}"`);
    }
    const ledgers: Record<string, Awaited<ReturnType<typeof ledgerOf>>> = {};
    for (const image of imagesFor(where.catalog, selectedChannels(where.catalog, spec))) {
      ledgers[image] = await ledgerOf(where, image);
    }
    const accounts = given ? [given] : factoryAccountsOf(ledgers);
    if (accounts.length === 0) {
      throw new UsageError(
        'the ledger has no build yet to tell the factory account (the owner of the AMIs): give --factory-account ID',
      );
    }
    const plan = allowedAmisPlan(where.catalog, accounts, ledgers, nowOf(where));
    if (!plan.on) throw new UsageError(plan.reason);
    if (json) process.stdout.write(`${JSON.stringify(plan.policy, null, 2)}\n`);
    else process.stdout.write(renderAllowedAmis(plan));
    return 0;
  },
};

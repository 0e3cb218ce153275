import { childOnReplacementText } from '../core/status/restored-children.js';
import type { Command } from './command.js';
import { type HistoryEntry, historyOf } from './operator/ledger-history.js';
import { channelsOf, checkNames, operatorOptions, TARGET_HELP } from './operator/options.js';
import { factoryDriftOf, keyRotationsOf, ledgerOf, restoredChildrenOf } from './operator/read.js';
import { renderHistory } from './operator/render.js';
import { UsageError } from './usage.js';

const HELP = `usage: goldsmith history IMAGE [--channel C] [--verbose] (--stage STAGE | --local DIR) [--json]
       goldsmith history --factory (--stage STAGE | --local DIR) [--json]

The ledger's story of an image: builds with trigger, reason and cost, skipped triggers and why, approval requests
(with what the version changes) and decisions, soaks (and who ended one early), outcomes with who and why, grants (a
promotion's shares), withdrawals (a promotion stopped after it shared: its grants taken back), pointer moves (an
operator's rollback or roll-forward, a revocation's roll-back or withdrawal), findings reported and what was done,
revocations (requested: why; revoked, restored: who and why; the launch permissions a revocation removes and its
AMIs' deprecation have no line of their own), flags (a version built on a revoked parent) and their clearing,
pipeline events, rollouts (each wave's start and end, halts, pauses, resumptions, aborts, completion, groups skipped).
  --channel C       only what concerns channel C: its approvals, soaks, outcomes, grants, withdrawals, pauses and
                    pointer moves; the builds, flags and lifecycle of the versions that came to it (its gate); and what
                    concerns every channel (revocations, builds paused and resumed, pipeline events). Trigger
                    decisions and other channels' lines are left out
  --verbose         under a line that counts things, list them (a rollout's skipped groups, each with its reason;
                    --json always lists them)
  --factory         instead of an image's story: what the audit found changed outside Goldsmith on resources no
                    image owns (the topics' subscriptions and policies, the queues' policies, the event bus policy,
                    the EventBridge rules) and what it put back, and the signing keys' rotations (who, when,
                    which keys and versions)
${TARGET_HELP}`;

const NO_FACTORY_DRIFT =
  'factory: the audit recorded no change outside Goldsmith to the topics, queues, event bus or rules';

export const command: Command = {
  summary: "an image's story from the ledger: builds, decisions, approvals, soaks, outcomes, grants",
  async run(args) {
    const parsed = await operatorOptions(
      args,
      { channel: { type: 'string' }, verbose: { type: 'boolean', short: 'v' }, factory: { type: 'boolean' } },
      1,
      args.includes('--factory')
        ? undefined
        : 'name the image: goldsmith history IMAGE [--channel C] (--stage STAGE | --local DIR)',
    );
    if (parsed.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const { where, json, positionals, values } = parsed;
    const [image] = positionals;
    if (values.factory === true) {
      if (image !== undefined || values.channel !== undefined) {
        throw new UsageError('history --factory takes no image nor --channel: it tells what no image owns');
      }
      const entries = historyOf([...(await factoryDriftOf(where)), ...(await keyRotationsOf(where))], undefined, []);
      if (json) process.stdout.write(`${JSON.stringify({ factory: true, entries }, null, 2)}\n`);
      else process.stdout.write(entries.length > 0 ? renderHistory('factory', entries) : `${NO_FACTORY_DRIFT}\n`);
      return 0;
    }
    if (!image) throw new UsageError('name the image: goldsmith history IMAGE');
    const channel = typeof values.channel === 'string' ? values.channel : undefined;
    checkNames(where.catalog, image, channel);
    const items = await ledgerOf(where, image);
    const told = historyOf(items, channel, channelsOf(where.catalog, image));
    // After a restore: each child a revocation rebuilt on a replacement and left there, told at the restore.
    const wanted: HistoryEntry[] = (await restoredChildrenOf(where, image, items))
      .filter((c) => channel === undefined || c.channel === channel)
      .map((c) => ({
        at: new Date(c.restoredAt).toISOString(),
        version: c.restored,
        channel: c.channel,
        what: `rebuild wanted: ${childOnReplacementText(c)}`,
      }));
    const entries = [...told, ...wanted].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    if (json) process.stdout.write(`${JSON.stringify({ image, channel: channel ?? null, entries }, null, 2)}\n`);
    else process.stdout.write(renderHistory(image, entries, values.verbose === true));
    return 0;
  },
};

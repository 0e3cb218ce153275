import { compareBuildVersions } from '../core/promotion/naming.js';
import { rolloutOf } from '../core/rollout/operator.js';
import type { RolloutRecord } from '../core/rollout/record.js';
import { rolloutRecordsOf } from '../core/status/rollout-records.js';
import { actionCommand } from './act.js';
import type { Command } from './command.js';
import { checkNames, operatorOptions, TARGET_HELP } from './operator/options.js';
import { ledgerOf } from './operator/read.js';
import { renderRolloutStatus } from './operator/rollout-text.js';
import { subcommandOf, UsageError } from './usage.js';

const USAGE = `usage: goldsmith rollout status|pause|resume|abort|retry IMAGE CHANNEL [--version V] [--reason R] (--stage STAGE | --local DIR) [--json]

A promoted version's rollout to the Auto Scaling groups that follow the channel, wave by wave (docs/rollout.md).
Without --version, the channel's current rollout (the newest not ended; status: else the last one).
  status            where it stands, from the ledger: each wave and its groups' refreshes, groups skipped and why
  pause --reason R  no new wave starts; refreshes already running go on (a running rollout only)
  resume            a paused rollout goes on: its next wave starts once the current one is healthy
  abort --reason R  refreshes still running are cancelled, no further wave starts (a running or paused rollout)
  retry             a halted rollout goes on from the wave that halted, same version, once its cause is fixed
                    and that wave's groups are back (a new execution; refused once a newer version rolled out);
                    a rollout a rollback superseded, once the channel names its version again: from its first wave
pause, resume, abort and retry go to the operator endpoint as Goldsmith's operators (like revoke); a refusal is one line,
exit 1, and nothing changed.
${TARGET_HELP}`;

const STATUS_HELP = `usage: goldsmith rollout status IMAGE CHANNEL [--version V] (--stage STAGE | --local DIR) [--json]

Where a channel's rollout stands, read from the ledger (nothing is sent): its state and why, each wave with its
start and end, each group's refresh (launch template version from and to, refresh id, AWS's status and reason, the
instances it left behind and why), and the groups skipped and why. Without --version, the channel's current rollout
(the newest not ended, else the last one); --version V naming no rollout of V to the channel is refused (exit 1),
with the versions that have one.
  --version V       the rollout of build version V (e.g. 1.0.0/3)
${TARGET_HELP}`;

const STATUS_NEEDS = 'name the image and channel: goldsmith rollout status IMAGE CHANNEL [--version V]';

/** `goldsmith rollout status IMAGE CHANNEL`: the rollout record, read from the ledger (or the saved snapshot). */
async function status(args: readonly string[]): Promise<number> {
  const parsed = await operatorOptions(args, { version: { type: 'string' } }, 2, STATUS_NEEDS);
  if (parsed.help) {
    process.stdout.write(`${STATUS_HELP}\n`);
    return 0;
  }
  const { where, json, positionals, values } = parsed;
  const [image, channel] = positionals;
  if (!image || !channel) throw new UsageError(STATUS_NEEDS);
  checkNames(where.catalog, image, channel);
  const version = typeof values.version === 'string' ? values.version : undefined;
  const records = rolloutRecordsOf(await ledgerOf(where, image));
  const record = rolloutOf(records, channel, version);
  if (version !== undefined && !record) throw new UsageError(noRolloutOf(image, channel, version, records));
  if (json) {
    process.stdout.write(`${JSON.stringify({ image, channel, rollout: record ?? null }, null, 2)}\n`);
    return 0;
  }
  if (!record) {
    process.stdout.write(
      `${image}/${channel} has no rollout yet (a channel rolls out when the catalog gives it channels[].rollout)\n`,
    );
    return 0;
  }
  process.stdout.write(renderRolloutStatus(record));
  return 0;
}

/** The refusal of `--version V` naming no rollout: which versions have one to the channel, newest first. */
function noRolloutOf(image: string, channel: string, version: string, records: readonly RolloutRecord[]): string {
  const versions = records
    .filter((r) => r.channel === channel)
    .map((r) => r.version)
    .sort((a, b) => compareBuildVersions(b, a));
  const which = versions.length > 0 ? `versions with one: ${versions.join(', ')}` : `no version of ${image} has one`;
  return `--version ${version}: ${image} ${version} has no rollout to ${channel} (${which})`;
}

const ACTING = ['pause', 'resume', 'abort', 'retry'] as const;

/** `goldsmith rollout SUBCOMMAND`: see and steer a channel's rollout to its member groups. */
export const command: Command = {
  summary: "a channel's rollout to member Auto Scaling groups: status, pause, resume, abort, retry",
  async run(args) {
    const named = subcommandOf(
      args,
      USAGE,
      'name the rollout command: goldsmith rollout status|pause|resume|abort|retry IMAGE CHANNEL',
    );
    if (named === undefined) return 0;
    const { sub, rest } = named;
    if (sub === 'status') return status(rest);
    const acting = ACTING.find((a) => a === sub);
    if (acting === undefined) {
      throw new UsageError(
        `unknown rollout command "${sub}": goldsmith rollout status|pause|resume|abort|retry IMAGE CHANNEL`,
      );
    }
    return actionCommand(`rollout-${acting}`).run(rest);
  },
};

import { awaitingConfirmationLines } from '../core/status/awaiting-lines.js';
import { migrationLine } from '../core/status/migration-line.js';
import { keysLine } from '../core/trust/key-rotations.js';
import type { Command } from './command.js';
import { operatorOptions, TARGET_HELP } from './operator/options.js';
import { factoryDriftOf, keyRotationsOf, migrationMarkerOf, nowOf, statusOf } from './operator/read.js';
import { releaseLine, releaseOf } from './operator/release.js';
import { renderStatus } from './operator/render.js';

const HELP = `usage: goldsmith status (--stage STAGE | --local DIR) [--json]

The release the deployment runs (and this checkout's), where the ledger's migration to this release's record
format stands (not started, under way: items read and brought so far, or done; docs/upgrading.md), each topic
subscription the stacks make that awaits its owner's confirmation (an approver's: since when, as the doors' auditor
recorded it daily; docs/security/audit.md), then every image
and channel: the version each pointer names per region, what is in flight, what waits for approval
since when and for whom, each channel's rollout to member Auto Scaling groups in flight (its wave and groups done,
paused by whom), the last failure, and what builds and storage cost.
${TARGET_HELP}`;

export const command: Command = {
  summary: 'every image and channel: pointers, in flight, approvals waiting, last failure, cost',
  async run(args) {
    const parsed = await operatorOptions(args, {}, 0);
    if (parsed.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const { where, json } = parsed;
    const images = await statusOf(where);
    const release = await releaseOf(where);
    // Never fails `status`: a marker that cannot be read says why.
    const why = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    const migration = await migrationMarkerOf(where).then(migrationLine, (error: unknown) =>
      migrationLine(undefined, why(error)),
    );
    // Never fails `status` either: the doors' auditor's records, or why they could not be read.
    const awaiting = await factoryDriftOf(where).then(awaitingConfirmationLines, (error: unknown) => [
      `subscriptions awaiting confirmation: unknown (${why(error)})`,
    ]);
    // The signing keys' last rotation (goldsmith rotate-signing-key), or why it could not be read.
    const keys = await keyRotationsOf(where).then(
      keysLine,
      (error: unknown) => `signing keys: unknown (${why(error)})`,
    );
    const at = nowOf(where);
    if (json) {
      const extra = where.kind === 'local' ? { pointers: where.state.snapshot.pointers } : {};
      process.stdout.write(
        `${JSON.stringify(
          {
            at: at.toISOString(),
            release,
            migration,
            signingKeys: keys,
            subscriptionsAwaiting: awaiting,
            images,
            ...extra,
          },
          null,
          2,
        )}\n`,
      );
    } else {
      const lines = awaiting.map((line) => `${line}\n`).join('');
      process.stdout.write(`${releaseLine(release)}\n${migration}\n${lines}${keys}\n${renderStatus(images, at)}`);
    }
    return 0;
  },
};

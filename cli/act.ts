import type { Catalog } from '../core/config/schema.js';
import { rollbackToNeedsReason } from '../core/promotion/operator-refusals.js';
import type { Command } from './command.js';
import { answerText } from './operator/answer-text.js';
import { checkArguments } from './operator/arguments.js';
import { identityRefusal } from './operator/identity-precheck.js';
import { checkNames, operatorOptions, TARGET_HELP } from './operator/options.js';
import { precheck } from './operator/precheck.js';
import { ledgerOf, nowOf } from './operator/read.js';
import { localPrincipal, operatorUrlOutput, sendOperatorRequest } from './operator/send.js';
import { UsageError } from './usage.js';

type Action =
  | 'build'
  | 'approve'
  | 'reject'
  | 'promote'
  | 'rollback'
  | 'revoke'
  | 'restore'
  | 'resume'
  | 'release'
  | 'rollout-pause'
  | 'rollout-resume'
  | 'rollout-abort'
  | 'rollout-retry';

const USAGE: Record<Action, { args: string; summary: string }> = {
  build: { args: 'IMAGE [--reason R]', summary: 'a manual build, through the same dedupe and lineage rules' },
  approve: { args: 'IMAGE CHANNEL [--version V] [--reason R] [--as ARN|NAME]', summary: 'approve what waits' },
  reject: {
    args: 'IMAGE CHANNEL --reason R [--version V] [--as ARN|NAME]',
    summary: 'reject what waits, saying why (the reason is announced to the people who asked, and kept)',
  },
  promote: {
    args: '(IMAGE CHANNEL [--version V] [--reason R] | IMAGE VERSION --through-gates --reason R)',
    summary:
      "end a soak early (never a gate); --through-gates: a restored version goes through every channel's gates again, from the first channel",
  },
  rollback: {
    args: '(IMAGE CHANNEL [--reason R] | IMAGE CHANNEL --to VERSION --reason R)',
    summary:
      "move a channel's pointer back to its newest earlier version, or --to any launchable version the channel promoted, older or newer (a roll-forward); refused for one its gates would refuse today (lineage hold, revocation asked for, findings over the policy now)",
  },
  revoke: {
    args: 'IMAGE VERSION (--reason R [--now | --at TIME] [--withdraw] | --cancel [--reason R])',
    summary:
      'withdraw a version everywhere, now (--now, the default) or at a later TIME (a past TIME is refused); --withdraw: it may empty a channel (else refused, checked when asked); --cancel: call off a revocation scheduled for later',
  },
  restore: {
    args: 'IMAGE VERSION --reason R',
    summary:
      'take back a revocation: the version is no longer revoked and launchable again by the channels retention still holds it in; no channel pointer moves back to it',
  },
  release: {
    args: 'IMAGE VERSION --reason R',
    summary: 'let the next lifecycle sweep delete a version retention holds only because member accounts still use it',
  },
  'rollout-pause': {
    args: 'IMAGE CHANNEL --reason R [--version V]',
    summary:
      "pause the channel's rollout (default: its current one): no new wave starts; refreshes already running go on",
  },
  'rollout-resume': {
    args: 'IMAGE CHANNEL [--version V] [--reason R]',
    summary: "resume the channel's paused rollout: its next wave starts once the current one is healthy",
  },
  'rollout-abort': {
    args: 'IMAGE CHANNEL --reason R [--version V]',
    summary:
      "abort the channel's rollout: refreshes still running are cancelled, no further wave starts; groups already refreshed keep the version",
  },
  'rollout-retry': {
    args: 'IMAGE CHANNEL [--version V] [--reason R]',
    summary:
      "retry the channel's halted rollout of the same version once its cause is fixed: it goes on from the wave that halted; a rollout a rollback superseded, once a roll-forward brought its version back and its groups are back: from its first wave",
  },
  resume: {
    args: 'IMAGE (VERSION | --builds) [--reason R]',
    summary:
      'start a promotion paused by an outage again, from the channel where it stopped; --builds: let triggers build an image again after its failed builds paused them',
  },
};

function help(action: Action): string {
  return `usage: goldsmith ${commandName(action)} ${USAGE[action].args} (--stage STAGE | --local DIR) [--json]

${USAGE[action].summary}. Sent to the operator endpoint (IAM-authenticated: your identity is the SigV4 signer's,
or with --local the --as principal, default the catalog's first operator), which acts through the same paths as
the system; a refusal is one line, exit 1, and nothing changed.
  --as ARN|NAME     (--local) the principal to act as: an IAM ARN, or an approver name the catalog maps
  --url URL         (--stage) the endpoint, when the stage's ${operatorUrlOutput({ action })} output cannot be read
${TARGET_HELP}`;
}

/** How the command is typed: `lifecycle release` for release, `rollout pause` for rollout-pause, else the action. */
const commandName = (action: Action): string =>
  action === 'release' ? 'lifecycle release' : action.startsWith('rollout-') ? action.replace('-', ' ') : action;

/** Builds the request body (events/operator-request.ts) from the command line. */
function requestOf(action: Action, positionals: string[], values: Record<string, unknown>): Record<string, unknown> {
  const opt = (name: string) => (typeof values[name] === 'string' ? { [name]: values[name] } : {});
  const [image, second] = positionals;
  if (!image) throw new UsageError(`name the image: goldsmith ${commandName(action)} ${USAGE[action].args}`);
  if (action === 'build') {
    if (second !== undefined) throw new UsageError(`unexpected argument "${second}"`);
    return { action, image, ...opt('reason') };
  }
  if (action === 'resume' && values.builds === true) {
    if (second !== undefined) throw new UsageError("resume --builds resumes the image's builds: name no version");
    return { action: 'resume-builds', image, ...opt('reason') };
  }
  if (!second) throw new UsageError(`goldsmith ${commandName(action)} ${USAGE[action].args}`);
  if (action.startsWith('rollout-')) {
    if (action !== 'rollout-resume' && action !== 'rollout-retry' && typeof values.reason !== 'string') {
      throw new UsageError(`${commandName(action)} needs --reason R (it is announced and kept)`);
    }
    return { action, image, channel: second, ...opt('version'), ...opt('reason') };
  }
  if (action === 'resume') return { action, image, version: second, ...opt('reason') };
  if (action === 'promote' && values['through-gates'] === true) {
    if (typeof values.reason !== 'string') {
      throw new UsageError('promote --through-gates needs --reason R (it is kept in the history)');
    }
    if (values.version !== undefined)
      throw new UsageError('promote --through-gates names the version second: no --version');
    return { action: 'promote-through-gates', image, version: second, reason: values.reason };
  }
  if (action === 'release' || action === 'restore') {
    if (typeof values.reason !== 'string') {
      throw new UsageError(`${action} needs --reason R (it is announced and kept)`);
    }
    return { action, image, version: second, reason: values.reason };
  }
  for (const flag of ['now', 'withdraw'] as const) {
    if (values[flag] === true && action !== 'revoke')
      throw new UsageError(`--${flag} belongs to revoke, not ${commandName(action)}`);
  }
  if (action === 'revoke' && values.cancel === true) {
    if (values.at !== undefined || values.now === true || values.withdraw === true)
      throw new UsageError('revoke --cancel calls off the scheduled revocation: no --at, --now or --withdraw');
    return { action: 'cancel-revocation', image, version: second, ...opt('reason') };
  }
  if (action === 'revoke') {
    if (typeof values.reason !== 'string') throw new UsageError('revoke needs --reason R (it is announced and kept)');
    // Now is said as --now, --at now, or no --at: the endpoint takes its own clock's now.
    const now = values.now === true || values.at === 'now';
    if (values.now === true && values.at !== undefined) {
      throw new UsageError('revoke --now revokes at once: no --at (or --at now alone)');
    }
    const withdraw = values.withdraw === true ? { withdraw: true } : {};
    return { action, image, version: second, ...opt('reason'), ...(now ? {} : opt('at')), ...withdraw };
  }
  if (action === 'reject' && typeof values.reason !== 'string') {
    throw new UsageError('reject needs --reason R (it is announced to the people who asked, and kept)');
  }
  // rollback --to V names the version to go to, older or newer (--version says the same); it says why.
  const version = action === 'rollback' && typeof values.to === 'string' ? { version: values.to } : opt('version');
  if (action === 'rollback' && 'version' in version && typeof values.reason !== 'string') {
    throw new UsageError(rollbackToNeedsReason);
  }
  return { action, image, channel: second, ...version, ...opt('reason') };
}

/**
 * On a saved cloud, approving or rejecting acts as a person: without `--as`, the catalog's first operator would be
 * refused by the endpoint only after the whole cloud was replayed. Said at once, naming who may decide.
 */
function mustActAsApprover(catalog: Catalog, action: Action, image: string, channel: string, as: unknown): void {
  if (typeof as === 'string') return;
  const spec = catalog.channels.find((c) => c.name === channel);
  const approvers = spec?.approval?.approvers ?? [];
  const operator = catalog.access.operators[0];
  const principals = approvers.flatMap((name) => catalog.access.approvers[name] ?? []);
  if (operator !== undefined && principals.includes(operator)) return;
  throw new UsageError(
    approvers.length === 0
      ? `${image}/${channel} asks nobody for approval: there is nothing to ${action}`
      : `${action} acts as one of ${image}/${channel}'s approvers (${approvers.join(', ')}): ` +
          `pass --as NAME, e.g. --as ${approvers[0]}`,
  );
}

/** The command for one operator action. */
export function actionCommand(action: Action): Command {
  return {
    summary: USAGE[action].summary,
    async run(args) {
      const extra = {
        reason: { type: 'string' },
        version: { type: 'string' },
        to: { type: 'string' },
        as: { type: 'string' },
        at: { type: 'string' },
        url: { type: 'string' },
        cancel: { type: 'boolean' },
        builds: { type: 'boolean' },
        now: { type: 'boolean' },
        withdraw: { type: 'boolean' },
        'through-gates': { type: 'boolean' },
      } as const;
      const parsed = await operatorOptions(
        args,
        extra,
        2,
        `name the image: goldsmith ${commandName(action)} ${USAGE[action].args} (--stage STAGE | --local DIR)`,
      );
      if (parsed.help) {
        process.stdout.write(`${help(action)}\n`);
        return 0;
      }
      const { where, json, values } = parsed;
      const request = requestOf(action, parsed.positionals, values);
      const image = String(request.image);
      const channel = typeof request.channel === 'string' ? request.channel : undefined;
      checkArguments(request);
      checkNames(where.catalog, image, channel);
      if (where.kind === 'local' && channel && (action === 'approve' || action === 'reject')) {
        mustActAsApprover(where.catalog, action, image, channel, values.as);
      }
      const as = typeof values.as === 'string' ? values.as : undefined;
      const forbidden =
        where.kind === 'local' ? identityRefusal(where.catalog, request, localPrincipal(where.catalog, as)) : undefined;
      const refused = precheck(
        where,
        await ledgerOf(where, image),
        {
          action: String(request.action),
          image,
          ...(channel ? { channel } : {}),
          ...(typeof request.version === 'string' ? { version: request.version } : {}),
        },
        nowOf(where),
      );
      const answer = forbidden
        ? { status: forbidden.status, response: { ok: false, error: forbidden.error } }
        : refused
          ? { status: 409, response: { ok: false, error: refused } }
          : await sendOperatorRequest(where, request, as);
      if (json) process.stdout.write(`${JSON.stringify({ status: answer.status, ...answer.response }, null, 2)}\n`);
      if (!answer.response.ok) {
        process.stderr.write(
          `goldsmith ${commandName(action)}: ${answer.response.error ?? `refused (${answer.status})`}\n`,
        );
        return 1;
      }
      const result = answer.response.result ?? {};
      if (!json) process.stdout.write(answerText(String(request.action), result));
      return 0;
    },
  };
}

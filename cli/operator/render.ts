import { heldInstead } from '../../core/lifecycle/lineage-hold.js';
import { supersededText } from '../../core/lifecycle/scheduled-revocation.js';
import { changesLine } from '../../core/sbom/changes-text.js';
import { childOnReplacementText } from '../../core/status/restored-children.js';
import { type HistoryEntry, shortTime } from './ledger-history.js';
import { revokedText, rolledBackText } from './move-back-text.js';
import type { ImageStatus } from './read.js';

const when = shortTime;

/** Human output of `goldsmith status`: each image, each channel, what is in flight, the last failure, cost. */
export function renderStatus(images: readonly ImageStatus[], at: Date): string {
  const out: string[] = [`Goldsmith at ${when(at.toISOString())} UTC`];
  for (const image of images) {
    out.push('', `${image.image}  (${image.builds} build(s) in the ledger)`);
    const width = Math.max(...image.channels.map((c) => c.channel.length));
    for (const c of image.channels) {
      const head = `  ${c.channel.padEnd(width)}  `;
      // A container's pointer names a digest per region; it is shown short (the first 12 hex digits, as docker does).
      const targets = { ...c.pointer?.amis, ...c.pointer?.digests };
      const revoked = c.revoked ? revokedText(c.revoked) : '';
      const rolledBack = c.rolledBack ? `; ${rolledBackText(c.rolledBack)}` : '';
      const pointer = c.pointer
        ? `${c.pointer.version}  ${Object.entries(targets)
            .map(([r, a]) => `${r} ${a.startsWith('sha256:') ? a.slice(0, 19) : a}`)
            .join(', ')}  (since ${when(c.pointer.at)})${rolledBack}${revoked ? `; ${revoked}` : ''}`
        : revoked
          ? `— (withdrawn: ${revoked})`
          : '— (never promoted)';
      const lag = c.lagBuilds > 0 ? `; ${c.lagBuilds} build(s) behind` : '';
      out.push(`${head}${pointer}${lag}`);
      if (c.pending) {
        out.push(
          `  ${' '.repeat(width)}  not moved to ${c.pending.version}: ` +
            (c.pending.ended
              ? `promotion ${c.pending.ended} at ${when(c.pending.since)}: `
              : c.pending.since
                ? `promotion paused since ${when(c.pending.since)}: `
                : '') +
            c.pending.reason,
        );
      }
      if (c.flagged) {
        out.push(
          `  ${' '.repeat(width)}  flagged since ${when(c.flagged.at)}: ${c.flagged.reason}; kept here until its replacement is promoted here`,
        );
      }
      const rollout = image.rollouts?.find((r) => r.channel === c.channel);
      if (rollout) out.push(`  ${' '.repeat(width)}  ${rollout.line}`);
      if (c.waiting) {
        const share = Math.round(c.waiting.fractionOfTimeout * 100);
        out.push(
          `  ${' '.repeat(width)}  waiting for approval of ${c.waiting.version} since ${when(c.waiting.since)} from ` +
            `${c.waiting.approvers.join(', ')} (${share}% of its timeout; expires ${when(c.waiting.expiresAt)})`,
        );
        // What the approvers are asked to let in: the counts, and the command that prints the whole diff.
        const changes = c.waiting.changes;
        if (changes) out.push(`  ${' '.repeat(width)}    changes ${changesLine(changes)}`);
        if (changes?.kind === 'diff') out.push(`  ${' '.repeat(width)}    full diff: ${changes.command}`);
      }
    }
    for (const f of image.inFlight) {
      // A pause whose pointer move is pending was explained on its channel's line.
      const explained = image.channels.some((c) => c.channel === f.paused?.channel && c.pending?.version === f.version);
      const paused = f.paused
        ? ` at ${f.paused.channel}, never promoted${explained ? ' (see the channel)' : `: ${f.paused.reason}`}`
        : '';
      out.push(`  in flight: ${f.version} ${f.state} (${f.status}) since ${when(f.since)}${paused}`);
      if (f.paused) out.push(`    resume: ${f.paused.resume}`);
      if (f.resumed) {
        const r = f.resumed;
        out.push(
          `    ${r.text} at ${when(r.at)}${r.why ? `: ${r.why}` : ''}; it had paused at ${r.channel} since ${when(r.pausedAt)}: ${r.reason}`,
        );
      }
    }
    for (const attempt of image.attempts ?? []) out.push(`  ${attempt}`);
    for (const c of image.onReplacement ?? []) out.push(`  rebuild wanted: ${childOnReplacementText(c)}`);
    for (const f of image.flagged ?? []) {
      const stopped = f.stopped
        ? `its promotion stopped at ${f.stopped.channel} ${when(f.stopped.at)}`
        : 'its promotion stops at its next gate, soak check or approval';
      out.push(
        `  flagged: ${f.version} since ${when(f.at)}: ${f.reason}; held out of every further channel, ${stopped}; ` +
          heldInstead(f.awaits, f.via),
      );
    }
    for (const h of image.held ?? []) {
      const released = h.released ? `; released ${when(h.released.at)} by ${h.released.by}` : '';
      out.push(
        `  held in use: ${h.version} since ${when(h.since)}, ${h.accounts} account(s), ${h.instances} instance(s)` +
          ` (hold ends ${when(h.until)})${released}`,
      );
    }
    for (const r of image.scheduledRevocations ?? []) {
      const due = when(r.dueAt);
      const what =
        r.superseded !== undefined
          ? supersededText(due, { at: when(r.superseded.at), by: r.superseded.by })
          : r.cancelled !== undefined
            ? `revocation scheduled for ${due} cancelled by ${r.cancelled.by}${r.cancelled.reason ? `: ${r.cancelled.reason}` : ''}`
            : `revocation scheduled for ${due} by ${r.by}: ${r.reason}`;
      out.push(`  ${r.version}: ${what}`);
    }
    for (const r of image.revocationRequests ?? []) {
      const channels = r.channels.length > 0 ? ` (${r.channels.join(', ')})` : '';
      const who = r.atOnce ? 'to be carried out at once (revokeOn), not yet' : 'waiting for an operator';
      out.push(
        `  ${r.version}: revocation requested ${when(r.since)}${channels}, ${who}: ${r.reason}; ` +
          `carry it out: goldsmith revoke ${image.image} ${r.version} --reason R (with --withdraw where it is all a ` +
          'channel was promoted to)',
      );
    }
    if (image.buildsPaused) {
      const p = image.buildsPaused;
      out.push(
        `  builds paused since ${when(p.since)}: the last ${p.failedBuilds.length} builds failed in a row ` +
          `(${p.failedBuilds.join(', ')}); resume with ${p.resume}`,
      );
    }
    if (image.lastFailure) {
      out.push(
        `  last failure: ${image.lastFailure.version} at ${when(image.lastFailure.at)}: ${image.lastFailure.what}`,
      );
    }
    if (image.lastFindings) {
      const f = image.lastFindings;
      const since = f.revokedSince ? `; revoked since, at ${when(f.revokedSince)}` : '';
      out.push(`  last findings: ${f.version} at ${when(f.at)}: ${f.what}${since}`);
    }
    const c = image.cost;
    out.push(
      `  cost: ${c.buildsLast30Days} finished build(s) in 30 days ≈ ${c.buildCostLast30Days.toFixed(2)} ${c.currency}` +
        (c.unfinishedLast30Days > 0 ? ` (${c.unfinishedLast30Days} still building: cost not known yet)` : '') +
        '; ' +
        `storage ≈ ${c.storagePerMonth.toFixed(2)} ${c.currency}/month`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** Human output of `goldsmith history IMAGE`; `verbose` lists each line's details under it (skipped groups). */
export function renderHistory(image: string, entries: readonly HistoryEntry[], verbose = false): string {
  if (entries.length === 0) return `${image}: nothing in the ledger yet\n`;
  const lines = entries.flatMap((e) => [
    `${when(e.at)}  ${(e.version ?? '').padEnd(9)} ${(e.channel ?? '').padEnd(8)} ${e.what}`,
    ...(verbose ? (e.details ?? []).map((d) => `${' '.repeat(39)}${d}`) : []),
  ]);
  return `${lines.join('\n')}\n`;
}

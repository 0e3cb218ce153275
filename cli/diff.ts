import { diffDigest, diffVersions } from '../core/sbom/diff.js';
import { diffLines } from '../core/sbom/diff-text.js';
import type { Command } from './command.js';
import { checkNames, operatorOptions, TARGET_HELP } from './operator/options.js';
import { ledgerOf } from './operator/read.js';
import { earlierFindings, findingsOf, versionArgument, versionContent } from './operator/version-content.js';
import { UsageError } from './usage.js';

const HELP = `usage: goldsmith diff IMAGE FROM TO (--stage STAGE | --local DIR) [--json]

What version TO of an image changes against version FROM, from the contents and scan findings the ledger records:
the recipe and the parent when they changed, the recipe's components, the packages (downgrades first, then
upgrades, additions and removals, each with both versions, ordered as the package manager orders them) and the
gate's findings: fixed (in FROM, not in TO), new, and reappeared (new against FROM, found in a version before it),
most severe first. FROM and TO are Image Builder versions (1.0.0/3; 1.0.0-3 also works).
${TARGET_HELP}: the diff and its digest (sha256 of its canonical JSON)`;

export const command: Command = {
  summary: 'what one version of an image changes against another: packages, components, findings',
  async run(args) {
    const parsed = await operatorOptions(
      args,
      {},
      3,
      'name the image and two versions: goldsmith diff IMAGE FROM TO (--stage STAGE | --local DIR)',
    );
    if (parsed.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const { where, json, positionals } = parsed;
    const [image, rawFrom, rawTo] = positionals;
    if (!image || !rawFrom || !rawTo) throw new UsageError('name two versions: goldsmith diff IMAGE FROM TO');
    checkNames(where.catalog, image);
    const [from, to] = [versionArgument(rawFrom, 'FROM'), versionArgument(rawTo, 'TO')];
    const items = await ledgerOf(where, image);
    const diff = diffVersions(versionContent(where, image, items, from), versionContent(where, image, items, to), {
      from: findingsOf(items, from),
      to: findingsOf(items, to),
      earlier: earlierFindings(items, from),
    });
    if (json) process.stdout.write(`${JSON.stringify({ diff, digest: diffDigest(diff) }, null, 2)}\n`);
    else process.stdout.write(`${diffLines(diff).join('\n')}\n`);
    return 0;
  },
};

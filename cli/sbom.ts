import { toCycloneDx } from '../core/sbom/cyclonedx.js';
import { toSpdx } from '../core/sbom/spdx.js';
import type { Command } from './command.js';
import { checkNames, operatorOptions, TARGET_HELP } from './operator/options.js';
import { ledgerOf } from './operator/read.js';
import { versionArgument, versionContent } from './operator/version-content.js';
import { UsageError } from './usage.js';

const FORMATS = { cyclonedx: toCycloneDx, spdx: toSpdx } as const;

const HELP = `usage: goldsmith sbom IMAGE VERSION [--format cyclonedx|spdx] (--stage STAGE | --local DIR)

The software bill of materials of one version of an image, as the ledger records it when its build becomes
AVAILABLE: the image, its packages (each with its package URL), the recipe's components with their ARNs and the
parent image. Printed as one JSON document: CycloneDX 1.6 (default) or SPDX 2.3; the same version always prints
the same document. VERSION is Image Builder's (1.0.0/3; 1.0.0-3 also works).
  --format F        cyclonedx (default) or spdx
${TARGET_HELP} (the document is JSON either way)`;

const isFormat = (f: string): f is keyof typeof FORMATS => Object.hasOwn(FORMATS, f);

export const command: Command = {
  summary: "one version's software bill of materials (CycloneDX 1.6 or SPDX 2.3 JSON)",
  async run(args) {
    const parsed = await operatorOptions(
      args,
      { format: { type: 'string' } },
      2,
      'name the image and version: goldsmith sbom IMAGE VERSION (--stage STAGE | --local DIR)',
    );
    if (parsed.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const { where, positionals, values } = parsed;
    const [image, rawVersion] = positionals;
    if (!image || !rawVersion) throw new UsageError('name the version too: goldsmith sbom IMAGE VERSION');
    const format = typeof values.format === 'string' ? values.format : 'cyclonedx';
    if (!isFormat(format))
      throw new UsageError(`--format "${format}" is not one of: ${Object.keys(FORMATS).join(', ')}`);
    checkNames(where.catalog, image);
    const version = versionArgument(rawVersion, 'VERSION');
    const content = versionContent(where, image, await ledgerOf(where, image), version);
    process.stdout.write(`${JSON.stringify(FORMATS[format](content), null, 2)}\n`);
    return 0;
  },
};

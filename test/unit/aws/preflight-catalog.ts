import { parseCatalog } from '../../../core/config/catalog.js';
import type { Catalog } from '../../../core/config/schema.js';

/** A parsed catalog for the preflight tests: one AMI image in eu-west-1 and us-east-1, and the given channels. */
export function preflightCatalog(
  channels: { name: string; targets: Record<string, unknown> }[],
  organization: Record<string, unknown> = {},
): Catalog {
  const parsed = parseCatalog(
    {
      organization: { id: 'o-a1b2c3d4e5', homeRegion: 'eu-west-1', ...organization },
      images: {
        base: {
          parent: 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
          components: [{ managed: 'update-linux' }],
          regions: ['eu-west-1', 'us-east-1'],
        },
      },
      channels,
    },
    { read: () => undefined },
  );
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.catalog;
}

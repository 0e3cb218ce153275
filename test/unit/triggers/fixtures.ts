import { type Catalog, catalogShapeSchema } from '../../../core/config/schema.js';

export const AL2023 = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
export const AL2 = '/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2';

/** A small catalog exercising every trigger: a patched base, two generations of children, a cron image, two more bases. */
export function triggerCatalog(): Catalog {
  const components = [{ managed: 'update-linux' }];
  return catalogShapeSchema.parse({
    organization: { id: 'o-a1b2c3d4e5', homeRegion: 'us-east-1' },
    images: {
      base: {
        parent: `ssm:${AL2023}`,
        components,
        regions: ['us-east-1'],
        schedule: { type: 'monthly-patch', daysAfterPatchTuesday: 2, at: '03:00', timezone: 'Europe/London' },
        triggers: { baseImage: true, packages: ['openssl', 'glibc'] },
      },
      hardened: {
        parent: { image: 'base', channel: 'staging' },
        components,
        regions: ['us-east-1'],
        triggers: { baseImage: false, packages: ['openssh', 'openssl'] },
      },
      app: {
        parent: { image: 'hardened', channel: 'staging' },
        components,
        regions: ['us-east-1'],
        triggers: { baseImage: false, packages: ['openssl', 'java'] },
      },
      web: {
        kind: 'container',
        parent: 'docker:amazonlinux:2023',
        components,
        regions: ['us-east-1'],
        schedule: { type: 'cron', expression: 'cron(0 4 ? * SUN *)', timezone: 'UTC' },
        triggers: { baseImage: false, packages: ['nginx'] },
      },
      tools: { parent: `ssm:${AL2023}`, components, regions: ['us-east-1'] },
      legacy: { parent: `ssm:${AL2}`, components, regions: ['us-east-1'], triggers: { baseImage: false } },
      edge: {
        parent: { image: 'base', channel: 'prod' },
        components,
        regions: ['us-east-1'],
        triggers: { baseImage: false, packages: [] },
      },
    },
    channels: [
      { name: 'staging', targets: { ous: ['ou-x1y2-stg00001'] } },
      { name: 'prod', targets: { ous: ['ou-x1y2-prd00001'] } },
    ],
  });
}

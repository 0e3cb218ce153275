import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../../core/config/catalog.js';

const catalog = (organization: Record<string, unknown>) => ({
  organization: { id: 'o-a1b2c3d4e5', homeRegion: 'eu-west-1', ...organization },
  images: {
    base: {
      parent: 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      components: [{ managed: 'update-linux' }],
      regions: ['eu-west-1'],
    },
  },
  channels: [{ name: 'dev', targets: { organization: true } }],
});

describe('organization.inspectorAdministrator', () => {
  it('is absent by default (the factory is the administrator) and keeps a 12-digit account id', () => {
    const plain = parseCatalog(catalog({}), { read: () => undefined });
    expect(plain.ok && plain.catalog.organization.inspectorAdministrator).toBeUndefined();
    const named = parseCatalog(catalog({ inspectorAdministrator: '444455556666' }), { read: () => undefined });
    expect(named.ok && named.catalog.organization.inspectorAdministrator).toBe('444455556666');
  });

  it('refuses anything but a 12-digit account id, naming the field', () => {
    const parsed = parseCatalog(catalog({ inspectorAdministrator: 'security' }), { read: () => undefined });
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems).toEqual([
      'organization.inspectorAdministrator: must be a 12-digit AWS account id',
    ]);
  });
});

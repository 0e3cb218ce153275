import { describe, expect, it } from 'vitest';
import { encodeInventory, splitInventory } from '../../../core/lifecycle/finding-scope.js';
import { componentOfArn, contentOfBuild } from '../../../core/sbom/build-content.js';
import {
  contentItem,
  contentOf,
  type RecordedContent,
  scanFindingsOf,
  scanItem,
} from '../../../core/sbom/ledger-content.js';

const ARN = 'arn:aws:imagebuilder:us-east-1:111122223333:image/goldsmith-base-1a2b3c/1.0.0/3';

const recorded: RecordedContent = {
  image: 'base',
  version: '1.0.0/3',
  kind: 'ami',
  buildVersionArn: ARN,
  builtAt: '2027-01-18T17:50:56Z',
  recipe: { name: 'goldsmith-base-1a2b3c', version: '1.0.0' },
  parent: 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
  components: [
    {
      name: 'update-linux',
      version: 'x.x.x',
      arn: 'arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x',
    },
  ],
  packageSource: 'imagebuilder',
};

/** The inventory items of a version, split into parts of `bytes` as aws/builds/image-packages.ts writes them. */
function inventoryItems(version: string, packages: { name: string; version: string }[], bytes = 300 * 1024) {
  const parts = splitInventory(encodeInventory(packages), bytes);
  return parts.map((body, part) => ({
    pk: 'IMAGE#base',
    sk: `INVENTORY#${version}#${String(part).padStart(3, '0')}`,
    kind: 'inventory',
    part,
    parts: parts.length,
    packages: body,
  }));
}

const sixty = Array.from({ length: 60 }, (_, i) => ({
  name: `pkg-${String(59 - i).padStart(2, '0')}`,
  version: '1.0-1',
}));

describe('contentOf', () => {
  it('round-trips the operating system, the parent build and a resolved component', () => {
    const child: RecordedContent = {
      ...recorded,
      parent: 'ssm:/goldsmith/base/prod',
      osVersion: 'Amazon Linux 2023',
      parentBuild: { image: 'base', channel: 'prod', version: '1.0.0/4', ami: 'ami-0aaaaaaaaaaaaaaa4' },
      components: [
        {
          name: 'update-linux',
          version: '1.0.2/1',
          arn: 'arn:aws:imagebuilder:us-east-1:aws:component/update-linux/1.0.2/1',
          requested: 'arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x',
        },
      ],
    };

    const content = contentOf([contentItem(child), ...inventoryItems('1.0.0/3', sixty)], '1.0.0/3');

    expect(content).toMatchObject({ ...child, kind: 'ami' });
  });

  it('reads content recorded before the operating system and parent build were kept, without them', () => {
    const content = contentOf([contentItem(recorded), ...inventoryItems('1.0.0/3', sixty)], '1.0.0/3');

    expect(content).toBeDefined();
    expect(content && 'osVersion' in content).toBe(false);
    expect(content && 'parentBuild' in content).toBe(false);
  });

  it("gives a version's recipe, parent, components and every package of its inventory, sorted", () => {
    const items = [contentItem(recorded), ...inventoryItems('1.0.0/3', sixty, 200)];
    expect(items.length).toBeGreaterThan(3);

    const content = contentOf(items, '1.0.0/3');

    expect(content).toMatchObject({ ...recorded, kind: 'ami' });
    expect(content?.packages).toHaveLength(60);
    expect(content?.packages[0]).toEqual({ name: 'pkg-00', version: '1.0-1' });
    expect(content?.packages[59]).toEqual({ name: 'pkg-59', version: '1.0-1' });
  });

  it('is undefined while a part of the inventory is missing, rather than a version with fewer packages', () => {
    const items = [contentItem(recorded), ...inventoryItems('1.0.0/3', sixty, 200).slice(1)];
    expect(contentOf(items, '1.0.0/3')).toBeUndefined();
  });

  it("does not read another version's items (1.0.0/3 is not 1.0.0/30)", () => {
    const items = [contentItem(recorded), ...inventoryItems('1.0.0/30', sixty)];
    expect(contentOf(items, '1.0.0/3')).toBeUndefined();
    expect(contentOf(items, '1.0.0/30')).toBeUndefined();
  });

  it('gives a container Inspector does not cover with no packages, said so', () => {
    const items = [contentItem({ ...recorded, kind: 'container', packageSource: 'none' })];
    expect(contentOf(items, '1.0.0/3')).toMatchObject({ kind: 'container', packageSource: 'none', packages: [] });
  });
});

describe('scanFindingsOf', () => {
  it('gives the recorded findings one per id, sorted, and undefined for a version without a record', () => {
    const items = [
      scanItem('base', '1.0.0/3', [
        { id: 'CVE-2027-0002', severity: 'HIGH', packages: ['openssl 3.0.8'] },
        { id: 'CVE-2027-0001', severity: 'CRITICAL', packages: ['openssl-libs 3.0.8'] },
        { id: 'CVE-2027-0002', severity: 'HIGH', packages: ['openssl-libs 3.0.8'] },
      ]),
    ];

    expect(scanFindingsOf(items, '1.0.0/3')).toEqual([
      { id: 'CVE-2027-0001', severity: 'CRITICAL', packages: ['openssl-libs 3.0.8'] },
      { id: 'CVE-2027-0002', severity: 'HIGH', packages: ['openssl 3.0.8', 'openssl-libs 3.0.8'] },
    ]);
    expect(scanFindingsOf(items, '1.0.0/4')).toBeUndefined();
  });

  it('gives an empty list for a scan that found nothing (a record, unlike none)', () => {
    expect(scanFindingsOf([scanItem('base', '1.0.0/3', [])], '1.0.0/3')).toEqual([]);
  });
});

describe('contentOfBuild', () => {
  it('names each component and its version from its ARN, and fails naming the recipe GetImage did not give', () => {
    expect(componentOfArn('arn:aws:imagebuilder:us-east-1:111122223333:component/base-agents/1.2.0/1')).toEqual({
      name: 'base-agents',
      version: '1.2.0/1',
      arn: 'arn:aws:imagebuilder:us-east-1:111122223333:component/base-agents/1.2.0/1',
    });
    expect(() =>
      contentOfBuild({
        image: 'web',
        version: '1.0.0/1',
        buildVersionArn: ARN,
        kind: 'container',
        builtAt: '2027-01-18T17:50:56Z',
        recipe: undefined,
      }),
    ).toThrow(/containerRecipe missing/);
  });
});

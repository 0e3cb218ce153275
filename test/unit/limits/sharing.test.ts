import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../../core/config/schema.js';
import { catalogShapeSchema } from '../../../core/config/schema.js';
import { checkLimits } from '../../../core/limits/index.js';
import type { OrgTree } from '../../../core/sharing/targets.js';
import { CATALOG, NO_FILES, problemsOf } from './helpers.js';

const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(300000000000 + from + i));

/** The small catalog with these channels (every image goes through all of them). */
function withChannels(channels: { name: string; targets: Record<string, unknown> }[]): Catalog {
  return catalogShapeSchema.parse({ ...CATALOG, channels });
}

const ROOT = 'r-ab12';
const ORG_ARN = 'arn:aws:organizations::111122223333:organization/o-zz9988776655';
const BIG_OU = 'ou-ab12-big00001';

/** An organization whose one OU holds `count` active accounts, of which the first `tagged` carry team=web. */
function organization(count: number, tagged = 0): OrgTree {
  return {
    organizationArn: ORG_ARN,
    rootId: ROOT,
    ous: new Map([
      [BIG_OU, { arn: `arn:aws:organizations::111122223333:ou/o-zz9988776655/${BIG_OU}`, parentId: ROOT }],
    ]),
    accounts: new Map(
      ids(0, count).map((id, i) => [
        id,
        { parentId: BIG_OU, state: 'ACTIVE', tags: (i < tagged ? { team: 'web' } : {}) as Record<string, string> },
      ]),
    ),
    tagsRead: true,
  };
}

const sharing = (catalog: Catalog, tree?: OrgTree) =>
  problemsOf(checkLimits(catalog, NO_FILES, [], tree), 'amiSharingEntities');

describe('the AMI sharing quota in goldsmith validate', () => {
  it('refuses a channel that lists 1,001 accounts, naming the channel, the count and the quota', () => {
    const catalog = withChannels([{ name: 'live', targets: { accounts: ids(0, 1_001) } }]);

    expect(sharing(catalog)).toEqual([
      'channels.live.targets: each AMI of a version in channels live at once (live 1,001; as the catalog names them) would be 1,001 entities, over the EC2 AMI sharing (entities per AMI and Region) limit of 1,000 (images: solo); adjustable: request an increase through Service Quotas first',
    ]);
  });

  it('holds to the quota as raised in the catalog (quotas.amiSharing)', () => {
    const catalog = withChannels([{ name: 'live', targets: { accounts: ids(0, 1_001) } }]);
    const raised = { ...catalog, quotas: { amiSharing: 1_001 } };

    expect(sharing(raised)).toEqual([]);
    expect(checkLimits(raised, NO_FILES).figures.find((f) => f.id === 'amiSharingEntities')).toMatchObject({
      max: 1_001,
      headroom: 0,
    });
    expect(sharing({ ...catalog, quotas: { amiSharing: 1_000 } })).toHaveLength(1);
  });

  it('passes a channel at the quota, and reports how close it is', () => {
    const catalog = withChannels([{ name: 'live', targets: { ous: [BIG_OU], accounts: ids(0, 999) } }]);
    const report = checkLimits(catalog, NO_FILES);

    expect(problemsOf(report, 'amiSharingEntities')).toEqual([]);
    expect(report.figures.find((f) => f.id === 'amiSharingEntities')).toMatchObject({ headroom: 0, measured: 1 });
  });

  it('counts a channel granting the whole organization as one entity, covering what the others name only while held', () => {
    const covered = withChannels([{ name: 'live', targets: { organization: true, accounts: ids(0, 1_001) } }]);
    const apart = withChannels([
      { name: 'dev', targets: { organization: true } },
      { name: 'prod', targets: { accounts: ids(0, 1_001) } },
    ]);

    expect(sharing(covered)).toEqual([]);
    expect(sharing(apart)).toEqual([
      expect.stringContaining('channels.prod.targets: each AMI of a version in channels prod at once (prod 1,001;'),
    ]);
  });

  it('counts every channel a version can hold at once within retention, and names the largest', () => {
    const catalog = withChannels([
      { name: 'dev', targets: { accounts: ids(0, 400) } },
      { name: 'prod', targets: { accounts: ids(400, 600), ous: [BIG_OU] } },
    ]);

    expect(sharing(catalog)).toEqual([
      expect.stringMatching(
        /^channels\.prod\.targets: each AMI of a version in channels dev, prod at once \(dev 400, prod 601; .*would be 1,001 entities, over .* limit of 1,000/,
      ),
    ]);
  });

  it('expands exclusions inside an OU against a held organization: the OU breaks into its other accounts', () => {
    const catalog = withChannels([{ name: 'live', targets: { ous: [BIG_OU], exclude: { accounts: [ids(0, 1)[0]] } } }]);

    expect(sharing(catalog)).toEqual([]);
    expect(sharing(catalog, organization(1_001))).toEqual([]);
    expect(sharing(catalog, organization(1_002))).toEqual([
      expect.stringContaining(
        'channels.live.targets: each AMI of a version in channels live at once (live 1,001; resolved against the organization) would be 1,001 entities',
      ),
    ]);
  });

  it("takes the worst set of channels a version can hold: an OU in dev covers prod's accounts only while dev is held", () => {
    const catalog = withChannels([
      { name: 'dev', targets: { ous: [BIG_OU] } },
      { name: 'prod', targets: { accounts: ids(0, 1_001) } },
    ]);

    expect(sharing(catalog, organization(1_001))).toEqual([
      expect.stringContaining(
        'channels.prod.targets: each AMI of a version in channels prod at once (prod 1,001; resolved against the organization) would be 1,001 entities',
      ),
    ]);
  });

  it('expands tag-selected accounts against a held organization', () => {
    const catalog = withChannels([{ name: 'live', targets: { accountTags: { team: 'web' } } }]);

    expect(sharing(catalog)).toEqual([]);
    expect(sharing(catalog, organization(1_200, 1_000))).toEqual([]);
    expect(sharing(catalog, organization(1_200, 1_001))).toEqual([expect.stringContaining('would be 1,001 entities')]);
  });
});

describe('AMIs per Region in goldsmith validate', () => {
  it('counts retention.keep per channel of every image built in a Region', () => {
    const spec = { ...CATALOG.images.solo!, retention: { ...CATALOG.images.solo!.retention, keep: 100 } };
    const images = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`img${i}`, spec]));
    const over: Catalog = { ...CATALOG, images: images(501) };
    const at: Catalog = { ...CATALOG, images: images(500) };

    expect(problemsOf(checkLimits(at, NO_FILES), 'amisPerRegion')).toEqual([]);
    expect(problemsOf(checkLimits(over, NO_FILES), 'amisPerRegion')).toEqual([
      expect.stringMatching(
        /^images: AMIs of promoted versions kept in us-east-1 .* would be 50,100 AMIs, over the EC2 AMIs per Region limit of 50,000/,
      ),
    ]);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import { al2023Image, childImage, devChannel, OPENSSL_RELEASES, orgCatalog, run, scenarioBetween } from './helpers.js';

const CI = 'arn:aws:iam::123456789012:role/ci-release';
const INTRUDER = 'arn:aws:iam::123456789012:role/admin-with-putevents-on-star';

// A base that follows openssl and a child on the base's dev channel: a forged "Image Promoted" of the base would
// rebuild the child, a forged "Package Update" would rebuild the base.
const catalog = orgCatalog(
  {
    base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }),
    child: childImage('base', 'dev', { regions: ['us-east-1'] }),
  },
  [devChannel()],
  { access: { ci: [CI] } },
);

const envelope = (source: string, detailType: string, detail: object) => ({
  version: '0',
  id: `forged-${detailType}`,
  'detail-type': detailType,
  source,
  account: '123456789012',
  time: '2027-02-03T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
});
const BUILD_ARN = 'arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-base/1.0.0/9';
const promoted = envelope('goldsmith', 'Image Promoted', {
  image: 'base',
  version: '1.0.0/9',
  buildVersionArn: BUILD_ARN,
  channel: 'dev',
  amis: [{ region: 'us-east-1', imageId: 'ami-0123456789abcdef0' }],
  promotedAt: '2027-02-03T00:00:00Z',
});
const revoked = envelope('goldsmith', 'Image Revoked', {
  image: 'base',
  version: '1.0.0/1',
  buildVersionArn: BUILD_ARN.replace('/9', '/1'),
  channels: ['dev'],
  reason: 'forged',
  revokedAt: '2027-02-03T00:00:00Z',
});
const packageUpdate = envelope('goldsmith.ci', 'Package Update', { package: 'openssl', version: '3.0.99' });

const genuine = [{ at: '2027-02-02T10:00:00Z', kind: 'ci-package-update', package: 'openssl', version: '3.0.17' }];
const forged = [
  { at: '2027-02-05T00:00:00Z', as: INTRUDER, event: revoked },
  { at: '2027-02-05T00:00:00Z', as: INTRUDER, event: promoted },
  { at: '2027-02-05T00:00:00Z', as: INTRUDER, event: packageUpdate },
  { at: '2027-02-05T01:00:00Z', as: 'ci', event: revoked },
];

const scenario = (events: object[]) => scenarioBetween('2027-02-01T00:00:00Z', '2027-02-08T00:00:00Z', { events });

const outcomes = (result: SimulationResult) => ({
  builds: result.report.builds.map((b) => `${b.image} ${b.version} ${b.trigger} ${b.status}`),
  promotions: result.report.promotions.map((p) => `${p.image} ${p.version} ${p.channel} ${p.outcome}`),
});

describe("Goldsmith's bus on the local cloud: forged facts and package updates are refused by the bus policy", () => {
  let clean: SimulationResult;
  let attacked: SimulationResult;

  beforeAll(async () => {
    clean = await run(catalog, scenario(genuine));
    attacked = await run(catalog, scenario([...genuine, ...forged]));
  }, 240_000);

  it("builds and promotes what CI's genuine package update asks for", () => {
    expect(outcomes(clean).builds).toEqual(['base 1.0.0/1 package AVAILABLE', 'child 1.0.0/1 cascade AVAILABLE']);
    expect(outcomes(clean).promotions).toEqual(['base 1.0.0/1 dev promoted', 'child 1.0.0/1 dev promoted']);
  });

  it('builds and promotes exactly the same with the forged events', () => {
    expect(outcomes(attacked)).toEqual(outcomes(clean));
  });

  it('lists each refused put with the principal that tried', () => {
    const refused = attacked.report.rejectedEvents.filter((r) => r.principal !== undefined);
    expect(refused.map((r) => [r.principal, /detail-type ([^)]+)\)/.exec(r.reason)?.[1]])).toEqual([
      [INTRUDER, 'Image Revoked'],
      [INTRUDER, 'Image Promoted'],
      [INTRUDER, 'Package Update'],
      [CI, 'Image Revoked'],
    ]);
    for (const r of refused) expect(r.reason).toContain('explicit deny');
    expect(clean.report.rejectedEvents).toEqual([]);
  });
});

describe('a fact that passes the bus policy but contradicts the ledger', () => {
  let result: SimulationResult;

  beforeAll(async () => {
    // Sent as Goldsmith's own publishing function: the bus lets it through, start-builds checks the ledger.
    result = await run(
      catalog,
      scenario([...genuine, { at: '2027-02-05T00:00:00Z', as: 'goldsmith', event: promoted }]),
    );
  }, 240_000);

  it('rebuilds nothing and dead-letters the fact with the reason', () => {
    expect(outcomes(result).builds).toEqual(['base 1.0.0/1 package AVAILABLE', 'child 1.0.0/1 cascade AVAILABLE']);
    const refusal = result.report.rejectedEvents.find((r) => r.reason.includes('FactContradictsLedgerError'));
    expect(refusal?.reason).toContain('the ledger never promoted that version to that channel');
  });
});

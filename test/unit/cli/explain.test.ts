import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ExplainSetup, explainEvent, prepareExplain } from '../../../cli/explain-event.js';
import { loadCatalogFile } from '../../../cli/load-catalog.js';
import { executionNameFor } from '../../../core/promotion/naming.js';

const REPO = join(import.meta.dirname, '../../..');
const SAMPLES = join(REPO, 'events/samples');
const FIXTURES = join(REPO, 'test/fixtures/events');
const ACCOUNT = '111122223333';

const read = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8'));
const sample = (name: string) => read(join(SAMPLES, name));

/** Which of our rules (schedules, subscriptions) deliver each of AWS's and our own samples, from the example catalog. */
const SAMPLE_ROUTES: Record<string, string[]> = {
  'amazon-linux-ami-update.json': ['sns:amazon-linux-2023-ami-updates'],
  'base-image-changed.json': ['BaseImageChangedRule'],
  'image-cve-detected.json': ['FindingRule'],
  // AWS's sample pipeline is not one of ours, and this rule lists our pipelines.
  'image-pipeline-auto-disabled.json': [],
  'image-promoted.json': ['ImagePromotedRule'],
  'image-rejected.json': [],
  'image-revoked.json': ['LifecycleRequestRule'],
  'image-rebuild-requested.json': ['RebuildRequestedRule'],
  // The state-change rule is unfiltered: on-image-event itself tells our builds from others.
  'image-state-change.json': ['ImageStateChangeRule'],
  'inspector-finding.json': ['FindingRule'],
  'package-update.json': ['PackageUpdateRule'],
  // "mypackage" is no catalog image's package.
  'package-version-state-change.json': [],
  'scheduled-build.json': ['Schedulebase'],
};

let setup: ExplainSetup;
/** The Image Builder image name of the base image's recipe, as a build ARN carries it (it ends in a content hash). */
let baseRecipe: string;

beforeAll(async () => {
  const catalog = await loadCatalogFile(join(REPO, 'goldsmith.config.ts'));
  setup = await prepareExplain(catalog, REPO, ACCOUNT);
  const recipe = setup.app.templates
    .flatMap((t) => Object.values(t.Resources ?? {}))
    .find(
      (r) => r.Type === 'AWS::ImageBuilder::ImageRecipe' && String(r.Properties?.Name).startsWith('goldsmith-base-'),
    );
  baseRecipe = String(recipe?.Properties?.Name).toLowerCase();
});

function ourStateChange(status: string, reason?: string) {
  const event = sample('image-state-change.json');
  const arn = `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image/${baseRecipe}/1.0.0/3`;
  return {
    arn,
    event: { ...event, region: 'us-east-1', resources: [arn], detail: { state: { status, reason } } },
  };
}

describe('explainEvent on the published samples', () => {
  it('covers every sample in events/samples', () => {
    expect(readdirSync(SAMPLES).sort()).toEqual(Object.keys(SAMPLE_ROUTES).sort());
  });

  it.each(Object.entries(SAMPLE_ROUTES))('knows, parses and routes %s', (file, routes) => {
    const result = explainEvent(sample(file), setup);

    expect(result).toMatchObject({ known: true, valid: true, matched: routes });
    if (routes.length === 0) expect(result.actions).toEqual([]);
    else expect(result.actions.length).toBeGreaterThan(0);
  });

  it('keeps the logical id, the bus and the target of a matched rule', () => {
    const result = explainEvent(sample('image-state-change.json'), setup);

    expect(result.routes).toEqual([
      {
        name: 'ImageStateChangeRule',
        id: expect.stringMatching(/^ImageStateChangeRule[0-9A-F]{8}$/),
        via: 'rule',
        bus: 'default',
        targets: ['on-image-event'],
      },
    ]);
  });

  it('routes a finding in another distribution Region through its forwarding rule to the home finding rule', () => {
    const elsewhere = explainEvent({ ...sample('inspector-finding.json'), region: 'eu-west-1' }, setup);
    const home = explainEvent({ ...sample('inspector-finding.json'), region: 'us-east-1' }, setup);

    expect(elsewhere.matched).toEqual(['FindingRule', 'eu-west-1/local-goldsmith-findings-to-home']);
    expect(home.matched).toEqual(['FindingRule']);
  });

  it("routes Goldsmith's own events on Goldsmith's bus, not the default one", () => {
    const [route] = explainEvent(sample('package-update.json'), setup).routes;

    expect(route?.bus).toBe('goldsmith-local');
  });

  it('ignores a state change of a build that is not ours (AWS sample)', () => {
    const result = explainEvent(sample('image-state-change.json'), setup);

    expect(result.actions).toEqual([
      'would ignore it: "cmkencryptedworkflowtest-a1b2c3d4-5678-90ab-cdef-EXAMPLE22222" is not one of our recipes',
    ]);
  });
});

describe('explainEvent on image state changes of our pipelines', () => {
  it('starts the promotion execution through the channels in order when a base build is AVAILABLE', () => {
    const { arn, event } = ourStateChange('AVAILABLE');

    const result = explainEvent(event, setup);

    expect(result.matched).toEqual(['ImageStateChangeRule']);
    expect(result.actions).toEqual([
      'would record base 1.0.0/3 as AVAILABLE in the ledger',
      `would start promotion execution ${executionNameFor(arn)} through dev → staging → prod`,
    ]);
  });

  it('records and announces a FAILED build with Image Builder’s reason', () => {
    const result = explainEvent(ourStateChange('FAILED', 'component update-linux failed').event, setup);

    expect(result.actions).toContain('would record and announce build failure (component update-linux failed)');
    expect(result.actions.some((a) => a.includes('promotion'))).toBe(false);
  });

  it('only records an intermediate status', () => {
    expect(explainEvent(ourStateChange('TESTING').event, setup).actions).toEqual([
      'would record base 1.0.0/3 as TESTING in the ledger',
    ]);
  });
});

describe('explainEvent on triggers', () => {
  it('starts a build of base for a CodeArtifact release of a catalog package', () => {
    const result = explainEvent(read(join(FIXTURES, 'codeartifact-openssl-published.json')), setup);

    expect(result.matched).toEqual(['CodeArtifactReleaseRule']);
    expect(result.actions).toEqual([
      expect.stringMatching(
        /^would start build of base \(trigger package, dedupe key package:base:openssl@3\.0\.16, client token [0-9a-f]+\)$/,
      ),
    ]);
  });

  it('rebuilds the child that follows the promoted parent channel (cascade)', () => {
    const promoted = sample('image-promoted.json');
    const event = { ...promoted, detail: { ...(promoted.detail as object), image: 'hardened', channel: 'staging' } };

    const actions = explainEvent(event, setup).actions;

    expect(actions).toEqual([expect.stringMatching(/^would start build of app \(trigger cascade, /)]);
  });

  it('names an image the event names but the catalog lacks, instead of "no catalog image is affected"', () => {
    const update = sample('package-update.json');
    const event = { ...update, detail: { ...(update.detail as object), images: ['bsae'] } };

    expect(explainEvent(event, setup).actions).toEqual([
      'would start no build: the event names "bsae", which the catalog does not have (it has: base, hardened, app, web-runtime); check the image name in the event',
    ]);
  });

  it('starts no build when no image follows the promoted channel', () => {
    expect(explainEvent(sample('image-promoted.json'), setup).actions).toEqual([
      'would start no build: no catalog image is affected by cascade:base/prod@1.0.0/3',
    ]);
  });

  it('records and announces a disabled pipeline of ours', () => {
    const disabled = sample('image-pipeline-auto-disabled.json');
    const event = {
      ...disabled,
      region: 'us-east-1',
      resources: [`arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image-pipeline/goldsmith-base`],
    };

    const result = explainEvent(event, setup);

    expect(result.matched).toEqual(['PipelineDisabledRule']);
    expect(result.actions).toEqual([
      'would record and announce that the pipeline of base was disabled after 5 failed builds',
    ]);
  });
});

describe('explainEvent on unknown and malformed events', () => {
  it('says an event of a kind Goldsmith has no schema for is unknown and matches nothing', () => {
    const result = explainEvent(read(join(FIXTURES, 'unknown-ec2-state-change.json')), setup);

    expect(result).toEqual({ known: false, matched: [], routes: [], actions: [], notes: [] });
  });

  it('gives the reason naming the field when a known kind is malformed', () => {
    const result = explainEvent(read(join(FIXTURES, 'state-change-missing-status.json')), setup);

    expect(result).toMatchObject({ known: true, kind: 'image-state-change', valid: false });
    expect(result.reason).toMatch(/^detail\.state\.status: /);
    expect(result.actions).toEqual(['would reject it as malformed: on-image-event throws before acting']);
  });

  it('treats JSON that is not an object as an unknown event', () => {
    expect(explainEvent([1, 2], setup)).toMatchObject({ known: false, matched: [] });
    expect(explainEvent(null, setup)).toMatchObject({ known: false, matched: [] });
  });
});

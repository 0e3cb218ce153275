import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../../cli/load-catalog.js';
import { describeActions, type ExplainFacts } from '../../../core/explain/index.js';
import { classifyEvent, type ParsedEvent } from '../../../events/registry.js';

const REPO = join(import.meta.dirname, '../../..');
const BUILD = 'arn:aws:imagebuilder:us-east-1:111122223333:image/goldsmith-hardened-0123abcd/2.1.0/4';

let facts: ExplainFacts;

beforeAll(async () => {
  const catalog = await loadCatalogFile(join(REPO, 'goldsmith.config.ts'));
  facts = { catalog, recipes: new Map([['goldsmith-hardened-0123abcd', 'hardened']]) };
});

function parsed(file: string, change: (event: Record<string, unknown>) => Record<string, unknown> = (e) => e) {
  const result = classifyEvent(change(JSON.parse(readFileSync(join(REPO, 'events/samples', file), 'utf8'))));
  if (!result.known || !result.valid) throw new Error(`fixture ${file} does not parse`);
  return result satisfies ParsedEvent;
}

const target = (handler: string, environment: Record<string, string> = {}) => ({ handler, environment });
const withDetail = (detail: Record<string, unknown>) => (e: Record<string, unknown>) => ({
  ...e,
  detail: { ...(e.detail as object), ...detail },
});

describe('describeActions for start-builds', () => {
  it('builds nothing for a CodeArtifact version that is not Published, and says why', () => {
    const event = parsed(
      'package-version-state-change.json',
      withDetail({ packageName: 'openssl', packageVersionState: 'Unfinished' }),
    );

    expect(describeActions(facts, target('start-builds'), event)).toEqual([
      'would start no build: package openssl@1.0.0 is Unfinished (Created)',
    ]);
  });

  it('builds base and makes its descendants wait when a package of all three is released', () => {
    const event = parsed('package-update.json', withDetail({ package: 'openssl', images: undefined }));
    const catalog = {
      ...facts.catalog,
      images: Object.fromEntries(
        Object.entries(facts.catalog.images).map(([name, spec]) => [
          name,
          { ...spec, triggers: { ...spec.triggers, packages: ['openssl'] } },
        ]),
      ),
    };

    const actions = describeActions({ ...facts, catalog }, target('start-builds'), event);

    expect(actions[0]).toMatch(/^would start build of base \(trigger package, /);
    expect(actions).toContain(
      'would skip hardened: waits for base, also triggered by this change: its promotion cascades to hardened',
    );
  });

  it('reads the watched Amazon Linux parameter for an AMI-update notice', () => {
    expect(describeActions(facts, target('start-builds'), parsed('amazon-linux-ami-update.json'))).toEqual([
      'would read /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 in us-east-1 (SSM) and decide builds of base on its current AMI',
    ]);
  });
});

describe('describeActions for on-finding', () => {
  it('records CVE counts on our build and names the channels whose policy they break', () => {
    const event = parsed('image-cve-detected.json', (e) => ({
      ...e,
      resources: [BUILD],
      detail: { ...(e.detail as object), 'finding-severity-counts': { all: 3, critical: 0, high: 3, medium: 0 } },
    }));

    expect(describeActions(facts, target('on-finding'), event)).toEqual([
      'would record 3 findings on hardened 2.1.0/4 (critical 0, high 3, medium 0)',
      "would request revocation where the build is promoted, and announce it: staging (3 high findings exceed the channel's maximum of 2), prod (3 high findings exceed the channel's maximum of 0)",
    ]);
  });

  it('looks up the build of the AMI an ACTIVE Inspector finding names', () => {
    const event = parsed('inspector-finding.json', withDetail({ status: 'ACTIVE' }));

    expect(describeActions(facts, target('on-finding'), event)[0]).toBe(
      'would look up which build made ami-02ff980600c693b38 in eu-central-1; if it is ours, record CVE-2024-29069 (MEDIUM) on it',
    );
  });
});

describe('describeActions for other functions', () => {
  it('ignores a disabled pipeline outside the prefix on-pipeline-disabled is given', () => {
    const env = { PIPELINE_ARN_PREFIX: 'arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/goldsmith-' };

    expect(
      describeActions(facts, target('on-pipeline-disabled', env), parsed('image-pipeline-auto-disabled.json')),
    ).toEqual([
      'would ignore it: arn:aws:imagebuilder:us-west-2:111122223333:image-pipeline/disabled-image-pipeline-name is not one of our pipelines',
    ]);
  });

  it('says a function rejects an event it does not act on', () => {
    expect(describeActions(facts, target('on-image-event'), parsed('image-promoted.json'))).toEqual([
      'would reject it: on-image-event does not act on image-promoted events',
    ]);
  });
});

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

type Json = Record<string, unknown>;
function parsed(file: string, change: (event: Json) => Json): ParsedEvent {
  const result = classifyEvent(change(JSON.parse(readFileSync(join(REPO, 'events/samples', file), 'utf8'))));
  if (!result.known || !result.valid) throw new Error(`fixture ${file} does not parse`);
  return result;
}
const detail = (more: Json) => (e: Json) => ({ ...e, detail: { ...(e.detail as object), ...more } });
const act = (handler: string, event: ParsedEvent) => describeActions(facts, { handler, environment: {} }, event);

describe('describeActions for on-finding: CVE counts', () => {
  const cve = (counts: Json, resource = BUILD) =>
    act(
      'on-finding',
      parsed('image-cve-detected.json', (e) => ({
        ...detail({ 'finding-severity-counts': counts })(e),
        resources: [resource],
      })),
    );

  it('ignores counts with no critical, high or medium finding, whatever the others', () => {
    expect(cve({ all: 4, critical: 0, high: 0, medium: 0 })).toEqual([
      'would ignore it: no active findings (critical, high and medium counts are 0)',
    ]);
  });

  it('counts medium findings too, and revokes nothing within every policy', () => {
    expect(cve({ all: 1, critical: 0, high: 0, medium: 1 })).toEqual([
      'would record 1 findings on hardened 2.1.0/4 (critical 0, high 0, medium 1)',
      'would revoke nothing: the findings are within every channel policy',
    ]);
  });

  it('ignores findings on a build that is not ours', () => {
    expect(
      cve({ all: 1, critical: 1, high: 0, medium: 0 }, BUILD.replace('goldsmith-hardened-0123abcd', 'other')),
    ).toEqual(['would ignore it: "other" is not one of our recipes']);
  });
});

describe('describeActions for on-finding: Inspector findings', () => {
  it('ignores a finding that is not ACTIVE, and one on no AMI', () => {
    expect(
      act(
        'on-finding',
        parsed('inspector-finding.json', (e) => e),
      ),
    ).toEqual(['would ignore it: the finding is CLOSED, not ACTIVE']);
    const noAmi = parsed(
      'inspector-finding.json',
      detail({ status: 'ACTIVE', resources: [{ type: 'AWS_ECR_CONTAINER_IMAGE', id: 'x' }] }),
    );
    expect(act('on-finding', noAmi)).toEqual(['would ignore it: the finding is not about an Image Builder AMI']);
  });

  it('looks the AMI up in the Region of its resource, or of the event when the resource names none', () => {
    const active = (region: string | undefined) =>
      parsed('inspector-finding.json', (e) => {
        const d = e.detail as { resources: Json[] };
        const resource = { ...d.resources[0], region };
        return detail({ status: 'ACTIVE', resources: [resource] })(e);
      });

    expect(act('on-finding', active('ap-south-1'))).toEqual([
      'would look up which build made ami-02ff980600c693b38 in ap-south-1; if it is ours, record CVE-2024-29069 (MEDIUM) on it',
      'would request revocation from promoted channels whose policy its findings then break, and announce it',
    ]);
    expect(act('on-finding', active(undefined))[0]).toContain('in eu-central-1;');
  });
});

describe('describeActions for start-builds: changes that start nothing', () => {
  it('names the images an event asks for that the catalog does not have', () => {
    const event = parsed('image-rebuild-requested.json', detail({ image: 'ghost' }));

    expect(act('start-builds', event)).toEqual([
      `would start no build: the event names "ghost", which the catalog does not have (it has: ${Object.keys(facts.catalog.images).join(', ')}); check the image name in the event`,
    ]);
  });

  it('says no catalog image is affected by a package nobody watches', () => {
    const event = parsed('package-update.json', detail({ package: 'nobody-uses-this', images: undefined }));

    expect(act('start-builds', event)[0]).toMatch(/^would start no build: no catalog image is affected by /);
  });

  it('starts nothing for an AMI-update topic that announces no watched parameter', () => {
    const event = parsed('amazon-linux-ami-update.json', (e) =>
      JSON.parse(JSON.stringify(e).replaceAll('amazon-linux-2023-ami-updates', 'amazon-linux-2-ami-updates')),
    );

    expect(act('start-builds', event)).toEqual([
      'would start no build: no watched parameter is announced by this topic',
    ]);
  });

  it('decides a scheduled build and a base-image change', () => {
    expect(
      act(
        'start-builds',
        parsed('scheduled-build.json', (e) => e),
      )[0],
    ).toMatch(/^would start build of /);
    expect(
      act(
        'start-builds',
        parsed('base-image-changed.json', (e) => e),
      )[0],
    ).toMatch(/^would (start build|skip) /);
  });
});

describe('describeActions for start-builds: the images an event names', () => {
  it('names every image a CI package update asks for that the catalog does not have, and only those', () => {
    const event = parsed(
      'package-update.json',
      detail({ package: 'nobody-uses-this', images: ['base', 'ghost', 'phantom'] }),
    );

    expect(act('start-builds', event)[0]).toMatch(/^would start no build: the event names "ghost", "phantom", which/);
  });

  it('names the parent of a promotion the catalog does not have, and decides a known one', () => {
    const promoted = (image: string) => act('start-builds', parsed('image-promoted.json', detail({ image })));

    expect(promoted('ghost')[0]).toMatch(/^would start no build: the event names "ghost", which/);
    expect(promoted('base')[0]).not.toMatch(/^would reject it/);
  });
});

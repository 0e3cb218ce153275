import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../../cli/load-catalog.js';
import { describeActions, type ExplainFacts } from '../../../core/explain/index.js';
import { executionNameFor } from '../../../core/promotion/naming.js';
import { classifyEvent, type ParsedEvent } from '../../../events/registry.js';

const REPO = join(import.meta.dirname, '../../..');
const BUILD = 'arn:aws:imagebuilder:us-east-1:111122223333:image/goldsmith-hardened-0123abcd/2.1.0/4';
const PREFIX = 'arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/goldsmith-';

let facts: ExplainFacts;

beforeAll(async () => {
  const catalog = await loadCatalogFile(join(REPO, 'goldsmith.config.ts'));
  facts = { catalog, recipes: new Map([['goldsmith-hardened-0123abcd', 'hardened']]) };
});

function parsed(file: string, change: (event: Record<string, unknown>) => Record<string, unknown>): ParsedEvent {
  const result = classifyEvent(change(JSON.parse(readFileSync(join(REPO, 'events/samples', file), 'utf8'))));
  if (!result.known || !result.valid) throw new Error(`fixture ${file} does not parse`);
  return result;
}

const stateChange = (resource: string, state: Record<string, string>) =>
  parsed('image-state-change.json', (e) => ({
    ...e,
    resources: [resource],
    detail: { ...(e.detail as object), state },
  }));
const onImageEvent = (event: ParsedEvent) =>
  describeActions(facts, { handler: 'on-image-event', environment: {} }, event);

describe('describeActions for on-image-event', () => {
  it('records an available build of ours and starts its promotion through its channels', () => {
    expect(onImageEvent(stateChange(BUILD, { status: 'AVAILABLE' }))).toEqual([
      'would record hardened 2.1.0/4 as AVAILABLE in the ledger',
      `would start promotion execution ${executionNameFor(BUILD)} through dev → staging → prod`,
    ]);
  });

  it('records and announces a failed or cancelled build, with its reason or the lack of one', () => {
    expect(onImageEvent(stateChange(BUILD, { status: 'FAILED', reason: 'component failed' }))).toEqual([
      'would record hardened 2.1.0/4 as FAILED in the ledger',
      'would record and announce build failure (component failed)',
    ]);
    expect(onImageEvent(stateChange(BUILD, { status: 'CANCELLED' }))[1]).toBe(
      'would record and announce build failure (Image Builder gave no reason)',
    );
  });

  it('only records a build in any other state', () => {
    expect(onImageEvent(stateChange(BUILD, { status: 'TESTING' }))).toEqual([
      'would record hardened 2.1.0/4 as TESTING in the ledger',
    ]);
  });

  it('ignores a build of a recipe that is not ours', () => {
    const foreign = 'arn:aws:imagebuilder:us-east-1:111122223333:image/someone-else/1.0.0/1';

    expect(onImageEvent(stateChange(foreign, { status: 'AVAILABLE' }))).toEqual([
      'would ignore it: "someone-else" is not one of our recipes',
    ]);
  });
});

describe('describeActions for on-lifecycle-request and on-pipeline-disabled', () => {
  const revoked = (image: string) =>
    describeActions(
      facts,
      { handler: 'on-lifecycle-request', environment: {} },
      parsed('image-revoked.json', (e) => ({ ...e, detail: { ...(e.detail as object), image } })),
    );

  it('revokes a catalog image and refuses one the catalog does not have', () => {
    expect(revoked('base')).toEqual([
      'would revoke base 1.0.0/3 (CVE-2027-0001): deprecate its AMIs now, roll every channel pointer that names it back to the newest earlier launchable version (or withdraw it), flag its children and rebuild those following a rolled-back channel',
    ]);
    expect(revoked('ghost')).toEqual(['would refuse it: ghost is not a catalog image']);
  });

  it("records a disabled pipeline of ours, and ignores one when it is given no prefix or the image is not the catalog's", () => {
    const disabled = (pipeline: string, environment: Record<string, string>) =>
      describeActions(
        facts,
        { handler: 'on-pipeline-disabled', environment },
        parsed('image-pipeline-auto-disabled.json', (e) => ({ ...e, resources: [pipeline] })),
      );

    expect(disabled(`${PREFIX}base`, { PIPELINE_ARN_PREFIX: PREFIX })).toEqual([
      'would record and announce that the pipeline of base was disabled after 5 failed builds',
    ]);
    expect(disabled(`${PREFIX}base`, {})).toEqual([`would ignore it: ${PREFIX}base is not one of our pipelines`]);
    expect(disabled(`${PREFIX}ghost`, { PIPELINE_ARN_PREFIX: PREFIX })).toEqual([
      `would ignore it: ${PREFIX}ghost is not one of our pipelines`,
    ]);
    const elsewhere = 'arn:aws:imagebuilder:us-east-1:999999999999:image-pipeline/goldsmith-base';
    expect(disabled(elsewhere, { PIPELINE_ARN_PREFIX: PREFIX })).toEqual([
      `would ignore it: ${elsewhere} is not one of our pipelines`,
    ]);
  });

  it('says a function rejects an event it does not act on, each kind its own', () => {
    const change = (e: Record<string, unknown>) => e;
    expect(
      describeActions(
        facts,
        { handler: 'on-lifecycle-request', environment: {} },
        parsed('image-state-change.json', change),
      ),
    ).toEqual(['would reject it: on-lifecycle-request does not act on image-state-change events']);
    expect(
      describeActions(
        facts,
        { handler: 'on-pipeline-disabled', environment: {} },
        parsed('image-revoked.json', change),
      ),
    ).toEqual(['would reject it: on-pipeline-disabled does not act on image-revoked events']);
  });
});

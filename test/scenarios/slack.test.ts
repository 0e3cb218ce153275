import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../cli/load-catalog.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import { scenarioSchema } from '../../local/simulator/scenario.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const FIXTURE = join(ROOT, 'test/fixtures/scenarios/slack-approvals.json');

let result: SimulationResult;

beforeAll(async () => {
  const catalog = await loadCatalogFile(join(ROOT, 'goldsmith.config.ts'));
  result = await simulate(catalog, scenarioSchema.parse(JSON.parse(readFileSync(FIXTURE, 'utf8'))), ROOT);
}, 300_000);

describe('approvals from Slack (an unmapped user, a tampered request, then the approver)', () => {
  it('refuses the unmapped Slack user and the tampered request, counting both', () => {
    expect(result.report.slack).toMatchObject({ approvals: 1, refused: 2 });
    expect(result.report.rejectedCallbacks).toBeGreaterThanOrEqual(2);
    const refusals = result.timeline.filter((t) => /Slack U0MALLORY|bad Slack signature/.test(JSON.stringify(t)));
    expect(refusals.length).toBeGreaterThanOrEqual(1);
  });

  it('lets the genuine approval decide: base reaches prod, approved by ops-lead', () => {
    const prod = result.report.promotions.find((p) => p.image === 'base' && p.channel === 'prod');
    expect(prod).toMatchObject({ outcome: 'promoted', by: 'ops-lead' });
    const approved = result.report.notifications.filter((n) => n.event === 'approved' && n.image === 'base');
    expect(approved).toHaveLength(1);
  });

  it('posts to Slack in threads and updates the decided request in place', () => {
    const slack = result.report.slack;
    expect(slack?.posted).toBeGreaterThan(0);
    expect(slack?.threads).toBeGreaterThan(0);
    expect(slack?.updated).toBeGreaterThanOrEqual(1);
  });
});

import { readFileSync } from 'node:fs';
import { loadCatalogFile } from '/work/wt/outages/cli/load-catalog.js';
import { run, defaultScenario } from '/work/wt/outages/test/scenarios/helpers.js';
const catalog = await loadCatalogFile('/work/wt/outages/goldsmith.config.ts');
const t0 = Date.now(); const c0 = process.cpuUsage();
const r = await run(catalog, defaultScenario());
const cpu = process.cpuUsage(c0);
console.log('wall', Date.now() - t0, 'cpu', (cpu.user + cpu.system) / 1000, 'builds', r.report.builds.length, 'promotions', r.report.promotions.length, r.report.consistency.ok, r.report.consistency.problems.slice(0,3), r.report.faults.failedCalls);

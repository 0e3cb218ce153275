import { describe, expect, it } from 'vitest';
import { type BundleReport, type BundleRow, formatReport } from '../../../scripts/bundle/report.js';

const row = (over: Partial<BundleRow>): BundleRow => ({
  function: 'gate',
  handler: 'functions/promotion/gate.handler',
  kb: 400,
  gzipKb: 100,
  coldLoadMs: 120,
  coldLoadRuns: [120],
  coldLoadCpuMs: 110,
  handlerIsFunction: true,
  clients: ['client-imagebuilder'],
  cjsSdkPackages: [],
  topPackages: [{ name: '@aws-sdk/client-imagebuilder', kb: 50 }],
  ...over,
});

const report = (functions: BundleRow[], over: Partial<BundleReport> = {}): BundleReport => ({
  node: 'v22.23.3',
  source: 'synth',
  outdir: '(removed)',
  functions,
  ...over,
});

describe('formatReport', () => {
  it('prints one table row per function with sizes and load time', () => {
    const text = formatReport(report([row({}), row({ function: 'share', kb: 512.25, gzipKb: 130.5 })]));
    expect(text).toMatch(/^gate\s+400\.0\s+100\.0\s+120\s+—\s+—\s+—\s+—\s+1\s+ok \(dist-es\)$/m);
    expect(text).toMatch(/^share\s+512\.3\s+130\.5\s+120/m);
    expect(text).not.toContain('Over 1 MB');
  });

  it('flags a bundle whose SDK packages came from dist-cjs', () => {
    const text = formatReport(report([row({ cjsSdkPackages: ['@aws-sdk/client-ec2'] })]));
    expect(text).toContain('FAILED: dist-cjs @aws-sdk/client-ec2');
    expect(text).toContain('gate: CommonJS SDK builds bundled (not tree-shaken): @aws-sdk/client-ec2');
  });

  it('names the bundles over 1 MB and the clients they all carry', () => {
    const big = { kb: 1900, clients: ['client-ec2', 'client-sns'], topPackages: [{ name: 'zod', kb: 460 }] };
    const text = formatReport(
      report([row({ function: 'a', ...big }), row({ function: 'b', ...big, clients: ['client-ec2'] }), row({})]),
    );
    expect(text).toContain('Over 1 MB: 2 of 3 bundles (a, b).');
    expect(text).toContain('SDK clients in every one of them: 1 (client-ec2)');
    expect(text).toContain('zod ~460 KB');
  });

  it('prints the naive bundle beside ours and names the functions whose cold load is above 0.45 of it', () => {
    const naive = (ms: number) => ({ kb: 1900, coldLoadMs: ms, coldLoadRuns: [ms], coldLoadCpuMs: ms - 10 });
    const fast = row({ naive: naive(400), loadRatio: 0.3, cpuRatio: 0.28 });
    const slow = row({ function: 'share', naive: naive(200), loadRatio: 0.6, cpuRatio: 0.55 });
    const text = formatReport(report([fast, slow]));
    expect(text).toMatch(/^gate\s+400\.0\s+100\.0\s+120\s+1900\.0\s+400\s+0\.30\s+0\.28\s/m);
    expect(text).toContain('ratio 0.30–0.60 (CPU time 0.28–0.55); above 0.45: share');
    expect(text).toContain('by CPU time above 0.45: share');
  });

  it('says why it globbed functions/ when synthesis failed', () => {
    const text = formatReport(report([row({})], { source: 'glob', fallbackReason: 'no catalog' }));
    expect(text).toContain('globbed from functions/ (synthesis failed: no catalog)');
  });

  it('reports a bundle without its handler export', () => {
    expect(formatReport(report([row({ handlerIsFunction: false })]))).toContain('gate: the bundle has no "handler"');
  });
});

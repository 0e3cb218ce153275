import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import { accessCatalog, buildLines, devChannel, opensslRelease, orgCatalog, run, scenarioBetween } from './helpers.js';

const catalog = accessCatalog();

describe("a build's SBOMs in the local cloud", () => {
  let result: SimulationResult;

  beforeAll(async () => {
    result = await run(
      catalog,
      scenarioBetween('2027-02-01T00:00:00Z', '2027-02-07T00:00:00Z', {
        events: [opensslRelease('2027-02-04T10:00:00Z', '3.0.20')],
      }),
    );
  }, 240_000);

  it("keeps both documents of the AVAILABLE build through the bucket's policy, each read back", () => {
    expect(buildLines(result)).toEqual(['base 1.0.0/1 package AVAILABLE']);
    // Each written once (If-None-Match: *, the writer's way to ask whether it is there: it holds no s3:ListBucket,
    // so S3 answers its read of a key not there 403) and read back after.
    expect(result.report.apiCalls['s3:PutObject']).toBe(2);
    expect(result.report.apiCalls['s3:HeadObject']).toBe(2);
    expect(result.report.faults.failed.filter((f) => f.operation.startsWith('s3:'))).toEqual([]);
    expect(result.report.apiModel.violations).toEqual([]);
  });
});

describe("a container build's packages from Inspector's SBOM export in the local cloud", () => {
  let result: SimulationResult;

  beforeAll(async () => {
    const containers = orgCatalog(
      {
        'web-runtime': {
          kind: 'container',
          parent: 'docker:amazonlinux:2023',
          components: [{ file: 'components/container-runtime.yml' }],
          regions: ['us-east-1'],
          schedule: { type: 'cron', expression: 'cron(0 4 ? * SUN *)', timezone: 'UTC' },
          repository: 'golden/web-runtime',
        },
      },
      [devChannel()],
    );
    result = await run(containers, scenarioBetween('2027-02-01T00:00:00Z', '2027-02-09T00:00:00Z'));
  }, 240_000);

  it('exports the image once, reads it, and writes its SBOMs again with the packages', () => {
    expect(buildLines(result)).toEqual(['web-runtime 1.0.0/1 schedule AVAILABLE']);
    expect(result.report.apiCalls['inspector2:CreateSbomExport']).toBe(1);
    expect(result.report.apiCalls['inspector2:GetSbomExport']).toBeGreaterThanOrEqual(1);
    expect(result.report.apiCalls['s3:ListObjectsV2']).toBe(1);
    // Written without packages when the build became AVAILABLE, and again with the exported ones: the write-once put
    // refused (412), the object read, then replaced over the ETag read (If-Match).
    expect(result.report.apiCalls['s3:PutObject']).toBe(6);
    expect(result.report.faults.failed).toEqual([]);
    expect(result.report.apiModel.violations).toEqual([]);
  });
});

import { CreateSbomExportCommand, GetSbomExportCommand } from '@aws-sdk/client-inspector2';
import { PublishCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { inspector2Client } from '../../aws/clients/inspector2.js';
import { contentOf } from '../../core/sbom/ledger-content.js';
import { pollOpenSbomExports } from '../../functions/builds/sbom-exports.js';
import { onImageEvent } from '../../functions/on-image-event.js';
import { EXPORT_MS } from '../../local/fakes/inspector2-sbom.js';
import { stateChangeEvent } from './promotion-fixtures.js';
import { exportOf, KEY_ARN, partition, SBOM_BUCKET, useSbomExportWorld } from './sbom-export-fixtures.js';

/**
 * A developer of the factory account tries to make a version's SBOM say what they want through Inspector's export
 * door: a file written under the version's folder before the build, an export of their own image pointed at the
 * prefix Goldsmith's export writes under (read from the ledger), a file that is no CycloneDX document. Goldsmith reads
 * only its own export, of the build's image: the rest fails the export once, recorded and announced.
 */
const EVIL_DIGEST = `sha256:${'e'.repeat(64)}`;
const evilDocument = (digest = EVIL_DIGEST) =>
  JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.4',
    version: 1,
    metadata: {
      component: null,
      properties: [
        { name: 'imageId', value: digest },
        { name: 'accountId', value: '111122223333' },
        { name: 'resourceType', value: 'AWS_ECR_CONTAINER_IMAGE' },
      ],
    },
    components: [{ type: 'application', name: 'openssl-libs', purl: 'pkg:rpm/amazon/openssl-libs@9.9.9-1?epoch=0' }],
  });

const packagesNow = async () => contentOf(await partition(), '1.0.0/3')?.packages ?? [];

describe("an SBOM export's evidence, only Goldsmith's own", () => {
  const world = useSbomExportWorld();

  /** The build arrives, its export is started, and (`finish`) Inspector writes it. */
  async function buildAndStart() {
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    await pollOpenSbomExports(['base'], world.clock.iso());
    return String((await exportOf())?.keyPrefix);
  }
  const finish = async () => {
    world.clock.moveTo(world.clock.now() + EXPORT_MS);
    return pollOpenSbomExports(['base'], world.clock.iso());
  };
  const refusals = () =>
    world.sns
      .commandCalls(PublishCommand)
      .map((c) => JSON.parse(JSON.parse(String(c.args[0].input.Message)).default))
      .filter((n) => n.event === 'claim-refused');

  it("reads nothing a developer wrote under the version's folder before the build", async () => {
    // An export of the developer's own, written where the version's export used to write: `inspector/<image>/<version>`.
    world.s3.putFromService(SBOM_BUCKET, 'inspector/base/1.0.0-3/0000/111122223333/evil/e.json', evilDocument());
    await buildAndStart();

    expect(await finish()).toMatchObject({ outcomes: { 'base 1.0.0/3': 'READ' } });
    expect(await packagesNow()).toEqual([
      { name: 'bash', version: '5.2.15-1.amzn2023.0.2' },
      { name: 'openssl-libs', version: '1:3.0.8-1.amzn2023.0.18' },
    ]);
  });

  it("refuses the export when a developer's export of another image lands under its own prefix", async () => {
    const prefix = await buildAndStart();
    // Read from the ledger, the developer exports an image of their own into the same prefix, with their own filter.
    world.exports.images = (_region, repository, tag) =>
      repository === 'goldsmith-base' && tag === '1.0.0-3'
        ? [{ digest: `sha256:${'4'.repeat(64)}`, packages: [{ packageName: 'bash', packageVersion: '5.2.15-1' }] }]
        : repository === 'dev-sandbox'
          ? [{ digest: EVIL_DIGEST, packages: [{ packageName: 'openssl-libs', packageVersion: '9.9.9-1' }] }]
          : [];
    const { reportId } = await inspector2Client().send(
      new CreateSbomExportCommand({
        reportFormat: 'CYCLONEDX_1_4',
        resourceFilterCriteria: {
          ecrRepositoryName: [{ comparison: 'EQUALS', value: 'dev-sandbox' }],
          ecrImageTags: [{ comparison: 'EQUALS', value: 'latest' }],
        },
        s3Destination: { bucketName: SBOM_BUCKET, keyPrefix: prefix, kmsKeyArn: KEY_ARN },
      }),
    );
    world.clock.moveTo(world.clock.now() + EXPORT_MS);
    // The developer's export is written (the fake writes an export's files when it is asked about once done).
    expect(await inspector2Client().send(new GetSbomExportCommand({ reportId }))).toMatchObject({
      status: 'SUCCEEDED',
    });

    expect(await pollOpenSbomExports(['base'], world.clock.iso())).toMatchObject({
      outcomes: { 'base 1.0.0/3': 'FAILED' },
    });
    expect(await exportOf()).toMatchObject({
      status: 'FAILED',
      reason: expect.stringContaining(`describes ${EVIL_DIGEST}`),
      refusedFile: expect.stringContaining(prefix),
    });
    expect(await packagesNow()).toEqual([]);
    expect(refusals()).toMatchObject([{ image: 'base', version: '1.0.0/3', detail: { claim: 'sbom-export' } }]);
    // Failed once: nothing is left to poll, and nothing is announced again.
    expect(await pollOpenSbomExports(['base'], world.clock.iso())).toMatchObject({ polled: 0 });
    expect(refusals()).toHaveLength(1);
  });

  it('fails the export once, recorded and announced, on a file that is no CycloneDX document (an SPDX one)', async () => {
    const prefix = await buildAndStart();
    world.s3.putFromService(SBOM_BUCKET, `${prefix}/x/spdx.json`, JSON.stringify({ spdxVersion: 'SPDX-2.3' }));

    const report = await finish();

    expect(report).toMatchObject({ failed: 0, outcomes: { 'base 1.0.0/3': 'FAILED' } });
    expect(await exportOf()).toMatchObject({
      status: 'FAILED',
      reason: `refused ${prefix}/x/spdx.json: not a CycloneDX document`,
    });
    expect(refusals()).toMatchObject([
      { detail: { claim: 'sbom-export', found: expect.stringContaining('spdx.json') } },
    ]);
    expect(await pollOpenSbomExports(['base'], world.clock.iso())).toMatchObject({ polled: 0 });
  });
});

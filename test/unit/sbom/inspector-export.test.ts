import { describe, expect, it } from 'vitest';
import {
  containerTarget,
  exportKeyPrefix,
  hasExportNonce,
  packagesOfCycloneDx,
} from '../../../core/sbom/inspector-export.js';

describe("reading Inspector's SBOM export", () => {
  it('takes name, version and ecosystem from each component, the epoch put back, hashes without a version left out', () => {
    const document = {
      bomFormat: 'CycloneDX',
      specVersion: '1.4',
      components: [
        { type: 'library', name: 'pip', purl: 'pkg:pypi/pip@22.0.4?path=usr/local/lib/python3.8/site-packages' },
        {
          type: 'application',
          name: 'libss2',
          purl: 'pkg:dpkg/libss2@1.44.5-1+deb10u3?arch=ARM64&epoch=0&upstream=libss2-1.44.5-1+deb10u3.src.dpkg',
        },
        { type: 'application', name: 'openssl-libs', purl: 'pkg:rpm/amazon/openssl-libs@3.0.8-1.amzn2023?epoch=1' },
        { type: 'library', name: 'unresolved.jar', hashes: [{ alg: 'SHA-1', content: 'abc' }] },
        { type: 'library', name: 'pip', purl: 'pkg:pypi/pip@22.0.4' },
      ],
    };
    expect(packagesOfCycloneDx(document)).toEqual([
      { name: 'libss2', version: '1.44.5-1+deb10u3', type: 'dpkg' },
      { name: 'openssl-libs', version: '1:3.0.8-1.amzn2023', type: 'rpm' },
      { name: 'pip', version: '22.0.4', type: 'pypi' },
    ]);
  });

  it('refuses a document that is not CycloneDX', () => {
    expect(() => packagesOfCycloneDx({ spdxVersion: 'SPDX-2.3' })).toThrow('bomFormat is not CycloneDX');
  });

  it("finds the ECR registry, repository and tag of a build's image URI, and one folder per version", () => {
    expect(containerTarget(['111122223333.dkr.ecr.eu-west-1.amazonaws.com/golden/web-runtime:1.0.0-3'])).toEqual({
      account: '111122223333',
      repository: 'golden/web-runtime',
      tag: '1.0.0-3',
    });
    expect(containerTarget(['docker.io/library/nginx:latest'])).toBeUndefined();
    expect(exportKeyPrefix('base', '1.0.0/3')).toBe('inspector/base/1.0.0-3');
    const nonce = 'a'.repeat(32);
    expect(exportKeyPrefix('base', '1.0.0/3', nonce)).toBe(`inspector/base/1.0.0-3/${nonce}`);
    const record = { image: 'base', version: '1.0.0/3' };
    expect(hasExportNonce({ ...record, keyPrefix: `inspector/base/1.0.0-3/${nonce}` })).toBe(true);
    expect(hasExportNonce({ ...record, keyPrefix: 'inspector/base/1.0.0-3' })).toBe(false);
    expect(hasExportNonce({ ...record, keyPrefix: 'inspector/base/1.0.0-3/evil' })).toBe(false);
  });
});

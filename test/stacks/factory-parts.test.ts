import { describe, expect, it } from 'vitest';
import { parseCatalogInput } from '../../stacks/catalog.js';
import { outputIdPart } from '../../stacks/Factory.js';
import { managedComponentArn, readComponentDocument, shortHash } from '../../stacks/factory/components.js';
import { parentImageFor } from '../../stacks/factory/recipes.js';
import {
  amiName,
  channelParameterName,
  channelParentImage,
  ledgerTableName,
  pipelineName,
} from '../../stacks/names.js';
import { minimalCatalog, REPO_ROOT } from './helpers.js';

describe('names', () => {
  it('derives the same physical names for stacks and functions', () => {
    expect(pipelineName('base')).toBe('goldsmith-base');
    expect(channelParameterName('base', 'prod')).toBe('/goldsmith/base/prod');
    expect(channelParentImage('base', 'staging')).toBe('ssm:/goldsmith/base/staging');
    expect(ledgerTableName('prod')).toBe('goldsmith-prod-ledger');
    expect(amiName('app')).toBe('goldsmith-app-{{ imagebuilder:buildDate }}');
  });
});

describe('parentImageFor', () => {
  it('passes SSM parameters, AMI ids and image ARNs through for AMI images', () => {
    const arn = 'arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x';
    for (const parent of [
      'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      'ami-0abc12345',
      arn,
    ]) {
      expect(parentImageFor(parent, 'ami', 'p')).toBe(parent);
    }
  });

  it('turns a catalog parent into its channel pointer', () => {
    expect(parentImageFor({ image: 'hardened', channel: 'prod' }, 'ami', 'p')).toBe('ssm:/goldsmith/hardened/prod');
  });

  it('strips the docker: prefix for containers and refuses AMI parents for them', () => {
    expect(parentImageFor('docker:public.ecr.aws/amazonlinux/amazonlinux:2023', 'container', 'p')).toBe(
      'public.ecr.aws/amazonlinux/amazonlinux:2023',
    );
    expect(() => parentImageFor('ami-0abc12345', 'container', 'images.c.parent')).toThrow(/^images\.c\.parent: /);
  });
});

describe('managedComponentArn', () => {
  it('follows the latest version unless the catalog pins one', () => {
    expect(managedComponentArn('aws', 'eu-west-1', 'update-linux')).toBe(
      'arn:aws:imagebuilder:eu-west-1:aws:component/update-linux/x.x.x',
    );
    expect(managedComponentArn('aws-cn', 'cn-north-1', 'reboot-linux', '1.0.1')).toBe(
      'arn:aws-cn:imagebuilder:cn-north-1:aws:component/reboot-linux/1.0.1',
    );
  });
});

describe('readComponentDocument', () => {
  it('reads the declared parameters of an AWSTOE document', () => {
    const doc = readComponentDocument(REPO_ROOT, 'components/app-runtime.yml', 'w');
    expect(doc).toMatchObject({ stem: 'app-runtime', parameterNames: ['JavaVersion'] });
  });

  it('rejects a file that is not an AWSTOE document, naming the catalog field', () => {
    expect(() => readComponentDocument(REPO_ROOT, 'biome.json', 'images.x.components.0.file')).toThrow(
      /^images\.x\.components\.0\.file: "biome\.json" is not a valid AWSTOE document: /,
    );
  });
});

describe('shortHash', () => {
  it('changes when the content changes and not otherwise', () => {
    expect(shortHash(['a', 1])).toBe(shortHash(['a', 1]));
    expect(shortHash(['a', 1])).not.toBe(shortHash(['a', 2]));
    expect(shortHash('x')).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('outputIdPart', () => {
  it('turns image names into output-safe identifiers', () => {
    expect(outputIdPart('web-runtime')).toBe('WebRuntime');
    expect(outputIdPart('base')).toBe('Base');
  });
});

describe('catalog module', () => {
  it('refuses to hand out a catalog before one is set', async () => {
    // Stack test files share one module registry (isolate: false): a fresh copy of the module (its own URL) has no
    // catalog yet. Only this module is loaded anew: vi.resetModules() would drop the whole registry, and with it the
    // apps later files in this worker would have reused (test/stacks/readiness/synth.ts, release-helpers.ts).
    const fresh = (await import(
      /* @vite-ignore */ `../../stacks/catalog.js?fresh=${Date.now()}`
    )) as typeof import('../../stacks/catalog.js');
    expect(() => fresh.useCatalog()).toThrow(/No catalog: call setCatalog/);
  });

  it('reports every problem of an invalid catalog with its field path', () => {
    const input = { ...minimalCatalog(), channels: [] };
    expect(() => parseCatalogInput(input)).toThrow(/^Invalid catalog:\nchannels: must define at least one channel$/);
  });

  it('applies schema defaults to a valid catalog', () => {
    const catalog = parseCatalogInput(minimalCatalog());
    expect(catalog.images['solo']).toMatchObject({ kind: 'ami', platform: 'Linux', version: '1.0.0' });
  });
});

import { describe, expect, it } from 'vitest';
import { catalogWarnings, parseCatalog } from '../../../core/config/catalog.js';
import { exampleCatalog, exampleFiles, problemsAfter } from './helpers.js';

const AL2023 = 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
const WINDOWS = 'ssm:/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base';
const WHY_COMPONENT = 'Image Builder refuses a recipe whose components are for another platform than its parent image';
const WHY_TYPE = 'EC2 refuses to launch its AMI on that type, and the build fails';

/** An AMI image of its own on `parent`, added to the example catalog. */
const image = (parent: string, extra: Record<string, unknown> = {}) => ({
  parent,
  components: [{ managed: 'update-linux' }],
  regions: ['us-east-1'],
  ...extra,
});

describe('parseCatalog platform and architecture rules', () => {
  it('refuses a Windows image with Linux components on a Graviton type, naming each field', () => {
    const problems = problemsAfter((c) => {
      c.images.win = image(WINDOWS, { tests: [{ managed: 'reboot-linux' }], instanceTypes: ['m7g.large'] });
    });

    expect(problems).toEqual([
      `images.win.components[0].managed: "update-linux" is a Linux component and image "win" is Windows (from its parent "${WINDOWS}"): ${WHY_COMPONENT}`,
      `images.win.tests[0].managed: "reboot-linux" is a Linux component and image "win" is Windows (from its parent "${WINDOWS}"): ${WHY_COMPONENT}`,
      `images.win.instanceTypes[0]: m7g.large is arm64 (AWS Graviton) and image "win" is x86_64 (from its parent "${WINDOWS}"), and Graviton instances do not run Windows: ${WHY_TYPE}`,
    ]);
  });

  it('refuses a platform field that contradicts the parent, and judges the components by it', () => {
    const problems = problemsAfter((c) => {
      c.images.app.platform = 'Windows';
    });

    expect(problems).toEqual([
      `images.app.platform: "Windows" differs from its parent image "hardened", which is "Linux": Image Builder takes the recipe platform from the parent image (leave platform out to take the parent's)`,
      `images.app.components[0].file: components/app-runtime.yml runs ExecuteBash (Linux only) and image "app" is Windows (from its platform field): Image Builder refuses the component ("Unsupported action ExecuteBash for os platform windows")`,
      `images.app.tests[0].managed: "reboot-linux" is a Linux component and image "app" is Windows (from its platform field): ${WHY_COMPONENT}`,
    ]);
  });

  it('refuses a Windows component on a Linux lineage, down to a child that inherits the platform', () => {
    const problems = problemsAfter((c) => {
      c.images.app.tests = [{ managed: 'reboot-windows' }];
    });

    expect(problems).toEqual([
      `images.app.tests[0].managed: "reboot-windows" is a Windows component and image "app" is Linux (from its parent image "hardened"): ${WHY_COMPONENT}`,
    ]);
  });

  it('refuses a Graviton type on an x86_64 lineage, and a child that mixes architectures', () => {
    const problems = problemsAfter((c) => {
      c.images.base.instanceTypes = ['m7g.large'];
      c.images.app.instanceTypes = ['m7i.large', 'c7gn.xlarge'];
    });

    expect(problems).toEqual([
      `images.base.instanceTypes[0]: m7g.large is arm64 (AWS Graviton) and image "base" is x86_64 (from its parent "${AL2023}"): ${WHY_TYPE}`,
      `images.app.instanceTypes[1]: c7gn.xlarge is arm64 (AWS Graviton) and image "app" is x86_64 (from its parent image "hardened"): ${WHY_TYPE}`,
    ]);
  });

  it('refuses a container image whose instance types mix architectures', () => {
    const problems = problemsAfter((c) => {
      c.images['web-runtime'].instanceTypes = ['m7i.large', 't4g.large'];
    });

    expect(problems).toEqual([
      'images.web-runtime.instanceTypes: mixes x86_64 (m7i.large) and arm64 (AWS Graviton) (t4g.large): an image has one architecture, and Image Builder may launch any of its types',
    ]);
  });

  it('asks for platform and architecture where the parent is an AMI id, and checks the types against them', () => {
    expect(problemsAfter((c) => (c.images.base.parent = 'ami-0123456789abcdef0'))).toEqual([
      'images.base.platform: is required: its parent "ami-0123456789abcdef0" does not say its platform ("Linux" or "Windows"), and Image Builder builds on the parent\'s',
      'images.base.architecture: is required: its parent "ami-0123456789abcdef0" does not say its architecture ("x86_64" or "arm64"); the instance types must run it',
    ]);
    expect(
      problemsAfter((c) => {
        c.images.base.parent = 'ami-0123456789abcdef0';
        c.images.base.platform = 'Linux';
        c.images.base.architecture = 'arm64';
      }),
    ).toEqual([
      'images.base.instanceTypes[0]: m7i.large is x86_64 and image "base" is arm64 (from its architecture field): EC2 refuses to launch its AMI on that type, and the build fails',
      'images.hardened.instanceTypes[0]: m7i.large is x86_64 and image "hardened" is arm64 (from its parent image "base"): EC2 refuses to launch its AMI on that type, and the build fails',
      'images.app.instanceTypes[0]: m7i.large is x86_64 and image "app" is arm64 (from its parent image "hardened"): EC2 refuses to launch its AMI on that type, and the build fails',
      'images.app.instanceTypes[1]: m6i.large is x86_64 and image "app" is arm64 (from its parent image "hardened"): EC2 refuses to launch its AMI on that type, and the build fails',
    ]);
  });

  it('refuses Windows on arm64 at the field that says arm64', () => {
    const problems = problemsAfter((c) => {
      c.images.win = image('ami-0123456789abcdef0', {
        platform: 'Windows',
        architecture: 'arm64',
        components: [{ managed: 'update-windows' }],
        instanceTypes: ['m7g.large'],
      });
    });

    expect(problems).toEqual([
      'images.win.architecture: Windows does not run on arm64 (its platform field says Windows, its architecture field arm64): Graviton instances do not support Microsoft Windows',
    ]);
  });

  it('accepts an arm64 lineage on Graviton types, and fills each image in with what it inherits', () => {
    const catalog = exampleCatalog();
    catalog.images.base.parent = 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64';
    for (const name of ['base', 'hardened', 'app']) catalog.images[name].instanceTypes = ['m7g.large', 'c7g.large'];

    const result = parseCatalog(catalog, exampleFiles());

    expect(result.ok && result.catalog.images.app).toMatchObject({ platform: 'Linux', architecture: 'arm64' });
    expect(result.ok && result.catalog.images['web-runtime']).toMatchObject({ platform: 'Linux' });
  });

  it('warns of an instance type it cannot tell the architecture of, and accepts the catalog', () => {
    const catalog = exampleCatalog();
    catalog.images.app.instanceTypes = ['m7i.large', 'zz9.large'];

    const result = parseCatalog(catalog, exampleFiles());

    expect(result.ok && catalogWarnings(result.catalog, exampleFiles())).toEqual([
      `images.app.instanceTypes[1]: Goldsmith does not know the architecture of "zz9.large", so it cannot check it runs the image's; Image Builder will`,
    ]);
  });
});

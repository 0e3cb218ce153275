import { describe, expect, it } from 'vitest';
import { instanceTypeArchitectures } from '../../../core/config/instance-types.js';
import { managedComponentName, managedComponentPlatform } from '../../../core/config/managed-components.js';
import { parentNameTraits } from '../../../core/config/platforms.js';

describe('instanceTypeArchitectures', () => {
  it.each([
    ['m7g.large', ['arm64']],
    ['m7gd.xlarge', ['arm64']],
    ['c7gn.2xlarge', ['arm64']],
    ['t4g.micro', ['arm64']],
    ['g5g.xlarge', ['arm64']],
    ['is4gen.large', ['arm64']],
    ['x2gd.medium', ['arm64']],
    ['a1.large', ['arm64']],
    ['m7i.large', ['x86_64']],
    ['m7i-flex.large', ['x86_64']],
    ['c6a.large', ['x86_64']],
    ['g4ad.xlarge', ['x86_64']],
    ['r7iz.large', ['x86_64']],
    ['u7i-12tb.224xlarge', ['x86_64']],
    ['u-6tb1.metal', ['x86_64']],
    ['m5.large', ['x86_64']],
    ['g4dn.xlarge', ['x86_64']],
    ['inf2.xlarge', ['x86_64']],
    ['t2.micro', ['i386', 'x86_64']],
    ['mac1.metal', ['x86_64_mac']],
    ['mac2-m2pro.metal', ['arm64_mac']],
  ])('reads %s as %j', (type, archs) => {
    expect(instanceTypeArchitectures(type)).toEqual(archs);
  });

  it.each(['zz9.large', 'p6-b200.48xlarge', 'dl2q.24xlarge', 'large'])('says it does not know %s', (type) => {
    expect(instanceTypeArchitectures(type)).toBeUndefined();
  });
});

describe('parentNameTraits', () => {
  it.each([
    [
      'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      { platform: 'Linux', architecture: 'x86_64' },
    ],
    [
      'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-arm64',
      { platform: 'Linux', architecture: 'arm64' },
    ],
    [
      'ssm:/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base',
      { platform: 'Windows', architecture: 'x86_64' },
    ],
    [
      'ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id',
      { platform: 'Linux', architecture: 'arm64' },
    ],
    ['ssm:/aws/service/debian/release/12/latest/amd64', { platform: 'Linux', architecture: 'x86_64' }],
    [
      'arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x',
      { platform: 'Linux', architecture: 'x86_64' },
    ],
    [
      'arn:aws:imagebuilder:us-east-1:aws:image/windows-server-2022-english-full-base-x86/x.x.x',
      { platform: 'Windows', architecture: 'x86_64' },
    ],
    [
      'arn:aws:imagebuilder:us-east-1:aws:image/ubuntu-server-22-lts-arm64/x.x.x',
      { platform: 'Linux', architecture: 'arm64' },
    ],
  ])('reads %s', (parent, traits) => {
    expect(parentNameTraits(parent)).toEqual(traits);
  });

  it.each([
    'ami-0123456789abcdef0',
    'ssm:/goldsmith/images/base/prod',
    'arn:aws:imagebuilder:us-east-1:123456789012:image/base/1.0.0/1',
    'docker:amazonlinux:2023',
  ])('reads nothing from %s', (parent) => {
    expect(parentNameTraits(parent)).toEqual({});
  });
});

describe('managedComponentPlatform', () => {
  it('knows the platform of the AWS-managed components by name, and no other', () => {
    const names = [
      'update-linux',
      'reboot-linux',
      'update-windows',
      'reboot-windows',
      'stig-build-windows-high',
      'made-up',
    ];

    expect(names.map(managedComponentPlatform)).toEqual(['Linux', 'Linux', 'Windows', 'Windows', 'Windows', undefined]);
  });

  it('reads the name out of a managed component ARN, and none out of an account-owned one', () => {
    expect(managedComponentName('arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x')).toBe(
      'update-linux',
    );
    expect(managedComponentName('arn:aws:imagebuilder:us-east-1:123456789012:component/mine/1.0.0/1')).toBeUndefined();
  });
});

import type { Platform } from './platforms.js';

/**
 * The platform of AWS-managed Image Builder components, by name, as Image Builder lists them
 * (`aws imagebuilder list-components --owner Amazon`, each with its `platform`;
 * https://docs.aws.amazon.com/imagebuilder/latest/userguide/component-details.html). AWS names them for their
 * platform: `update-linux` and `update-windows` install pending OS updates on Linux and on Windows
 * (https://docs.aws.amazon.com/imagebuilder/latest/userguide/security-patch-management.html), and so on for
 * `reboot-linux` / `reboot-windows` (the CDK's `AwsManagedComponent.reboot` and `updateOS` choose between them by
 * platform: https://docs.aws.amazon.com/cdk/api/v2/docs/@aws-cdk_aws-imagebuilder-alpha.AwsManagedComponent.html).
 * A name missing here is not judged: Image Builder itself refuses it at deploy if it does not fit.
 */
const BOTH = [
  'update',
  'reboot',
  'reboot-test',
  'simple-boot-test',
  'hello-world',
  'aws-cli-version-2',
  'amazon-cloudwatch-agent',
  'python-3',
  'inspector-test',
  'ebs-volume-usage-test',
  'eni-attachment-test',
  'scap-compliance-checker',
  'powershell-lts',
  'dotnet-runtime-lts',
  'dotnet-sdk-lts',
  'go-stable',
  'aws-codedeploy-agent',
  'dcv-server',
  'stig-build-{}-high',
  'stig-build-{}-medium',
  'stig-build-{}-low',
];

const LINUX_ONLY = [
  'yum-repository-test-linux',
  'validate-ssh-public-key-linux',
  'validate-single-ssh-public-key-test-linux',
  'validate-ssh-host-key-generation-linux',
  'mariadb-linux',
  'php-8_2-linux',
  'docker-ce-linux',
  'docker-ce-ubuntu',
  'docker-ce-centos',
  'update-linux-kernel-5',
  'update-linux-kernel-ml',
  'apache-tomcat-9-linux',
  'apt-repository-test-linux',
  'mate-de-linux',
  'mono-linux',
];

const WINDOWS_ONLY = [
  'ec2launch-v2-windows',
  'ec2-network-route-test-windows',
  'windows-server-iis',
  'windows-activation-test',
  'windows-is-ready-with-password-generation-test',
  'dotnet-desktop-runtime-lts-windows',
  'dotnet-hosting-bundle-lts-windows',
  'ecs-optimized-ami-windows',
  'eks-optimized-ami-windows',
  'aws-vss-components-windows',
  'distributor-package-windows',
  'anaconda-windows',
];

function named(stem: string, os: 'linux' | 'windows'): string {
  return stem.includes('{}') ? stem.replace('{}', os) : `${stem}-${os}`;
}

const PLATFORM_BY_NAME: ReadonlyMap<string, Platform> = new Map<string, Platform>([
  ...BOTH.flatMap((stem): [string, Platform][] => [
    [named(stem, 'linux'), 'Linux'],
    [named(stem, 'windows'), 'Windows'],
  ]),
  ...LINUX_ONLY.map((name): [string, Platform] => [name, 'Linux']),
  ...WINDOWS_ONLY.map((name): [string, Platform] => [name, 'Windows']),
]);

/** The platform of an AWS-managed component, or undefined for a name Goldsmith does not know. */
export function managedComponentPlatform(name: string): Platform | undefined {
  return PLATFORM_BY_NAME.get(name);
}

/** The name in an AWS-managed component's ARN (`arn:aws:imagebuilder:<region>:aws:component/<name>/<version>`). */
export function managedComponentName(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:aws:component\/([^/]+)\//.exec(arn)?.[1];
}

import { defineConfig } from './core/config/define.js';

// The example catalog: an Amazon Linux 2023 base, a CIS-style hardened image on it, an application image on the
// hardened one, and a container image; promoted dev → staging → prod across three OUs' worth of accounts.
export default defineConfig({
  organization: { id: 'o-a1b2c3d4e5', homeRegion: 'us-east-1' },
  images: {
    base: {
      description: 'Amazon Linux 2023, patched, with the SSM and CloudWatch agents',
      parent: 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      components: [{ managed: 'update-linux' }, { file: 'components/base-agents.yml' }],
      tests: [{ managed: 'reboot-linux' }],
      instanceTypes: ['m7i.large'],
      regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
      schedule: { type: 'monthly-patch', daysAfterPatchTuesday: 2, at: '03:00', timezone: 'Europe/London' },
      triggers: { baseImage: true, packages: ['openssl', 'glibc'] },
      retention: { keep: 3, deprecateAfter: '90d' },
    },
    hardened: {
      description: 'CIS Amazon Linux 2023 Level 1 hardening on the base image',
      parent: { image: 'base', channel: 'staging' },
      components: [{ file: 'components/cis-hardening.yml', parameters: { Level: '1' } }],
      tests: [{ file: 'components/tests/hardening-checks.yml' }],
      instanceTypes: ['m7i.large'],
      regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
      triggers: { baseImage: false, packages: ['openssh'] },
      retention: { keep: 3, deprecateAfter: '90d' },
    },
    app: {
      description: 'Application host: hardened image with the Java runtime and the deploy agent',
      parent: { image: 'hardened', channel: 'staging' },
      components: [{ file: 'components/app-runtime.yml', parameters: { JavaVersion: '21' } }],
      tests: [{ managed: 'reboot-linux' }],
      instanceTypes: ['m7i.large', 'm6i.large'],
      regions: ['us-east-1', 'eu-west-1'],
      triggers: { baseImage: false, packages: ['java-21-amazon-corretto'] },
      retention: { keep: 5 },
    },
    'web-runtime': {
      kind: 'container',
      description: 'Container base for web services: Amazon Linux 2023 with nginx',
      parent: 'docker:amazonlinux:2023',
      components: [{ file: 'components/container-runtime.yml' }],
      regions: ['us-east-1', 'eu-west-1'],
      schedule: { type: 'cron', expression: 'cron(0 4 ? * SUN *)', timezone: 'UTC' },
      triggers: { baseImage: false, packages: ['nginx'] },
      repository: 'golden/web-runtime',
      retention: { keep: 10 },
    },
  },
  channels: [
    {
      name: 'dev',
      targets: { ous: ['ou-x1y2-dev00001'] },
      soak: '1d',
      vulnerabilities: { maxCritical: 0, maxHigh: 5 },
    },
    {
      name: 'staging',
      targets: { ous: ['ou-x1y2-stg00001'] },
      soak: '3d',
      vulnerabilities: { maxCritical: 0, maxHigh: 2 },
    },
    {
      name: 'prod',
      targets: { ous: ['ou-x1y2-prd00001', 'ou-x1y2-prd00002'], exclude: { accounts: ['111122223333'] } },
      approval: { approvers: ['ops-lead', 'security-reviewer'], timeout: '3d' },
      vulnerabilities: { maxCritical: 0, maxHigh: 0, maxMedium: 10 },
    },
  ],
  notifications: {
    email: [
      'platform-team@example.com',
      { address: 'security@example.com', only: { channels: ['prod'], severities: ['warning', 'critical'] } },
    ],
    // Each approver's own approve/reject links go to their address alone; the addresses above never receive a link.
    approvers: { 'ops-lead': 'ops-lead@example.com', 'security-reviewer': 'security-reviewer@example.com' },
    slack: {
      secretName: 'goldsmith/slack',
      channel: '#golden-images',
      approvers: { 'ops-lead': 'U024BE7LH', 'security-reviewer': 'U0G9QF9C6' },
    },
  },
  access: {
    // May put "Package Update" (source goldsmith.ci) on Goldsmith's bus, and nothing else.
    ci: ['arn:aws:iam::123456789012:role/ci-release'],
    // May assume the operators' role: build, promote, rollback, revoke through the operator endpoint.
    operators: ['arn:aws:iam::123456789012:role/platform-engineer'],
    // The IAM principals each approver signs operator requests as.
    approvers: {
      'ops-lead': ['arn:aws:iam::123456789012:role/ops-lead'],
      'security-reviewer': ['arn:aws:iam::123456789012:role/security-reviewer'],
    },
  },
});

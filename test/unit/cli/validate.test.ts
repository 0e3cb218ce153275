import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../../..');
const FIXTURES = join(REPO, 'test/fixtures/catalogs');

/** Runs the real command the way a user does, with Node 22 from node_modules. */
function goldsmith(args: string[], cwd = REPO) {
  const result = spawnSync(process.execPath, [join(REPO, 'bin/goldsmith.mjs'), ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('goldsmith validate', () => {
  // Without synthesis (--catalog-only): validate-limits.test.ts runs the full check in process.
  it('prints one summary line and one limits line and exits 0 for the example catalog', () => {
    const { code, stdout } = goldsmith(['validate', '--catalog-only']);

    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'goldsmith.config.ts: valid — 4 images (3 AMI, 1 container), 3 channels (dev → staging → prod), 3 regions, lineage base → hardened → app',
      expect.stringMatching(/^limits: within all 7 catalog-level AWS limits \(stacks not synthesized\); tightest: /),
      '',
    ]);
  });

  it('reads a JSON catalog with component paths relative to its folder', () => {
    const { code, stdout } = goldsmith(['validate', '--catalog-only', '--config', 'valid.json'], FIXTURES);

    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('valid.json: valid — 1 image (1 AMI, 0 container), 1 channel (prod), 1 region');
  });

  it('names a catalog outside the working directory by the path it was given, not a ../ walk', () => {
    const file = join(FIXTURES, 'valid.json');
    const { code, stdout } = goldsmith(['validate', '--catalog-only', '--config', file], join(REPO, 'docs'));

    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe(`${file}: valid — 1 image (1 AMI, 0 container), 1 channel (prod), 1 region`);
  });

  it('prints one path-prefixed line per problem and exits 1 for a broken JSON catalog', () => {
    const { code, stdout } = goldsmith(['validate', '--config', join(FIXTURES, 'broken.json')]);

    expect(code).toBe(1);
    expect(stdout.trimEnd().split('\n')).toEqual([
      'organization.homeRegion: unknown AWS Region "eu-west-9"',
      'images.base.colour: unknown key',
      'images.app.parent.image: unknown image "bse" (did you mean "base"?)',
      `images.base.components[0].file: file not found: components/missing.yml (looked for ${join(FIXTURES, 'components/missing.yml')})`,
      'channels[0].targets: must name the organization, or at least one OU, account or account tag',
    ]);
  });

  it('prints one path-prefixed line per problem and exits 1 for a broken TypeScript catalog', () => {
    const { code, stdout } = goldsmith(['validate', '--config', join(FIXTURES, 'broken.ts')]);

    expect(code).toBe(1);
    expect(stdout.trimEnd().split('\n')).toEqual([
      'images.b.schedule.expression: invalid cron expression: exactly one of day-of-month and day-of-week must be "?"',
      "channels[0].approval.timeout: 400d exceeds Step Functions' one-year maximum execution time (365d)",
      'images.a.parent: lineage cycle a → b → a',
      `channels[0].approval.approvers[0]: "ops-lead" can never approve channel "prod": no access.approvers principal, notifications.approvers address or notifications.slack.approvers user maps them; and with no notifications.email, Slack, Teams or notifications.webhooks, nobody would be told of a request, so its promotions would wait until the approval times out`,
    ]);
  });

  it('prints every problem at once: a value outside its choices, unknown parents, regions and approvers', () => {
    const { code, stdout } = goldsmith(['validate', '--catalog-only', '--config', 'every-problem.json'], FIXTURES);

    expect(code).toBe(1);
    expect(stdout.trimEnd().split('\n')).toEqual([
      'channels[1].vulnerabilities.revokeOn[0]: must be "critical" or "high" or "medium"',
      'images.app.parent.image: unknown image "os-bse" (did you mean "os-base"?)',
      `images.web.regions[0]: region "eu-west-1" is not among parent image "os-base"'s regions (us-east-1); the parent's channel pointer is read from SSM in each region`,
      `channels[2].approval.approvers[0]: "ghost" can never approve channel "prod": no access.approvers principal, notifications.approvers address or notifications.slack.approvers user maps them; and with no notifications.email, Slack, Teams or notifications.webhooks, nobody would be told of a request, so its promotions would wait until the approval times out`,
    ]);
  });

  it('refuses what AWS refuses: components of another platform, Graviton types on x86_64, mixed architectures', () => {
    const { code, stdout } = goldsmith(['validate', '--catalog-only', '--config', 'wrong-platforms.json'], FIXTURES);
    const windows =
      'image "windows" is Windows (from its parent "ssm:/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base")';
    const al2023 = 'its parent "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"';
    const recipe = 'Image Builder refuses a recipe whose components are for another platform than its parent image';
    const launch = 'EC2 refuses to launch its AMI on that type, and the build fails';

    expect(code).toBe(1);
    expect(stdout.trimEnd().split('\n')).toEqual([
      `images.windows.components[0].managed: "update-linux" is a Linux component and ${windows}: ${recipe}`,
      `images.windows.tests[0].managed: "reboot-linux" is a Linux component and ${windows}: ${recipe}`,
      `images.linux.components[0].managed: "update-windows" is a Windows component and image "linux" is Linux (from ${al2023}): ${recipe}`,
      `images.windows.instanceTypes[0]: m7g.large is arm64 (AWS Graviton) and image "windows" is x86_64 (from its parent "ssm:/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base"), and Graviton instances do not run Windows: ${launch}`,
      `images.graviton.instanceTypes[0]: m7g.large is arm64 (AWS Graviton) and image "graviton" is x86_64 (from ${al2023}): ${launch}`,
      `images.mixed.instanceTypes[1]: m7g.large is arm64 (AWS Graviton) and image "mixed" is x86_64 (from ${al2023}): ${launch}`,
    ]);
  });

  it('prints a warning line and exits 0 for an approver nothing would tell of a request', () => {
    const { code, stdout } = goldsmith(['validate', '--catalog-only', '--config', 'untold-approver.json'], FIXTURES);

    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n').slice(2)).toEqual([
      'warning: channels[0].approval.approvers[0]: "ops-lead" is never told of a request for channel "prod": they decide only through access.approvers, and there is no notifications.approvers address or notifications.slack.approvers user for them, and no notifications.email, Slack, Teams or notifications.webhooks',
    ]);
  });

  it('prints one JSON document with --json', () => {
    const { code, stdout } = goldsmith(['validate', '--json', '--config', join(FIXTURES, 'broken.json')]);

    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.valid).toBe(false);
    expect(report.problems).toHaveLength(5);
  });

  it('reports a missing catalog file and a module without a default export', () => {
    const missing = goldsmith(['validate', '--config', 'nowhere.ts'], FIXTURES);
    const noDefault = goldsmith(['validate', '--config', 'no-default.ts'], FIXTURES);

    expect([missing.code, missing.stdout]).toEqual([1, 'catalog: cannot load nowhere.ts: file not found\n']);
    expect([noDefault.code, noDefault.stdout]).toEqual([
      1,
      'catalog: no-default.ts has no default export (export default defineConfig({ … }))\n',
    ]);
  });
});

describe('goldsmith command line', () => {
  it('rejects an unknown option with exit 1 and a message on stderr', () => {
    const { code, stdout, stderr } = goldsmith(['validate', '--strict']);

    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toBe("goldsmith validate: Unknown option '--strict'\n");
  });

  it('rejects an unknown command, naming the commands it knows', () => {
    const { code, stderr } = goldsmith(['deploy']);

    expect(code).toBe(1);
    expect(stderr).toMatch(/^goldsmith: unknown command "deploy" \(commands: validate/);
  });

  it('prints the commands on help, and a command’s options on help COMMAND', () => {
    const list = goldsmith(['help']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^usage: goldsmith <command>.*\ncommands: validate/s);

    const one = goldsmith(['help', 'validate']);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe(goldsmith(['validate', '--help']).stdout);
    expect(one.stdout).toMatch(/^usage: goldsmith validate/);
  });

  it('prints usage and exits 1 without a command', () => {
    const { code, stderr } = goldsmith([]);

    expect(code).toBe(1);
    expect(stderr).toMatch(/^usage: goldsmith <command>/);
  });
});

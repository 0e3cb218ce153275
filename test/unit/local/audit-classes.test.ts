import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { CreateResourceShareCommand } from '@aws-sdk/client-ram';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ec2Client } from '../../../aws/clients/ec2.js';
import { ramClient } from '../../../aws/clients/ram.js';
import { ssmClient } from '../../../aws/clients/ssm.js';
import { catalogShapeSchema } from '../../../core/config/schema.js';
import example from '../../../goldsmith.config.js';
import { memberRole } from '../../../local/fakes/kms-launch.js';
import { AccountClasses, Launchability } from '../../../local/simulator/audit-classes.js';
import { auditConsumerAccess } from '../../../local/simulator/audit-consumers.js';
import { auditKeys } from '../../../local/simulator/audit-keys.js';
import { auditLaunchPermissions, type LaunchAuditCloud } from '../../../local/simulator/audit-sharing.js';
import { TemplateResolver } from '../../../local/simulator/intrinsics.js';
import { amiKeyPolicy } from '../../../stacks/factory/key.js';
import { channelParameterName } from '../../../stacks/names.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';
const PROD = 'ou-x1y2-prd00001';
const DEV = 'ou-x1y2-dev00001';
const accounts = (first: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: String(first + i) }));
/** A dev account that prod names by account id: its AMIs are shared with it by a UserId grant. */
const NAMED = '220000000777';
/** Another dev account, named by nobody. */
const OTHER = '220000001234';

const ORG = 'o-a1b2c3d4e5';
const KEY = 'AmiKey0123ABCD';
const KEY_ARN = `arn:aws:kms:${R}:${ACCOUNT}:key/${KEY}`;
const outdir = join(tmpdir(), `goldsmith-audit-classes-${process.pid}`);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The AMI key policy as the Factory stack writes it, resolved as a deploy in `R` would. */
function keyPolicy(): unknown {
  const stack = new Stack(new App({ outdir }), 'Keys', { env: { account: ACCOUNT, region: R } });
  const doc = amiKeyPolicy(stack, { organizationId: ORG, regions: [R], stage: 'test' });
  return new TemplateResolver([], { accountId: ACCOUNT, region: R }).resolve(stack.resolve(doc.toJSON()));
}

/**
 * 4,000 accounts in two OUs; one prod AMI, its snapshot encrypted with the AMI key, shared with the prod OU and the one
 * dev account prod names.
 */
async function prodAmi() {
  const cloud = localCloud({
    organization: {
      organizationId: 'o-a1b2c3d4e5',
      managementAccountId: ACCOUNT,
      ous: [
        { id: PROD, accounts: accounts(210000000000, 2000) },
        { id: DEV, accounts: accounts(220000000000, 2000) },
      ],
    },
  });
  cloud.fakes.kms.createKey(R, KEY, keyPolicy() as { Statement: unknown[] });
  const ami = cloud.fakes.ec2.registerImage(R, { name: 'base 1.0.0/1', kmsKeyId: KEY_ARN });
  const channels = catalogShapeSchema
    .parse(example)
    .channels.map((c) => (c.name === 'prod' ? { ...c, targets: { ...c.targets, ous: [PROD], accounts: [NAMED] } } : c));
  const audited: LaunchAuditCloud & { catalog: { organization: { id: string } } } = {
    installed: {
      fakes: {
        ec2: cloud.fakes.ec2,
        organizations: cloud.fakes.organizations,
        imagebuilder: {
          builds: new Map([
            [
              'b',
              {
                arn: `arn:aws:imagebuilder:${R}:${ACCOUNT}:image/base/1.0.0/1`,
                pipeline: { image: 'base' },
                amis: [{ region: R, image: ami.imageId }],
              },
            ],
          ]),
        },
      },
    },
    catalog: { channels, organization: { id: ORG } },
  };
  const promotions = [{ image: 'base', version: '1.0.0/1', channel: 'prod', outcome: 'promoted' as const }];
  const ec2 = ec2Client(R);
  const share = (change: 'Add' | 'Remove', permissions: { UserId?: string; OrganizationalUnitArn?: string }[]) =>
    ec2.send(new ModifyImageAttributeCommand({ ImageId: ami.imageId, LaunchPermission: { [change]: permissions } }));
  await share('Add', [{ OrganizationalUnitArn: cloud.fakes.organizations.ouArn(PROD) }, { UserId: NAMED }]);
  const audit = () => {
    const launchability = new Launchability(cloud.fakes.ec2, cloud.fakes.organizations);
    return {
      ...auditLaunchPermissions(audited, { promotions }, new Map(), new Map(), new Map(), launchability),
      launchability,
    };
  };
  const keyAudit = () => {
    const launchability = new Launchability(cloud.fakes.ec2, cloud.fakes.organizations);
    return {
      ...auditKeys(
        { ...audited, installed: { fakes: { ...audited.installed.fakes, kms: cloud.fakes.kms } } },
        launchability,
      ),
      launchability,
    };
  };
  return { share, audit, keyAudit, ami: ami.imageId, kms: cloud.fakes.kms };
}

describe('the launch audit by classes of accounts', () => {
  afterEach(resetClients);

  it('covers every account with an answer per class, and finds nothing on a clean share', async () => {
    const { audit } = await prodAmi();
    const { problems, checks, launchability } = audit();
    expect(problems).toEqual([]);
    expect(checks['launchable-by-targets']).toBe(2001);
    // Every other member (the management account and the owner aside), and one account outside the organization.
    expect(checks['not-launchable-by-others']).toBe(2000);
    expect(launchability.classes.asked).toBe(4001);
    // The prod OU, the dev OU, the account outside, and the one account prod names by id.
    expect(launchability.classes.evaluated).toBe(4);
  });

  it('finds the one account among thousands whose launch permission someone else removed', async () => {
    const { share, audit, ami } = await prodAmi();
    await share('Remove', [{ UserId: NAMED }]);
    expect(audit().problems).toEqual([`base 1.0.0/1 (prod): ${NAMED} cannot launch ${ami} in ${R}`]);
  });

  it('finds the one account among thousands someone else gave a launch permission', async () => {
    const { share, audit, ami } = await prodAmi();
    await share('Add', [{ UserId: OTHER }]);
    expect(audit().problems).toEqual([`base 1.0.0/1 holds only prod, but ${OTHER} can launch ${ami} in ${R}`]);
  });

  it('finds every account of an OU whose launch permission someone else removed, one by one in order', async () => {
    const { share, audit, ami } = await prodAmi();
    const ouArn = `arn:aws:organizations::${ACCOUNT}:ou/${ORG}/${PROD}`;
    await share('Remove', [{ OrganizationalUnitArn: ouArn }]);
    const { problems, checks } = audit();
    // The AMI's first three problems (the rest are not listed), each naming its account.
    expect(problems).toEqual(
      ['210000000000', '210000000001', '210000000002'].map(
        (a) => `base 1.0.0/1 (prod): ${a} cannot launch ${ami} in ${R}`,
      ),
    );
    expect(checks['launchable-by-targets']).toBe(2001);
  });

  it('answers the key questions of thousands of accounts by class, and finds nothing on a clean key', async () => {
    const { keyAudit } = await prodAmi();
    const { problems, checks, launchability } = keyAudit();
    expect(problems).toEqual([]);
    expect(checks['key-usable-by-targets']).toBe(2001);
    expect(checks['key-not-usable-by-others']).toBeGreaterThan(8000);
    expect(launchability.classes.evaluated).toBeLessThan(20);
  });

  it('finds the one account among thousands someone else let use the key directly', async () => {
    const { keyAudit, kms } = await prodAmi();
    const launcher = memberRole(OTHER, ORG).principalArn;
    kms.createGrant(R, KEY, memberRole(ACCOUNT, ORG), {
      granteePrincipal: launcher,
      operations: ['Decrypt'],
      name: 'x',
    });
    expect(keyAudit().problems).toEqual([`${OTHER} can Decrypt with ${KEY_ARN} in ${R} directly, not through EC2`]);
  });

  it('finds the one account among thousands whose pointer share someone else took out', async () => {
    const cloud = localCloud({
      organization: {
        organizationId: ORG,
        managementAccountId: ACCOUNT,
        ous: [
          { id: PROD, accounts: accounts(210000000000, 2000) },
          { id: DEV, accounts: accounts(220000000000, 2000) },
        ],
      },
    });
    const name = channelParameterName('base', 'prod');
    const ami = cloud.fakes.ec2.registerImage(R, { name: 'base 1.0.0/1' }).imageId;
    await ssmClient(R).send(
      new PutParameterCommand({ Name: name, Value: ami, Type: 'String', DataType: 'aws:ec2:image', Tier: 'Advanced' }),
    );
    const arn = cloud.fakes.ssm.arn(R, name);
    const principals = [cloud.fakes.organizations.ouArn(PROD), NAMED];
    await ramClient(R).send(new CreateResourceShareCommand({ name: 'pointers', resourceArns: [arn], principals }));
    const catalog = catalogShapeSchema.parse(example);
    const channels = catalog.channels.map((c) =>
      c.name === 'prod' ? { ...c, targets: { ...c.targets, ous: [PROD], accounts: [NAMED] } } : c,
    );
    const audit = () => {
      const classes = new AccountClasses(cloud.fakes.organizations);
      const found = auditConsumerAccess(
        { installed: cloud, catalog: { images: catalog.images, channels } },
        undefined,
        classes,
      );
      return { ...found, classes };
    };
    const clean = audit();
    expect(clean.problems).toEqual([]);
    expect(clean.checks['pointer-readable-by-targets']).toBe(2001);
    // The prod OU, the dev OU, the account outside, and the one account the share names.
    expect(clean.classes.evaluated).toBe(4);

    expect(cloud.fakes.ram.disassociateOutside(R, 'pointers', NAMED)).toBe(1);
    expect(audit().problems).toEqual([`${NAMED} cannot read ${name} in ${R}`]);

    // The whole OU's share taken out: each of its 2,000 accounts is found, the first five listed.
    expect(cloud.fakes.ram.disassociateOutside(R, 'pointers', principals[0]!)).toBe(1);
    const { problems, checks } = audit();
    expect(problems.slice(0, 2)).toEqual([
      `210000000000 cannot read ${name} in ${R}`,
      `210000000001 cannot read ${name} in ${R}`,
    ]);
    expect(problems.at(-1)).toBe('pointer-readable-by-targets: 1996 more like these');
    expect(checks['pointer-readable-by-targets']).toBe(2001);
  });
});

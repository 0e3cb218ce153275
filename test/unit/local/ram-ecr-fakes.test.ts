import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryPolicyCommand,
  GetRepositoryPolicyCommand,
  PutImageCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import {
  CreateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  GetResourceSharesCommand,
} from '@aws-sdk/client-ram';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { ecrClient } from '../../../aws/clients/ecr.js';
import { ramClient } from '../../../aws/clients/ram.js';
import { ssmClient } from '../../../aws/clients/ssm.js';
import { addParameterToHeldShare, POINTER_SHARE_TAG, unsharePointer } from '../../../aws/sharing/ram.js';
import { pullStatements } from '../../../core/promotion/consumer-access.js';
import { guardStatements } from '../../../core/promotion/repository-guard.js';
import { principalContext } from '../../../local/simulator/audit-consumers.js';
import { runAs } from '../../../local/trust/caller.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';
const ORG_ID = 'o-a1b2c3d4e5';
const OU_PROD = 'ou-x1y2-prd00001';
const OU_NESTED = 'ou-x1y2-prdteam1';
const OU_DEV = 'ou-x1y2-dev00001';
const organization = {
  organizationId: ORG_ID,
  managementAccountId: ACCOUNT,
  ous: [
    { id: OU_PROD, accounts: [{ id: '111100000001' }, { id: '111100000002' }] },
    { id: OU_NESTED, parentId: OU_PROD, accounts: [{ id: '111100000003' }] },
    { id: OU_DEV, accounts: [{ id: '222200000001' }] },
  ],
};
const OU_ARN = `arn:aws:organizations::${ACCOUNT}:ou/${ORG_ID}/${OU_PROD}`;
const PARAM = '/goldsmith/base/prod';
const PARAM_ARN = `arn:aws:ssm:${R}:${ACCOUNT}:parameter${PARAM}`;

async function putPointer(fakes: ReturnType<typeof localCloud>['fakes'], tier: 'Standard' | 'Advanced') {
  const ami = fakes.ec2.registerImage(R, { name: 'base 1' }).imageId;
  await ssmClient(R).send(
    new PutParameterCommand({ Name: PARAM, Value: ami, Type: 'String', DataType: 'aws:ec2:image', Tier: tier }),
  );
  return ami;
}

describe('RamFake', () => {
  afterEach(resetClients);
  const ram = () => ramClient(R);

  it('refuses to share a standard-tier parameter, and shares an advanced one with every account under the OU', async () => {
    const { fakes } = localCloud({ organization });
    await putPointer(fakes, 'Standard');
    const create = new CreateResourceShareCommand({ name: 'p', resourceArns: [PARAM_ARN], principals: [OU_ARN] });
    await expect(ram().send(create)).rejects.toMatchObject({ name: 'InvalidParameterException' });

    await ssmClient(R).send(
      new PutParameterCommand({ Name: PARAM, Value: fakes.ssm.value(R, PARAM)!, Overwrite: true, Tier: 'Advanced' }),
    );
    const out = await ram().send(create);

    expect(out.resourceShare?.status).toBe('ACTIVE');
    expect([...fakes.ram.readers(R, PARAM_ARN)].sort()).toEqual(['111100000001', '111100000002', '111100000003']);
  });

  it("answers the audit's many reads (readersAt) as readers does, and a later readersAt sees a share changed since", async () => {
    const { fakes } = localCloud({ organization });
    await putPointer(fakes, 'Advanced');
    const other = '/goldsmith/base/dev';
    await ssmClient(R).send(
      new PutParameterCommand({ Name: other, Value: fakes.ssm.value(R, PARAM)!, Type: 'String', Tier: 'Advanced' }),
    );
    const otherArn = fakes.ssm.arn(R, other);
    const resourceArns = [PARAM_ARN, otherArn];
    await ram().send(new CreateResourceShareCommand({ name: 'p', resourceArns, principals: [OU_ARN, '222200000001'] }));
    const unchanged = fakes.ram.readersAt(R);
    for (const arn of resourceArns) expect(unchanged(arn)).toEqual(fakes.ram.readers(R, arn));
    expect([...unchanged(otherArn)].sort()).toEqual(['111100000001', '111100000002', '111100000003', '222200000001']);

    expect(fakes.ram.disassociateOutside(R, 'p', OU_ARN)).toBe(1);
    const changed = fakes.ram.readersAt(R);
    for (const arn of resourceArns) expect([...changed(arn)]).toEqual(['222200000001']);
    expect([...changed('arn:aws:ssm:us-east-1:123456789012:parameter/nothing')]).toEqual([]);
  });

  it('lets a target read the shared pointer by ARN only, and nobody outside the share at all', async () => {
    const { fakes } = localCloud({ organization });
    const ami = await putPointer(fakes, 'Advanced');
    await ram().send(new CreateResourceShareCommand({ name: 'p', resourceArns: [PARAM_ARN], principals: [OU_ARN] }));
    const readers = () => fakes.ram.readers(R, PARAM_ARN);

    expect(fakes.ssm.readAs('111100000003', R, PARAM_ARN, readers)).toBe(ami);
    expect(fakes.ssm.readAs('111100000003', R, PARAM, readers)).toBeUndefined();
    expect(fakes.ssm.readAs('222200000001', R, PARAM_ARN, readers)).toBeUndefined();
    expect(fakes.ssm.readAs('999999999999', R, PARAM_ARN, readers)).toBeUndefined();
    expect(fakes.ssm.readAs('111100000003', 'eu-west-1', PARAM_ARN, readers)).toBeUndefined();
  });

  it('answers a repeated client token with the first share, and a reused token with other inputs with an error', async () => {
    const { fakes } = localCloud({ organization });
    await putPointer(fakes, 'Advanced');
    const input = { name: 'p', resourceArns: [PARAM_ARN], principals: [OU_ARN], clientToken: 't-1' };
    const first = await ram().send(new CreateResourceShareCommand(input));
    const again = await ram().send(new CreateResourceShareCommand(input));

    expect(again.resourceShare?.resourceShareArn).toBe(first.resourceShare?.resourceShareArn);
    await expect(
      ram().send(new CreateResourceShareCommand({ ...input, principals: ['111100000001'] })),
    ).rejects.toMatchObject({ name: 'IdempotentParameterMismatchException' });
    const shares = await ram().send(new GetResourceSharesCommand({ resourceOwner: 'SELF' }));
    expect(shares.resourceShares).toHaveLength(1);
  });

  it('pages shares and fails an outside account on a share that refuses external principals', async () => {
    const { fakes } = localCloud({ organization });
    await putPointer(fakes, 'Advanced');
    await ram().send(new CreateResourceShareCommand({ name: 'a', principals: ['111100000001'] }));
    const b = await ram().send(
      new CreateResourceShareCommand({ name: 'b', principals: ['999999999999'], allowExternalPrincipals: false }),
    );

    const page1 = await ram().send(new GetResourceSharesCommand({ resourceOwner: 'SELF', maxResults: 1 }));
    const page2 = await ram().send(
      new GetResourceSharesCommand({ resourceOwner: 'SELF', maxResults: 1, nextToken: page1.nextToken }),
    );
    expect([page1.resourceShares?.[0]?.name, page2.resourceShares?.[0]?.name]).toEqual(['a', 'b']);
    expect(page2.nextToken).toBeUndefined();
    await expect(
      ram().send(new GetResourceSharesCommand({ resourceOwner: 'SELF', nextToken: 'bogus' })),
    ).rejects.toMatchObject({ name: 'InvalidNextTokenException' });
    const assoc = await ram().send(
      new GetResourceShareAssociationsCommand({
        associationType: 'PRINCIPAL',
        resourceShareArns: [b.resourceShare!.resourceShareArn!],
      }),
    );
    expect(assoc.resourceShareAssociations?.[0]).toMatchObject({ status: 'FAILED', external: true });
  });
});

describe('EcrFake', () => {
  afterEach(resetClients);
  const ecr = () => ecrClient(R);
  const repositoryName = 'golden/web';

  it('retags by manifest: PutImage with the manifest of a digest moves the tag off its old image', async () => {
    const { fakes } = localCloud({ organization });
    fakes.ecr.createRepository(R, repositoryName);
    const first = fakes.ecr.push(R, repositoryName, '1.0.0-1', 'build 1');
    const second = fakes.ecr.push(R, repositoryName, '1.0.0-2', 'build 2');
    const retag = async (tag: string, digest: string) => {
      const got = await ecr().send(new BatchGetImageCommand({ repositoryName, imageIds: [{ imageDigest: digest }] }));
      await ecr().send(
        new PutImageCommand({ repositoryName, imageManifest: got.images![0]!.imageManifest!, imageTag: tag }),
      );
    };

    await retag('prod', first);
    await retag('prod', second);

    expect(fakes.ecr.digestOfTag(R, repositoryName, 'prod')).toBe(second);
    await expect(retag('prod', second)).rejects.toMatchObject({ name: 'ImageAlreadyExistsException' });
    const missing = await ecr().send(new BatchGetImageCommand({ repositoryName, imageIds: [{ imageTag: 'nope' }] }));
    expect(missing.failures?.[0]?.failureCode).toBe('ImageNotFound');
  });

  it('keeps a version tag where it is in an IMMUTABLE_WITH_EXCLUSION repository, and moves an excluded channel tag', async () => {
    localCloud({ organization });
    await ecr().send(
      new CreateRepositoryCommand({
        repositoryName,
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filter: 'prod', filterType: 'WILDCARD' }],
      }),
    );
    const manifest = (n: number) => JSON.stringify({ schemaVersion: 2, n });
    const put = (tag: string, n: number) =>
      ecr().send(new PutImageCommand({ repositoryName, imageManifest: manifest(n), imageTag: tag }));
    await put('1.0.0-1', 1);
    await put('prod', 1);
    await put('prod', 2);

    await expect(put('1.0.0-1', 2)).rejects.toMatchObject({ name: 'ImageTagAlreadyExistsException' });
    const tags = await ecr().send(
      new BatchGetImageCommand({ repositoryName, imageIds: [{ imageTag: '1.0.0-1' }, { imageTag: 'prod' }] }),
    );
    expect(tags.images?.map((i) => i.imageManifest)).toEqual([manifest(1), manifest(2)]);
    await expect(
      ecr().send(
        new CreateRepositoryCommand({
          repositoryName: 'golden/other',
          imageTagMutability: 'MUTABLE',
          imageTagMutabilityExclusionFilters: [{ filter: 'prod', filterType: 'WILDCARD' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it("refuses every write its policy's guard denies to anyone but Goldsmith's roles, and lets those through", async () => {
    const { fakes } = localCloud({ organization });
    fakes.ecr.createRepository(R, repositoryName);
    fakes.ecr.push(R, repositoryName, '1.0.0-1', 'build 1');
    const scope = { partition: 'aws', account: ACCOUNT, stage: 'prod' };
    await ecr().send(
      new SetRepositoryPolicyCommand({
        repositoryName,
        policyText: JSON.stringify({ Version: '2012-10-17', Statement: guardStatements(scope) }),
      }),
    );
    const developer = `arn:aws:sts::${ACCOUNT}:assumed-role/developer/jane`;
    const publisher = `arn:aws:sts::${ACCOUNT}:assumed-role/prod-goldsmith-Promotion-PromotionPublish/fn`;
    const image = await ecr().send(new BatchGetImageCommand({ repositoryName, imageIds: [{ imageTag: '1.0.0-1' }] }));
    const manifest = image.images![0]!.imageManifest!;
    const attempts = [
      () => ecr().send(new PutImageCommand({ repositoryName, imageManifest: '{"evil":1}', imageTag: 'prod' })),
      () => ecr().send(new BatchDeleteImageCommand({ repositoryName, imageIds: [{ imageTag: '1.0.0-1' }] })),
      () => ecr().send(new DeleteRepositoryPolicyCommand({ repositoryName })),
      () => ecr().send(new SetRepositoryPolicyCommand({ repositoryName, policyText: '{"Statement":[]}' })),
      () => ecr().send(new PutImageTagMutabilityCommand({ repositoryName, imageTagMutability: 'MUTABLE' })),
      () =>
        ecr().send(
          new PutLifecyclePolicyCommand({
            repositoryName,
            lifecyclePolicyText: JSON.stringify({
              rules: [{ rulePriority: 1, action: { type: 'expire' } }],
              padding: '-'.repeat(64),
            }),
          }),
        ),
    ];
    for (const attempt of attempts) {
      await expect(runAs(developer, attempt)).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining('with an explicit deny in a resource-based policy'),
      });
    }
    expect(fakes.ecr.digestOfTag(R, repositoryName, 'prod')).toBeUndefined();

    await runAs(publisher, () =>
      ecr().send(new PutImageCommand({ repositoryName, imageManifest: manifest, imageTag: 'prod' })),
    );
    expect(fakes.ecr.digestOfTag(R, repositoryName, 'prod')).toBe(fakes.ecr.digestOfTag(R, repositoryName, '1.0.0-1'));
  });

  it('answers the documented errors for a missing repository, a missing policy and a malformed policy', async () => {
    const { fakes } = localCloud({ organization });
    fakes.ecr.createRepository(R, repositoryName);

    await expect(ecr().send(new GetRepositoryPolicyCommand({ repositoryName: 'nope' }))).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
    });
    await expect(ecr().send(new GetRepositoryPolicyCommand({ repositoryName }))).rejects.toMatchObject({
      name: 'RepositoryPolicyNotFoundException',
    });
    await expect(
      ecr().send(new SetRepositoryPolicyCommand({ repositoryName, policyText: '{"Statement":[{"Effect":"Maybe"}]}' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('lets exactly the OU (nested OUs included) minus exclusions pull through an organization-path policy', async () => {
    const { fakes } = localCloud({ organization });
    fakes.ecr.createRepository(R, repositoryName);
    const statements = pullStatements(
      'prod',
      { ous: [OU_PROD], exclude: { ous: [], accounts: ['111100000002'] } },
      [],
      ORG_ID,
    );
    await ecr().send(
      new SetRepositoryPolicyCommand({
        repositoryName,
        policyText: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
      }),
    );
    const context = principalContext(fakes.organizations);
    const can = (account: string) => fakes.ecr.canPull(R, repositoryName, account, context);

    expect(['111100000001', '111100000003'].map(can)).toEqual([true, true]);
    expect(['111100000002', '222200000001', '999999999999'].map(can)).toEqual([false, false, false]);
    expect(can(ACCOUNT)).toBe(true);
  });
});

/** A local cloud with the pointer parameter and an empty pointer share `p` to the OU. */
async function pointerAndShare() {
  const { fakes } = localCloud({ organization });
  await putPointer(fakes, 'Advanced');
  const share = await ramClient(R).send(
    new CreateResourceShareCommand({
      name: 'p',
      principals: [OU_ARN],
      allowExternalPrincipals: false,
      tags: [{ ...POINTER_SHARE_TAG }],
    }),
  );
  return { fakes, resourceShareArn: share.resourceShare?.resourceShareArn ?? '' };
}

describe('a parameter added to a held share: no read before the association, a token per withdrawal', () => {
  afterEach(resetClients);

  it('retries with the same token (one association), and after a withdrawal the ledger counted makes it anew', async () => {
    const { fakes, resourceShareArn } = await pointerAndShare();
    const add = (withdrawals: number) =>
      addParameterToHeldShare({ region: R, resourceShareArn, resourceArn: PARAM_ARN, withdrawals });
    const readers = () => [...fakes.ram.readers(R, PARAM_ARN)].length;

    await add(0);
    await add(0);
    expect(readers()).toBe(3);
    await unsharePointer({ region: R, name: 'p', resourceArn: PARAM_ARN });
    expect(readers()).toBe(0);
    await add(1);
    expect(readers()).toBe(3);
  });

  it('associates anew when a retry finds the first association taken out: RAM repeating its answer made nothing', async () => {
    const { fakes, resourceShareArn } = await pointerAndShare();
    // The ledger has not recorded the association yet (withdrawals still 0) when someone takes it out in RAM.
    const add = () => addParameterToHeldShare({ region: R, resourceShareArn, resourceArn: PARAM_ARN, withdrawals: 0 });
    const readers = () => [...fakes.ram.readers(R, PARAM_ARN)].length;
    await add();
    expect(fakes.ram.disassociateOutside(R, 'p', PARAM_ARN)).toBe(1);
    expect(readers()).toBe(0);

    // The retry's token is the first call's: RAM repeats its answer, and the read-back has the parameter associated
    // again by a call of its own. Retried once more, nothing changes.
    await add();
    expect(readers()).toBe(3);
    await add();
    expect(readers()).toBe(3);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import example from '../../goldsmith.config.js';
import { TemplateResolver } from '../../local/simulator/intrinsics.js';
import { BucketDoors } from '../../local/trust/bucket-doors.js';
import { type PolicyDocument, rolePoliciesByArn } from '../../local/trust/policies.js';
import { Factory } from '../../stacks/Factory.js';
import { Promotion } from '../../stacks/Promotion.js';
import { synthesize } from './helpers.js';

const ACCOUNT = '111122223333';
const BUCKET = `goldsmith-test-sbom-${ACCOUNT}-us-east-1`;
const KEY = 'sbom/base/1.0.0-3/cyclonedx.json';
const ATTACKER = `arn:aws:sts::${ACCOUNT}:assumed-role/attacker/mallory`;
const EVERYTHING: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
};

/** A session of `role`, as a function running with it signs. */
const sessionOf = (role: string) => `${role.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/function`;

describe("the SBOM bucket's policy, as the synthesized stacks write it, applied to object calls", () => {
  let doors: BucketDoors;
  let roles: Map<string, PolicyDocument[]>;
  let bucketPolicies: string;

  beforeAll(async () => {
    const synth = await synthesize(example, { stacks: [Factory, Promotion] });
    const templates = [...synth.templates.values()].map((t) => t.toJSON());
    bucketPolicies = JSON.stringify(
      templates.flatMap((t) =>
        Object.values((t as { Resources: Record<string, { Type: string }> }).Resources).filter(
          (r) => r.Type === 'AWS::S3::BucketPolicy',
        ),
      ),
    );
    const resolver = new TemplateResolver(templates, { accountId: ACCOUNT, region: 'us-east-1' });
    roles = rolePoliciesByArn(templates, resolver);
    roles.set(`arn:aws:iam::${ACCOUNT}:role/attacker`, [EVERYTHING]);
    doors = new BucketDoors(templates, resolver, roles);
  }, 120_000);

  const roleOf = (construct: string) => {
    const found = [...roles.keys()].find((arn) => arn.includes(`-${construct}`));
    if (!found) throw new Error(`no role of ${construct}`);
    return found;
  };

  it("lets on-image-event write and read back SBOMs over TLS, and nothing else of the bucket's", async () => {
    const writer = sessionOf(roleOf('OnImageEvent'));
    expect(doors.guards(BUCKET)).toBe(true);
    await expect(doors.object(writer, 's3:PutObject', BUCKET, KEY, true)).resolves.toBeUndefined();
    await expect(doors.object(writer, 's3:GetObject', BUCKET, KEY, true)).resolves.toBeUndefined();
    await expect(doors.object(writer, 's3:DeleteObject', BUCKET, KEY, true)).resolves.toMatchObject({
      code: 'AccessDenied',
    });
    await expect(doors.object(writer, 's3:PutObject', BUCKET, 'elsewhere/x.json', true)).resolves.toMatchObject({
      code: 'AccessDenied',
    });
  });

  it('refuses the writer without TLS, and a principal holding s3:* on everything', async () => {
    const writer = sessionOf(roleOf('OnImageEvent'));
    await expect(doors.object(writer, 's3:PutObject', BUCKET, KEY, false)).resolves.toMatchObject({
      code: 'AccessDenied',
      status: 403,
    });
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']) {
      await expect(doors.object(ATTACKER, action, BUCKET, KEY, true)).resolves.toMatchObject({ code: 'AccessDenied' });
    }
  });

  it("refuses replicating into, tagging or retaining an SBOM, and reconfiguring the bucket's replication or tags", async () => {
    for (const action of ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:PutObjectTagging', 's3:PutObjectRetention']) {
      await expect(doors.object(ATTACKER, action, BUCKET, KEY, true)).resolves.toMatchObject({ code: 'AccessDenied' });
    }
    for (const action of ['s3:PutReplicationConfiguration', 's3:PutBucketTagging', 's3:PutBucketNotification']) {
      await expect(doors.bucket(ATTACKER, action, BUCKET, true)).resolves.toMatchObject({ code: 'AccessDenied' });
    }
    // The writer's own role holds no such action either.
    const writer = sessionOf(roleOf('OnImageEvent'));
    await expect(doors.object(writer, 's3:ReplicateObject', BUCKET, KEY, true)).resolves.toMatchObject({
      code: 'AccessDenied',
    });
  });

  it('lets the lifecycle sweep delete a version SBOMs', async () => {
    const sweep = sessionOf(roleOf('LifecycleSweep'));
    await expect(doors.object(sweep, 's3:DeleteObject', BUCKET, KEY, true)).resolves.toBeUndefined();
  });

  it('lets the lifecycle sweep list SBOMs under sbom/ only, and no SBOM writer list the bucket at all', async () => {
    const sweep = sessionOf(roleOf('LifecycleSweep'));
    const writer = sessionOf(roleOf('OnImageEvent'));
    const list = (who: string, prefix: string) =>
      doors.bucket(who, 's3:ListBucket', BUCKET, true, { 's3:prefix': prefix });
    await expect(list(sweep, 'sbom/base/1.0.0-3/')).resolves.toBeUndefined();
    await expect(list(sweep, 'inspector/base/')).resolves.toMatchObject({ code: 'AccessDenied' });
    await expect(list(writer, 'sbom/base/1.0.0-3/')).resolves.toMatchObject({ code: 'AccessDenied' });
    // So S3 answers the writer's read of an SBOM not there 403, not 404: it never reads to learn whether one is.
    expect(await doors.mayList(writer, BUCKET)).toBe(false);
  });

  it("exempts the account's Inspector from the objects' deny, so its exports under inspector/ can land", () => {
    const statements = (
      JSON.parse(bucketPolicies) as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }[]
    ).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const deny = JSON.stringify(statements.find((st) => st.Sid === 'ObjectsOnlyByGoldsmith')?.Condition);
    expect(deny).toContain('aws:PrincipalArn');
    expect(deny).toContain('"aws:SourceArn"');
    expect(deny).toContain('":inspector2:"');
  });

  it("lets the SBOM export poller read Inspector's exports and write SBOMs, and neither write exports nor delete", async () => {
    const poller = sessionOf(roleOf('SbomExports'));
    const exported = 'inspector/web-runtime/1.0.0-1/5b0e8c3a/111122223333/golden/web-runtime/4f2a.json';
    await expect(doors.object(poller, 's3:GetObject', BUCKET, exported, true)).resolves.toBeUndefined();
    await expect(doors.object(poller, 's3:PutObject', BUCKET, KEY, true)).resolves.toBeUndefined();
    await expect(doors.object(poller, 's3:PutObject', BUCKET, exported, true)).resolves.toMatchObject({
      code: 'AccessDenied',
    });
    await expect(doors.object(poller, 's3:DeleteObject', BUCKET, KEY, true)).resolves.toMatchObject({
      code: 'AccessDenied',
    });
  });
});

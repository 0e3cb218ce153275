import type { CfnTemplate, TemplateResolver } from '../simulator/intrinsics.js';
import { principalArnOf } from './bus-authorizer.js';
import { evaluate, type PolicyDocument } from './policies.js';
import type { DoorRefusal } from './resource-doors.js';

/**
 * The bucket policies of Goldsmith's buckets (`AWS::S3::BucketPolicy`, the SBOM bucket's) applied to the object calls
 * the local S3 answers: the caller's identity policies plus the bucket's policy, evaluated as IAM does, with
 * `aws:SecureTransport` from whether the client speaks TLS (the policy denies any request without it:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html). S3 refuses with `AccessDenied`,
 * HTTP 403 (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 */
export class BucketDoors {
  private readonly policies = new Map<string, PolicyDocument>();

  constructor(
    templates: readonly CfnTemplate[],
    resolver: TemplateResolver,
    private readonly identities: ReadonlyMap<string, readonly PolicyDocument[]>,
  ) {
    for (const r of templates.flatMap((t) => Object.values(t.Resources ?? {}))) {
      if (r.Type !== 'AWS::S3::BucketPolicy') continue;
      const resolved = resolver.resolve(r.Properties) as { Bucket?: string; PolicyDocument?: PolicyDocument };
      if (resolved.Bucket && resolved.PolicyDocument) this.policies.set(resolved.Bucket, resolved.PolicyDocument);
    }
  }

  /** Whether the bucket has a policy the local cloud applies. */
  guards(bucket: string): boolean {
    return this.policies.has(bucket);
  }

  /** `action` (s3:GetObject, s3:PutObject, s3:ReplicateObject, …) on `bucket`'s object `key`. */
  async object(
    principal: string,
    action: string,
    bucket: string,
    key: string,
    secureTransport: boolean,
  ): Promise<DoorRefusal | undefined> {
    return this.decide(principal, action, bucket, `arn:aws:s3:::${bucket}/${key}`, secureTransport);
  }

  /**
   * `action` on `bucket` itself (s3:PutReplicationConfiguration, s3:PutBucketTagging, s3:ListBucket with the listing's
   * `s3:prefix` in `context`, …).
   */
  async bucket(
    principal: string,
    action: string,
    bucket: string,
    secureTransport: boolean,
    context: Record<string, string> = {},
  ): Promise<DoorRefusal | undefined> {
    return this.decide(principal, action, bucket, `arn:aws:s3:::${bucket}`, secureTransport, context);
  }

  /**
   * Whether `principal` holds s3:ListBucket on `bucket`, which decides S3's answer to a read of a key that is not
   * there: 404 with it, 403 without (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). Asked with
   * no `s3:prefix`: AWS does not say that a grant narrowed by one counts here, so the local cloud takes it as not
   * (Goldsmith relies on neither answer: aws/sbom/sbom-objects.ts). The local cloud itself (no principal) may.
   */
  async mayList(principal: string | undefined, bucket: string): Promise<boolean> {
    if (principal === undefined) return true;
    return (await this.bucket(principal, 's3:ListBucket', bucket, true)) === undefined;
  }

  private async decide(
    principal: string,
    action: string,
    bucket: string,
    resource: string,
    secureTransport: boolean,
    extra: Record<string, string> = {},
  ): Promise<DoorRefusal | undefined> {
    const arn = principalArnOf(principal);
    const account = arn.split(':')[4] ?? '';
    const { decision } = await evaluate({
      principal: arn,
      action,
      resource,
      resourceAccount: account,
      context: {
        'aws:PrincipalArn': arn,
        'aws:PrincipalAccount': account,
        'aws:SecureTransport': secureTransport ? 'true' : 'false',
        ...extra,
      },
      identityPolicies: this.identities.get(arn) ?? [],
      resourcePolicy: this.policies.get(bucket),
    });
    if (decision === 'Allowed') return undefined;
    return { code: 'AccessDenied', status: 403, message: 'Access Denied' };
  }
}

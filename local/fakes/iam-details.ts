import { IAMServiceException } from '@aws-sdk/client-iam';
import { errorFactory } from './common.js';

const err = errorFactory(IAMServiceException);

/** One role as IAM holds it. */
export interface FakeRole {
  RoleName: string;
  Arn: string;
  RoleId: string;
  Path: string;
  CreateDate: Date;
  /** The trust policy's JSON, as it was given. */
  trust: string;
  /** Inline policies' JSON by name, in the order they were put. */
  inline: Map<string, string>;
  /** Attached managed policies' ARNs. */
  attached: string[];
  boundary?: string | undefined;
}

/** The entity types `Filter` takes (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html). */
const ENTITY_TYPES = new Set(['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy']);

/**
 * GetAccountAuthorizationDetails as far as the fake holds entities (roles only: no users, groups or managed policies):
 * "Only the entities that match the types you specify are included in the output", every type when `Filter` is
 * absent; each role as a RoleDetail (https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleDetail.html) with
 * its trust policy, inline policies (`RolePolicyList`, documents "URL-encoded compliant with RFC 3986"), attached
 * managed policies and permissions boundary. Paginated by `MaxItems` (1–1000, default 100), `Marker`, `IsTruncated`.
 */
export function accountAuthorizationDetails(
  roles: readonly FakeRole[],
  input: Record<string, unknown>,
  page: (
    all: readonly FakeRole[],
    input: Record<string, unknown>,
  ) => {
    items: FakeRole[];
    truncated: boolean;
    marker: string | undefined;
  },
  encode: (text: string) => string,
): unknown {
  const filter = input.Filter === undefined ? [...ENTITY_TYPES] : [input.Filter].flat().map(String);
  const unknown = filter.find((f) => !ENTITY_TYPES.has(f));
  if (unknown !== undefined) {
    throw err(
      'ValidationError',
      `1 validation error detected: Value '[${unknown}]' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]]`,
      400,
    );
  }
  const got = page(filter.includes('Role') ? roles : [], input);
  return {
    UserDetailList: [],
    GroupDetailList: [],
    RoleDetailList: got.items.map((r) => ({
      Path: r.Path,
      RoleName: r.RoleName,
      RoleId: r.RoleId,
      Arn: r.Arn,
      CreateDate: r.CreateDate,
      AssumeRolePolicyDocument: encode(r.trust),
      InstanceProfileList: [],
      RolePolicyList: [...r.inline].map(([PolicyName, doc]) => ({ PolicyName, PolicyDocument: encode(doc) })),
      AttachedManagedPolicies: r.attached.map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').pop() })),
      ...(r.boundary
        ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: r.boundary } }
        : {}),
      Tags: [],
    })),
    Policies: [],
    IsTruncated: got.truncated,
    ...(got.marker ? { Marker: got.marker } : {}),
  };
}

import {
  GetRoleCommand,
  GetRolePolicyCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
} from '@aws-sdk/client-iam';
import { paginateGetParametersByPath } from '@aws-sdk/client-ssm';
import { type PolicyDocument, policyDocumentFrom } from '../../core/audit/role-documents.js';
import {
  type ExpectedRole,
  expectedRolesFrom,
  type HeldRole,
  type RoleRecord,
  roleRecordFrom,
} from '../../core/audit/roles.js';
import { iamClient } from '../clients/iam.js';
import { ssmClient } from '../clients/ssm.js';

/**
 * The roles the stacks recorded under `path` (GetParametersByPath, paginated, recursive), with the policy documents
 * and managed policies recorded on them (core/audit/roles.ts). Asked for the path without its trailing slash, which
 * the role names exactly (https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-retrieval-authorization.html).
 */
export async function readExpectedRoles(path: string): Promise<{ roles: ExpectedRole[]; pages: number }> {
  const records: RoleRecord[] = [];
  let pages = 0;
  for await (const page of paginateGetParametersByPath(
    { client: ssmClient() },
    { Path: path.replace(/\/$/, ''), Recursive: true },
  )) {
    pages++;
    for (const p of page.Parameters ?? []) records.push(roleRecordFrom(p.Name ?? '', p.Value ?? ''));
  }
  return { roles: expectedRolesFrom(records), pages };
}

/**
 * A policy document as IAM returns it: "URL-encoded compliant with RFC 3986. You can use a URL decoding method to
 * convert the policy back to plain JSON text" (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html,
 * and the same for GetRole's `AssumeRolePolicyDocument`, https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html).
 */
function decoded(what: string, value: string | undefined): PolicyDocument {
  if (value === undefined) throw new Error(`${what}: IAM returned no document`);
  return policyDocumentFrom(what, decodeURIComponent(value));
}

/** A role's parts as IAM answers them, its documents still URL-encoded: GetRole and its lists, or a RoleDetail. */
interface RoleParts {
  trust: string | undefined;
  inline: readonly { name: string; document: string | undefined }[];
  managed: readonly string[];
  boundary: string | undefined;
}

/** The role `name` as the audit compares it, its documents decoded and named in any error. */
function heldRole(name: string, parts: RoleParts): HeldRole {
  const inline: Record<string, PolicyDocument> = {};
  for (const p of parts.inline) inline[p.name] = decoded(`role ${name} policy ${p.name}`, p.document);
  return {
    trust: decoded(`role ${name} trust policy`, parts.trust),
    inline,
    managed: [...parts.managed],
    boundary: parts.boundary,
  };
}

/**
 * A role as IAM holds it, and how many calls that took: GetRole (trust policy, permissions boundary), ListRolePolicies
 * (every page) and GetRolePolicy for each inline policy, ListAttachedRolePolicies (every page: "IAM might return fewer
 * than the MaxItems number of results even when there are more results available",
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedRolePolicies.html).
 */
export async function readRole(name: string): Promise<{ role: HeldRole; calls: number }> {
  const client = iamClient();
  let calls = 1;
  const got = await client.send(new GetRoleCommand({ RoleName: name }));
  const names: string[] = [];
  for await (const page of paginateListRolePolicies({ client }, { RoleName: name })) {
    calls++;
    names.push(...(page.PolicyNames ?? []));
  }
  const inline: RoleParts['inline'][number][] = [];
  for (const policy of names) {
    calls++;
    const out = await client.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policy }));
    inline.push({ name: policy, document: out.PolicyDocument });
  }
  const managed: string[] = [];
  for await (const page of paginateListAttachedRolePolicies({ client }, { RoleName: name })) {
    calls++;
    managed.push(...(page.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? ''));
  }
  const role = heldRole(name, {
    trust: got.Role?.AssumeRolePolicyDocument,
    inline,
    managed,
    boundary: got.Role?.PermissionsBoundary?.PermissionsBoundaryArn,
  });
  return { role, calls };
}

/**
 * Every role of `names` as IAM holds it, and how many pages that took: GetAccountAuthorizationDetails filtered to roles
 * returns each role's RoleDetail (https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleDetail.html: trust
 * policy, `RolePolicyList` with each inline policy's document, `AttachedManagedPolicies`, `PermissionsBoundary`), so the
 * whole account's roles take a page per up to 1,000 of them instead of three or more calls per role. Read on while
 * `IsTruncated`: "IAM might return fewer results, even when there are more results available"
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html). Its policies are
 * "URL-encoded compliant with RFC 3986" like GetRolePolicy's. A role of `names` that is not in the answer is absent.
 */
export async function readRoles(names: ReadonlySet<string>): Promise<{ roles: Map<string, HeldRole>; pages: number }> {
  const roles = new Map<string, HeldRole>();
  let pages = 0;
  for await (const page of paginateGetAccountAuthorizationDetails(
    { client: iamClient(), pageSize: 1000 },
    { Filter: ['Role'] },
  )) {
    pages++;
    for (const r of page.RoleDetailList ?? []) {
      const name = r.RoleName ?? '';
      if (!names.has(name)) continue;
      roles.set(
        name,
        heldRole(name, {
          trust: r.AssumeRolePolicyDocument,
          inline: (r.RolePolicyList ?? []).map((p) => ({ name: p.PolicyName ?? '', document: p.PolicyDocument })),
          managed: (r.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn ?? ''),
          boundary: r.PermissionsBoundary?.PermissionsBoundaryArn,
        }),
      );
    }
  }
  return { roles, pages };
}

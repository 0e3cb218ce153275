import {
  IAMServiceException,
  InvalidInputException,
  LimitExceededException,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { errorFactory, type FakeCall, type FakeService, NotImplementedByFakeError, paginate } from './common.js';
import { accountAuthorizationDetails, type FakeRole } from './iam-details.js';

export type { FakeRole } from './iam-details.js';

const err = errorFactory(IAMServiceException);

/** What a deploy gives a role (CloudFormation's AWS::IAM::Role with its AWS::IAM::Policy resources). */
export interface RoleSpec {
  RoleName: string;
  Path?: string | undefined;
  trust: unknown;
  inline: Record<string, unknown>;
  attached: string[];
  boundary?: string | undefined;
}

/**
 * A role's inline policies together, whitespace not counted ("Maximum policy size of 10240 bytes exceeded"), and the
 * managed policies a role takes by default (AWS raises it to 20 on request):
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
const INLINE_CHARS = 10_240;
const ATTACHED_MAX = 10;

/** RFC 3986's unreserved characters stay; everything else is percent-encoded (encodeURIComponent leaves `!'()*`). */
export const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const NAME = /^[\w+=,.@-]+$/;

/**
 * IAM's role API, as far as Goldsmith's roles' audit reads it and an administrator who changes a role behind the
 * deployment's back writes it (https://docs.aws.amazon.com/IAM/latest/APIReference/):
 * - GetAccountAuthorizationDetails (every role at once, with its policies: local/fakes/iam-details.ts).
 * - GetRole: the role with its trust policy (`AssumeRolePolicyDocument`) and permissions boundary; ListRolePolicies,
 *   GetRolePolicy, ListAttachedRolePolicies (paginated: `MaxItems` 1–1000, default 100, `Marker`, `IsTruncated`).
 *   Policy documents come back "URL-encoded compliant with RFC 3986"
 *   (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html).
 * - PutRolePolicy (a new or replaced inline policy; MalformedPolicyDocument for a document that is not a policy,
 *   LimitExceeded past 10,240 characters of inline policy on the role), DeleteRolePolicy, AttachRolePolicy (at most
 *   10 managed policies), DetachRolePolicy, UpdateAssumeRolePolicy.
 * An unknown role, inline policy or attachment is NoSuchEntity (404). IAM is global: one fake for every Region.
 */
export class IamFake implements FakeService {
  readonly roles = new Map<string, FakeRole>();
  private ids = 0;

  constructor(private readonly accountId: string) {}

  /** A role as the deploy creates it. */
  deploy(spec: RoleSpec): FakeRole {
    const path = spec.Path ?? '/';
    const role: FakeRole = {
      RoleName: spec.RoleName,
      Arn: `arn:aws:iam::${this.accountId}:role${path}${spec.RoleName}`,
      RoleId: `AROA${String(++this.ids).padStart(17, '0')}`,
      Path: path,
      CreateDate: new Date(0),
      trust: JSON.stringify(spec.trust),
      inline: new Map(Object.entries(spec.inline).map(([k, v]) => [k, JSON.stringify(v)])),
      attached: [...spec.attached],
      boundary: spec.boundary,
    };
    this.roles.set(spec.RoleName, role);
    return role;
  }

  handle(call: FakeCall): unknown {
    const input = call.input;
    switch (call.action) {
      case 'GetRole': {
        const r = this.find(input.RoleName);
        return {
          Role: {
            RoleName: r.RoleName,
            Arn: r.Arn,
            RoleId: r.RoleId,
            Path: r.Path,
            CreateDate: r.CreateDate,
            AssumeRolePolicyDocument: rfc3986(r.trust),
            ...(r.boundary
              ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: r.boundary } }
              : {}),
          },
        };
      }
      case 'GetAccountAuthorizationDetails':
        return accountAuthorizationDetails([...this.roles.values()], input, (all, i) => this.page(all, i), rfc3986);
      case 'ListRolePolicies': {
        const page = this.page([...this.find(input.RoleName).inline.keys()], input);
        return {
          PolicyNames: page.items,
          IsTruncated: page.truncated,
          ...(page.marker ? { Marker: page.marker } : {}),
        };
      }
      case 'GetRolePolicy': {
        const r = this.find(input.RoleName);
        const doc = r.inline.get(String(input.PolicyName));
        if (doc === undefined) {
          throw err(
            NoSuchEntityException,
            `The role policy with name ${String(input.PolicyName)} cannot be found.`,
            404,
          );
        }
        return { RoleName: r.RoleName, PolicyName: input.PolicyName, PolicyDocument: rfc3986(doc) };
      }
      case 'ListAttachedRolePolicies': {
        const page = this.page(this.find(input.RoleName).attached, input);
        return {
          AttachedPolicies: page.items.map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').pop() })),
          IsTruncated: page.truncated,
          ...(page.marker ? { Marker: page.marker } : {}),
        };
      }
      case 'PutRolePolicy': {
        const r = this.find(input.RoleName);
        const name = this.name(input.PolicyName, 'policyName', 128);
        const doc = this.document(input.PolicyDocument);
        const others = [...r.inline].filter(([n]) => n !== name).map(([, d]) => d);
        const size = [...others, doc].reduce((n, d) => n + d.replace(/\s/g, '').length, 0);
        if (size > INLINE_CHARS) {
          throw err(
            LimitExceededException,
            `Maximum policy size of ${INLINE_CHARS} bytes exceeded for role ${r.RoleName}`,
            409,
          );
        }
        r.inline.set(name, doc);
        return {};
      }
      case 'DeleteRolePolicy': {
        const r = this.find(input.RoleName);
        if (!r.inline.delete(String(input.PolicyName))) {
          throw err(
            NoSuchEntityException,
            `The role policy with name ${String(input.PolicyName)} cannot be found.`,
            404,
          );
        }
        return {};
      }
      case 'AttachRolePolicy': {
        const r = this.find(input.RoleName);
        const arn = String(input.PolicyArn ?? '');
        if (!/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/.+/.test(arn)) {
          throw err(InvalidInputException, `ARN ${arn} is not valid.`, 400);
        }
        if (r.attached.includes(arn)) return {};
        if (r.attached.length >= ATTACHED_MAX) {
          throw err(LimitExceededException, `Cannot exceed quota for PoliciesPerRole: ${ATTACHED_MAX}`, 409);
        }
        r.attached.push(arn);
        return {};
      }
      case 'DetachRolePolicy': {
        const r = this.find(input.RoleName);
        const arn = String(input.PolicyArn ?? '');
        if (!r.attached.includes(arn)) throw err(NoSuchEntityException, `Policy ${arn} was not found.`, 404);
        r.attached = r.attached.filter((a) => a !== arn);
        return {};
      }
      case 'UpdateAssumeRolePolicy': {
        const r = this.find(input.RoleName);
        r.trust = this.document(input.PolicyDocument);
        return {};
      }
      default:
        throw new NotImplementedByFakeError('iam', call.action);
    }
  }

  private find(name: unknown): FakeRole {
    const role = this.roles.get(this.name(name, 'roleName', 64));
    if (!role) throw err(NoSuchEntityException, `The role with name ${String(name)} cannot be found.`, 404);
    return role;
  }

  /** A name IAM's pattern `[\w+=,.@-]+` allows, else a ValidationError naming the member. */
  private name(value: unknown, member: string, max: number): string {
    const v = String(value ?? '');
    if (v.length < 1 || v.length > max || !NAME.test(v)) {
      throw err(
        'ValidationError',
        `1 validation error detected: Value '${v}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
        400,
      );
    }
    return v;
  }

  /** A policy document as given: JSON with a `Statement`, else MalformedPolicyDocument. */
  private document(value: unknown): string {
    const text = String(value ?? '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw err(MalformedPolicyDocumentException, 'Syntax errors in policy.', 400);
    }
    if (parsed === null || typeof parsed !== 'object' || !('Statement' in parsed)) {
      throw err(MalformedPolicyDocumentException, 'Policy document must contain a Statement.', 400);
    }
    return text;
  }

  private page<T>(all: readonly T[], input: Record<string, unknown>) {
    const page = paginate(all, input.MaxItems, input.Marker, {
      max: 1000,
      defaultSize: 100,
      invalidToken: () => err(InvalidInputException, 'Invalid Marker.', 400),
    });
    return { items: page.items, truncated: page.nextToken !== undefined, marker: page.nextToken };
  }
}

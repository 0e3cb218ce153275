import { createHash } from 'node:crypto';
import {
  MalformedResourcePolicyDocumentException,
  ResourceNotFoundException,
  ResourcePolicyConflictException,
  ResourcePolicyInvalidParameterException,
  ResourcePolicyLimitExceededException,
  ResourcePolicyNotFoundException,
  SSMServiceException,
} from '@aws-sdk/client-ssm';
import { apiCallEvent, type CloudTrailEvent, recordedMembers } from './cloudtrail-events.js';
import { errorFactory, type FakeCall, IdMaker, paginate } from './common.js';
import type { ParameterRecord } from './ssm-shared.js';

const err = errorFactory(SSMServiceException);
const invalid = (msg: string): Error => err(ResourcePolicyInvalidParameterException, msg);

/**
 * Parameter Store's resource policies on parameters (PutResourcePolicy, GetResourcePolicies, DeleteResourcePolicy), as
 * someone with `ssm:PutResourcePolicy` in the factory account would share a pointer outside its RAM share:
 * - the parameter must exist here and be advanced ("To share a parameter, it must be in the advanced parameter tier",
 *   https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutResourcePolicy.html);
 * - a policy is at most 1,024 bytes (ResourcePolicyLimitExceededException: "A policy can't be greater than 1024 bytes
 *   in size"), JSON with statements (MalformedResourcePolicyDocumentException);
 * - a policy is named by its `PolicyId`; its `PolicyHash` changes with every write and must be given to update or
 *   delete it (ResourcePolicyConflictException when it is not the current one, ResourcePolicyNotFoundException when
 *   no policy has that id: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DeleteResourcePolicy.html);
 * - GetResourcePolicies pages 1–50 policies
 *   (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetResourcePolicies.html).
 * A policy's `Allow` statements naming accounts let those accounts read the parameter by ARN (`readers`). RAM makes a
 * share of its own for each policy that names an account, holding the parameter and those accounts, that ends with
 * the policy (`sharedWith`: ram-policy-shares.ts).
 *
 * With a trail (`recordCallsWith`), each PutResourcePolicy and DeleteResourcePolicy, refused or not, is recorded as
 * CloudTrail records it and put on the default bus of the Region it was called in: "All of the Systems Manager
 * actions are logged" (https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-cloudtrail-logs.html),
 * and a write is a management event, which trails record by default
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html).
 * GetResourcePolicies is a read: EventBridge is sent no read-only call.
 */
/** What the local cloud gives the fake so its calls reach EventBridge as CloudTrail's events. */
export interface CloudTrailHooks {
  account: string;
  now(): number;
  /** The principal calling now, or undefined when the local cloud cannot tell. */
  caller(): string | undefined;
  /** Puts the event on the default bus of its `region`. */
  put(event: CloudTrailEvent): unknown;
}

/** What RAM is told when a policy is put on a parameter (`accounts`), or deleted (no `accounts`). */
export interface PolicyShareChange {
  region: string;
  resourceArn: string;
  policyId: string;
  accounts?: readonly string[];
}

export class ParameterResourcePolicies {
  /** Policies by parameter key (`region|name`), then by id. */
  private readonly held = new Map<string, Map<string, { policy: string; hash: string }>>();
  private readonly ids = new IdMaker();
  private trail: CloudTrailHooks | undefined;
  private shares: ((change: PolicyShareChange) => void) | undefined;

  constructor(
    private readonly params: ReadonlyMap<string, ParameterRecord>,
    private readonly nameOfArn: (arn: string, region: string) => string | undefined,
    /** The parameter's own ARN, as RAM lists it whatever form the caller gave. */
    private readonly arnOf: (key: string) => string,
  ) {}

  /** Records every later PutResourcePolicy and DeleteResourcePolicy as a trail would (see above). */
  recordCallsWith(hooks: CloudTrailHooks): void {
    this.trail = hooks;
  }

  /** Tells RAM of every later policy put or deleted, as RAM makes and ends a share for each (ram-policy-shares.ts). */
  sharedWith(shares: (change: PolicyShareChange) => void): void {
    this.shares = shares;
  }

  handle(call: FakeCall): unknown {
    if (!this.trail || call.action === 'GetResourcePolicies') return this.answer(call);
    const trail = this.trail;
    const record = (response: Record<string, unknown> | null, error?: Error) =>
      trail.put(
        apiCallEvent({
          source: 'aws.ssm',
          eventSource: 'ssm.amazonaws.com',
          eventName: call.action,
          account: trail.account,
          region: call.region,
          time: new Date(trail.now()).toISOString(),
          caller: trail.caller(),
          requestParameters: recordedMembers(call.input),
          responseElements: response,
          error: error && { name: error.name, message: error.message },
        }),
      );
    let response: unknown;
    try {
      response = this.answer(call);
    } catch (error) {
      if (error instanceof Error) record(null, error);
      throw error;
    }
    record(recordedMembers(response as Record<string, unknown>));
    return response;
  }

  private answer(call: FakeCall): unknown {
    const { input, region } = call;
    const key = this.parameterKey(region, input.ResourceArn);
    switch (call.action) {
      case 'PutResourcePolicy':
        return this.put(key, input);
      case 'GetResourcePolicies': {
        const max = input.MaxResults;
        if (max !== undefined && (typeof max !== 'number' || max < 1 || max > 50))
          throw invalid('MaxResults must be between 1 and 50.');
        const all = [...(this.held.get(key) ?? new Map()).entries()].map(([id, p]) => ({
          PolicyId: id,
          PolicyHash: p.hash,
          Policy: p.policy,
        }));
        const page = paginate(all, max, input.NextToken, { max: 50, invalidToken: () => invalid('Invalid NextToken') });
        return { Policies: page.items, NextToken: page.nextToken };
      }
      case 'DeleteResourcePolicy': {
        const { id, hash } = this.idAndHash(input);
        if (id === undefined || hash === undefined) throw invalid('PolicyId and PolicyHash are required.');
        this.current(key, id, hash);
        this.held.get(key)?.delete(id);
        this.shares?.({ region, resourceArn: this.arnOf(key), policyId: id });
        return {};
      }
      default:
        throw err(ResourcePolicyInvalidParameterException, `${call.action} is not a resource policy action.`);
    }
  }

  /** Forgets a deleted parameter's policies (a parameter created again under the name starts with none). */
  forget(key: string): void {
    const [region = ''] = key.split('|');
    for (const policyId of this.held.get(key)?.keys() ?? []) {
      this.shares?.({ region, resourceArn: this.arnOf(key), policyId });
    }
    this.held.delete(key);
  }

  /** The accounts an `Allow` statement of a policy on the parameter names (ids or root ARNs), as bare ids. */
  readers(key: string): Set<string> {
    const out = new Set<string>();
    for (const { policy } of this.held.get(key)?.values() ?? []) for (const id of allowedAccounts(policy)) out.add(id);
    return out;
  }

  private put(key: string, input: Record<string, unknown>): unknown {
    const made = this.write(key, input);
    const [region = ''] = key.split('|');
    const resourceArn = this.arnOf(key);
    // RAM's managed permissions only allow ("Effect: must be set to ALLOW"), so a policy that names no account in an
    // Allow statement (a Deny alone, a wildcard principal) is taken to make no share: AWS does not say it does.
    const accounts = [...allowedAccounts(String(input.Policy))];
    this.shares?.({ region, resourceArn, policyId: made.PolicyId, ...(accounts.length > 0 ? { accounts } : {}) });
    return made;
  }

  private write(key: string, input: Record<string, unknown>): { PolicyId: string; PolicyHash: string } {
    const policy = input.Policy;
    if (typeof policy !== 'string' || policy.trim() === '') throw invalid('Policy is required.');
    const p = this.params.get(key);
    if (p?.Tier !== 'Advanced')
      throw invalid(`Only advanced parameters can be shared; ${p?.Name} is in the ${p?.Tier} tier.`);
    const bytes = Buffer.byteLength(policy, 'utf8');
    if (bytes > 1024)
      throw err(
        ResourcePolicyLimitExceededException,
        `The policy is ${bytes} bytes; a policy can't exceed 1024 bytes.`,
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(policy);
    } catch {
      throw err(MalformedResourcePolicyDocumentException, 'The policy document is not valid JSON.');
    }
    if (statementsOf(parsed).length === 0)
      throw err(MalformedResourcePolicyDocumentException, 'The policy document has no Statement.');
    const { id: given, hash } = this.idAndHash(input);
    if (given !== undefined) this.current(key, given, hash);
    const id = given ?? this.ids.next('policy', 16);
    const newHash = createHash('sha256')
      .update(`${id}\n${policy}\n${this.ids.next('v', 8)}`)
      .digest('hex');
    const policies = this.held.get(key) ?? new Map<string, { policy: string; hash: string }>();
    policies.set(id, { policy, hash: newHash });
    this.held.set(key, policies);
    return { PolicyId: id, PolicyHash: newHash };
  }

  /** The parameter an ARN names here (`region|name`): ResourceNotFoundException when it is none of this account's. */
  private parameterKey(region: string, arn: unknown): string {
    if (typeof arn !== 'string' || arn.length < 20 || arn.length > 2048)
      throw invalid('ResourceArn must be 20 to 2048 characters.');
    const name = this.nameOfArn(arn, region);
    const key = `${region}|${name}`;
    if (name === undefined || !this.params.has(key)) throw err(ResourceNotFoundException, `${arn} not found.`);
    return key;
  }

  private idAndHash(input: Record<string, unknown>): { id: string | undefined; hash: string | undefined } {
    const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
    return { id: text(input.PolicyId), hash: text(input.PolicyHash) };
  }

  private current(key: string, id: string, hash: string | undefined): void {
    const held = this.held.get(key)?.get(id);
    if (!held) throw err(ResourcePolicyNotFoundException, `No policy with id ${id} was found.`);
    if (held.hash !== hash)
      throw err(ResourcePolicyConflictException, `The hash given for policy ${id} is not the current one.`);
  }
}

/** The accounts a policy's `Allow` statements name (ids or root ARNs), as bare ids. */
function allowedAccounts(policy: string): Set<string> {
  const out = new Set<string>();
  for (const s of statementsOf(JSON.parse(policy) as unknown)) {
    if (s.Effect !== 'Allow') continue;
    const aws = (s.Principal as { AWS?: unknown } | undefined)?.AWS;
    for (const p of Array.isArray(aws) ? aws : [aws]) {
      const id = typeof p === 'string' ? /^(?:arn:aws[a-z-]*:iam::)?(\d{12})(?::root)?$/.exec(p)?.[1] : undefined;
      if (id) out.add(id);
    }
  }
  return out;
}

function statementsOf(policy: unknown): Record<string, unknown>[] {
  const raw = (policy as { Statement?: unknown } | null)?.Statement;
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  return list.filter((s): s is Record<string, unknown> => s !== null && typeof s === 'object');
}

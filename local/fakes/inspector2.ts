import { AccessDeniedException, ValidationException } from '@aws-sdk/client-inspector2';
import { type FakeCall, type FakeService, NotImplementedByFakeError, paginate } from './common.js';
import type { SbomExportsFake } from './inspector2-sbom.js';
import type { MemberAccess } from './member-access.js';

/**
 * Amazon Inspector across the organization: the findings of every account's instances, per Region, each account
 * seeing what Inspector shows it. The organization's delegated administrator (one account, the same in every Region:
 * https://docs.aws.amazon.com/inspector/latest/user/designating-admin.html) lists its own findings and its members'
 * ("view and retrieve information for their own account and any associated member":
 * https://docs.aws.amazon.com/inspector/latest/user/admin-member-relationship.html); any other account lists its own.
 * The local cloud (a scenario, a test) records a finding here before AWS would send its "Inspector2 Finding" event,
 * so a function that reads the finding back gets what Inspector holds, not the event. A call made with a role session
 * of another account (STS AssumeRole) acts in that account, and only as that role's policies allow.
 *
 * ListFindings (https://docs.aws.amazon.com/inspector/v2/APIReference/API_ListFindings.html): `maxResults` 1–100,
 * `filterCriteria` string filters (https://docs.aws.amazon.com/inspector/v2/APIReference/API_StringFilter.html)
 * with EQUALS, NOT_EQUALS or PREFIX, 1–10 per field, all fields must match and any filter of a field may; an
 * unknown `nextToken` is a ValidationException.
 */

/** A finding as Inspector holds it (the SDK's `Finding`: timestamps as dates). */
export interface InspectorFinding {
  readonly findingArn: string;
  readonly awsAccountId: string;
  readonly severity: string;
  readonly status: 'ACTIVE' | 'SUPPRESSED' | 'CLOSED';
  readonly type: string;
  readonly title: string;
  readonly description: string;
  readonly remediation: { readonly recommendation?: { readonly text?: string } };
  readonly firstObservedAt: Date;
  readonly lastObservedAt: Date;
  readonly resources: readonly {
    readonly id: string;
    readonly type: string;
    readonly region?: string;
    readonly details?: { readonly awsEc2Instance?: { readonly imageId?: string } };
  }[];
  readonly packageVulnerabilityDetails?: {
    readonly vulnerabilityId: string;
    readonly source: string;
    readonly vulnerablePackages?: readonly Record<string, unknown>[];
  };
}

interface StringFilter {
  comparison?: string;
  value?: string;
}

const invalid = (message: string): Error =>
  new ValidationException({ message, reason: 'FIELD_VALIDATION_FAILED', $metadata: { httpStatusCode: 400 } });

/** The string filters of ListFindings this fake reads, and the finding field each compares. */
const STRING_FIELDS: Record<string, (f: InspectorFinding) => readonly string[]> = {
  findingArn: (f) => [f.findingArn],
  awsAccountId: (f) => [f.awsAccountId],
  findingStatus: (f) => [f.status],
  severity: (f) => [f.severity],
  findingType: (f) => [f.type],
  vulnerabilityId: (f) => (f.packageVulnerabilityDetails ? [f.packageVulnerabilityDetails.vulnerabilityId] : []),
  ec2InstanceImageId: (f) =>
    f.resources.flatMap((r) => (r.details?.awsEc2Instance?.imageId ? [r.details.awsEc2Instance.imageId] : [])),
};

function matches(values: readonly string[], filter: StringFilter): boolean {
  const value = filter.value ?? '';
  switch (filter.comparison) {
    case 'EQUALS':
      return values.includes(value);
    case 'NOT_EQUALS':
      return !values.includes(value);
    case 'PREFIX':
      return values.some((v) => v.startsWith(value));
    default:
      throw invalid(`comparison must be one of EQUALS, PREFIX, NOT_EQUALS, not ${String(filter.comparison)}`);
  }
}

export class Inspector2Fake implements FakeService {
  /** Findings by Region, then by finding ARN. */
  private readonly byRegion = new Map<string, Map<string, InspectorFinding>>();
  /** Roles of other accounts and their sessions (set by whoever installs the fakes). */
  access: MemberAccess | undefined;
  /** Whether an account is a member of the administrator's organization (default: every account). */
  isMember: (account: string) => boolean = () => true;
  /** The SBOM exports (local/fakes/inspector2-sbom.ts), set by whoever installs the fakes. */
  sbomExports: SbomExportsFake | undefined;

  /** @param administrator the organization's delegated administrator. */
  constructor(public administrator: string) {}

  /** Whether `account` sees the finding: its own, or any member's when it is the delegated administrator. */
  visibleTo(account: string, finding: InspectorFinding): boolean {
    if (finding.awsAccountId === account) return true;
    return account === this.administrator && this.isMember(finding.awsAccountId);
  }

  /** Inspector creates or updates a finding (its Region is the one its ARN names). */
  record(finding: InspectorFinding): void {
    const region = finding.findingArn.split(':')[3] ?? '';
    const findings = this.byRegion.get(region) ?? new Map<string, InspectorFinding>();
    findings.set(finding.findingArn, finding);
    this.byRegion.set(region, findings);
  }

  /** Every finding held in `region`. */
  findings(region: string): InspectorFinding[] {
    return [...(this.byRegion.get(region)?.values() ?? [])];
  }

  async handle(call: FakeCall): Promise<unknown> {
    if (this.sbomExports && (call.action === 'CreateSbomExport' || call.action === 'GetSbomExport')) {
      await this.authorize(call);
      return this.sbomExports.handle(call);
    }
    if (call.action !== 'ListFindings') throw new NotImplementedByFakeError('inspector2', call.action);
    await this.authorize(call);
    const criteria = (call.input.filterCriteria ?? {}) as Record<string, StringFilter[] | undefined>;
    for (const [field, filters] of Object.entries(criteria)) {
      if (filters === undefined) continue;
      if (!STRING_FIELDS[field]) throw new NotImplementedByFakeError('inspector2', `ListFindings filter ${field}`);
      if (filters.length < 1 || filters.length > 10) throw invalid(`filterCriteria.${field} must hold 1 to 10 filters`);
    }
    const all = this.findings(call.region).filter(
      (f) =>
        this.visibleTo(call.accountId, f) &&
        Object.entries(criteria).every(
          ([field, filters]) =>
            filters === undefined || filters.some((flt) => matches(STRING_FIELDS[field]?.(f) ?? [], flt)),
        ),
    );
    const page = paginate(all, call.input.maxResults, call.input.nextToken, {
      max: 100,
      invalidToken: () => invalid('The nextToken is not valid.'),
    });
    return { findings: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  /**
   * A role session's call: its role must allow the action; ListFindings, CreateSbomExport and GetSbomExport support no
   * resource-level permissions (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoninspector2.html),
   * so on `*`.
   */
  private async authorize(call: FakeCall): Promise<void> {
    const session = this.access?.sessionByArn(call.principal);
    if (!session || !this.access) return;
    const refusal = await this.access.authorize(session, `inspector2:${call.action}`, '*', {});
    if (refusal) {
      throw new AccessDeniedException({ message: refusal.message, $metadata: { httpStatusCode: 403 } });
    }
  }
}

import { AccessDeniedException } from '@aws-sdk/client-inspector2';
import type { FakeCall, FakeService } from './common.js';

/** The scan types Inspector's organization configuration turns on for accounts that join. */
export interface AutoEnable {
  ec2: boolean;
  ecr: boolean;
  lambda: boolean;
  lambdaCode: boolean;
  codeRepository: boolean;
}

/**
 * Amazon Inspector's organization configuration per Region: which scan types are activated for new members
 * (https://docs.aws.amazon.com/inspector/v2/APIReference/API_DescribeOrganizationConfiguration.html,
 * https://docs.aws.amazon.com/inspector/v2/APIReference/API_UpdateOrganizationConfiguration.html). Only the
 * organization's delegated administrator may read or change it; any other account is refused with
 * AccessDeniedException ("Invoking account does not have access to describe the organization configuration", as
 * users report it: https://github.com/hashicorp/terraform-provider-aws/issues/27000). A prepared organization has EC2
 * scanning turned on for new members in every Region (docs/deploy/inspector-findings.md).
 */
export class InspectorOrganizationConfiguration implements FakeService {
  static readonly ACTIONS = new Set(['DescribeOrganizationConfiguration', 'UpdateOrganizationConfiguration']);
  private readonly byRegion = new Map<string, AutoEnable>();

  /** `administrator()`: Inspector's delegated administrator as the organization registers it, if any. */
  constructor(private readonly administrator: () => string | undefined) {}

  /** The configuration of `region` (every scan type off but EC2 until changed). */
  autoEnable(region: string): AutoEnable {
    const found = this.byRegion.get(region) ?? {
      ec2: true,
      ecr: false,
      lambda: false,
      lambdaCode: false,
      codeRepository: false,
    };
    this.byRegion.set(region, found);
    return found;
  }

  handle(call: FakeCall): unknown {
    if (call.accountId !== this.administrator()) {
      const verb = call.action === 'DescribeOrganizationConfiguration' ? 'describe' : 'update';
      throw new AccessDeniedException({
        message: `Invoking account does not have access to ${verb} the organization configuration.`,
        $metadata: { httpStatusCode: 403 },
      });
    }
    const current = this.autoEnable(call.region);
    if (call.action === 'UpdateOrganizationConfiguration') {
      Object.assign(current, call.input.autoEnable as Partial<AutoEnable>);
      return { autoEnable: { ...current } };
    }
    return { autoEnable: { ...current }, maxAccountLimitReached: false };
  }
}

import { IdMaker } from './common.js';

/** An instance a member account runs (the AMI owner never sees it, only the usage reports that count it). */
export interface FleetInstance {
  readonly instanceId: string;
  readonly account: string;
  readonly region: string;
  readonly imageId: string;
  readonly launchedAt: number;
  /** The launch template it was launched from (an Auto Scaling group's), if any. */
  readonly launchTemplateId: string | undefined;
}

/** A member account's launch template: the AMI of each version, oldest first. */
export interface FleetLaunchTemplate {
  readonly launchTemplateId: string;
  readonly account: string;
  readonly region: string;
  readonly versions: string[];
}

/** One account's use of one AMI, per resource type, as a usage report counts it. */
export interface AccountUsage {
  instances: number;
  launchTemplates: number;
}

/**
 * The member accounts' EC2 resources that reference AMIs: running instances and launch templates (Auto Scaling
 * groups launch through them). The simulator's fleets change them; the EC2 fake's image usage reports count them.
 * Launch templates are counted over their latest `versionDepth` versions, as CreateImageUsageReport's
 * `version-depth` option does (default 20, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImageUsageResourceTypeOptionRequest.html).
 */
export class FleetState {
  readonly instances = new Map<string, FleetInstance>();
  readonly templates = new Map<string, FleetLaunchTemplate>();
  /** The last launch of each AMI (what DescribeImageAttribute's lastLaunchedTime reports, a day late). */
  readonly lastLaunched = new Map<string, number>();
  private readonly ids = new IdMaker();

  /** @param beforeChange called before any change (the EC2 fake completes the usage reports due by then). */
  constructor(private readonly beforeChange: () => void = () => {}) {}

  launch(account: string, region: string, imageId: string, at: number, launchTemplateId?: string): FleetInstance {
    this.beforeChange();
    const instance: FleetInstance = {
      instanceId: this.ids.next('i'),
      account,
      region,
      imageId,
      launchedAt: at,
      launchTemplateId,
    };
    this.instances.set(instance.instanceId, instance);
    this.lastLaunched.set(imageId, Math.max(at, this.lastLaunched.get(imageId) ?? 0));
    return instance;
  }

  terminate(instanceId: string): void {
    this.beforeChange();
    this.instances.delete(instanceId);
  }

  createTemplate(account: string, region: string, imageId: string): FleetLaunchTemplate {
    this.beforeChange();
    const template: FleetLaunchTemplate = {
      launchTemplateId: this.ids.next('lt'),
      account,
      region,
      versions: [imageId],
    };
    this.templates.set(template.launchTemplateId, template);
    return template;
  }

  /** A new template version naming `imageId` (what a team does to move its Auto Scaling group). */
  newVersion(launchTemplateId: string, imageId: string): void {
    this.beforeChange();
    this.templates.get(launchTemplateId)?.versions.push(imageId);
  }

  /** Per account: instances running `imageId` and templates naming it in their latest `versionDepth` versions. */
  usageOf(region: string, imageId: string, versionDepth = 20): Map<string, AccountUsage> {
    const usage = new Map<string, AccountUsage>();
    const of = (account: string) => {
      let u = usage.get(account);
      if (!u) {
        u = { instances: 0, launchTemplates: 0 };
        usage.set(account, u);
      }
      return u;
    };
    for (const i of this.instances.values())
      if (i.region === region && i.imageId === imageId) of(i.account).instances++;
    for (const t of this.templates.values()) {
      if (t.region === region && t.versions.slice(-versionDepth).includes(imageId)) of(t.account).launchTemplates++;
    }
    return usage;
  }

  /** Whether anything (an instance, or a template's latest version) references `imageId` in `region`. */
  inUse(region: string, imageId: string): boolean {
    for (const i of this.instances.values()) if (i.region === region && i.imageId === imageId) return true;
    for (const t of this.templates.values()) if (t.region === region && t.versions.at(-1) === imageId) return true;
    return false;
  }
}

import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { asArray, errorFactory, type FakeCall, NotImplementedByFakeError, paginate } from './common.js';
import type { FleetState } from './ec2-fleet.js';
import { type MemberAccess, resourceTagContext } from './member-access.js';

/**
 * Member accounts' launch templates, as EC2 keeps them: numbered versions (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplateVersion.html:
 * "numbered in the order in which they are created"), a default version, tags on the template (not on versions),
 * SourceVersion inheritance and ClientToken idempotency. The AMI of each version lives in the fleets' FleetState, so
 * the image usage reports count these templates as they count the fleets'.
 */

export const err = errorFactory(EC2ServiceException);

/** What a version holds: the launch data as given (ImageId may be `resolve:ssm:<parameter>`). */
export interface TemplateVersion {
  readonly number: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly description: string | undefined;
  readonly createdAt: number;
  readonly createdBy: string | undefined;
}

export interface MemberTemplate {
  readonly id: string;
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly tags: Map<string, string>;
  readonly versions: TemplateVersion[];
  defaultVersion: number;
}

/** One change a principal made to a template (the audit reads them). */
export interface TemplateChange {
  readonly at: number;
  readonly account: string;
  readonly region: string;
  readonly launchTemplateId: string;
  readonly version: number;
  readonly principal: string | undefined;
  /** The template's tags when the version was created. */
  readonly tags: Readonly<Record<string, string>>;
}

/** https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/launch-template-restrictions.html: 10,000 versions per template. */
const MAX_VERSIONS = 10_000;

export class LaunchTemplates {
  private readonly byId = new Map<string, MemberTemplate>();
  private readonly tokens = new Map<string, { input: string; version: number }>();
  readonly changes: TemplateChange[] = [];

  /** Member roles and their sessions: a call signed by a session is allowed only as its role's policies allow. */
  access: MemberAccess | undefined;

  constructor(
    private readonly fleet: () => FleetState,
    readonly now: () => number,
  ) {}

  /** EC2's refusal of a session's call its role does not allow: UnauthorizedOperation (403). */
  private async authorize(call: FakeCall, action: string, t: MemberTemplate | undefined): Promise<void> {
    const session = this.access?.sessionByArn(call.principal);
    if (!session || !this.access) return;
    const resource = t ? `arn:aws:ec2:${t.region}:${t.account}:launch-template/${t.id}` : '*';
    const refusal = await this.access.authorize(session, action, resource, t ? resourceTagContext('ec2', t.tags) : {});
    if (refusal)
      throw err('UnauthorizedOperation', `You are not authorized to perform this operation. ${refusal.message}`, 403);
  }

  /** Creates a template with its first version (what a member team's own tooling does). */
  create(
    account: string,
    region: string,
    name: string,
    data: Record<string, unknown>,
    tags: Record<string, string> = {},
  ): MemberTemplate {
    if (this.find(account, region, name))
      throw err('InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use.`);
    const t = this.fleet().createTemplate(account, region, String(data.ImageId ?? ''));
    const template: MemberTemplate = {
      id: t.launchTemplateId,
      name,
      account,
      region,
      tags: new Map(Object.entries(tags)),
      versions: [{ number: 1, data: { ...data }, description: undefined, createdAt: this.now(), createdBy: undefined }],
      defaultVersion: 1,
    };
    this.byId.set(template.id, template);
    return template;
  }

  get(id: string): MemberTemplate | undefined {
    return this.byId.get(id);
  }

  find(account: string, region: string, name: string): MemberTemplate | undefined {
    for (const t of this.byId.values()) if (t.account === account && t.region === region && t.name === name) return t;
    return undefined;
  }

  /** The version a `Version` string names: a number, `$Latest` or `$Default`. */
  resolve(t: MemberTemplate, version: string | undefined): TemplateVersion | undefined {
    const n =
      version === undefined || version === '$Default'
        ? t.defaultVersion
        : version === '$Latest'
          ? t.versions.length
          : Number(version);
    return Number.isInteger(n) ? t.versions[n - 1] : undefined;
  }

  /** The template a call names by LaunchTemplateId or LaunchTemplateName, in the call's account and Region. */
  named(account: string, region: string, id: unknown, name: unknown): MemberTemplate {
    if (typeof id === 'string') {
      const t = this.byId.get(id);
      if (!t || t.account !== account || t.region !== region)
        throw err(
          'InvalidLaunchTemplateId.NotFound',
          `The specified launch template, with template ID ${id}, does not exist.`,
        );
      return t;
    }
    if (typeof name === 'string') {
      const t = this.find(account, region, name);
      if (!t)
        throw err(
          'InvalidLaunchTemplateName.NotFoundException',
          `The specified launch template, with template name ${name}, does not exist.`,
        );
      return t;
    }
    throw err('MissingParameter', 'The request must contain the parameter LaunchTemplateName or LaunchTemplateId');
  }

  /** A new version, as CreateLaunchTemplateVersion makes it. */
  addVersion(
    t: MemberTemplate,
    data: Record<string, unknown>,
    opts: { sourceVersion?: string; description?: string; principal?: string } = {},
  ): TemplateVersion {
    if (t.versions.length >= MAX_VERSIONS)
      throw err('VersionLimitExceeded', 'You have reached the maximum number of versions for this launch template.');
    let base: Record<string, unknown> = {};
    if (opts.sourceVersion !== undefined) {
      const source = this.resolve(t, opts.sourceVersion);
      if (!source)
        throw err(
          'InvalidLaunchTemplateId.VersionNotFound',
          `Could not find launch template version ${opts.sourceVersion} for template ${t.id}`,
        );
      base = { ...source.data };
    }
    const v: TemplateVersion = {
      number: t.versions.length + 1,
      data: { ...base, ...data },
      description: opts.description,
      createdAt: this.now(),
      createdBy: opts.principal,
    };
    t.versions.push(v);
    this.fleet().newVersion(t.id, String(v.data.ImageId ?? ''));
    this.changes.push({
      at: v.createdAt,
      account: t.account,
      region: t.region,
      launchTemplateId: t.id,
      version: v.number,
      principal: opts.principal,
      tags: Object.fromEntries(t.tags),
    });
    return v;
  }

  async handle(call: FakeCall): Promise<unknown> {
    const { input, accountId: account, region } = call;
    switch (call.action) {
      case 'CreateLaunchTemplateVersion': {
        const t = this.named(account, region, input.LaunchTemplateId, input.LaunchTemplateName);
        await this.authorize(call, 'ec2:CreateLaunchTemplateVersion', t);
        return this.createVersion(call, t);
      }
      case 'DescribeLaunchTemplateVersions': {
        await this.authorize(call, 'ec2:DescribeLaunchTemplateVersions', undefined);
        const t = this.named(account, region, input.LaunchTemplateId, input.LaunchTemplateName);
        const wanted = asArray<string>(input.Versions);
        const versions = wanted.length === 0 ? t.versions : wanted.map((w) => this.resolveOrThrow(t, w));
        const page = paginate(versions, input.MaxResults, input.NextToken, {
          max: 200,
          invalidToken: () => err('InvalidNextToken', 'The token is not valid.'),
        });
        return { LaunchTemplateVersions: page.items.map((v) => this.describe(t, v)), NextToken: page.nextToken };
      }
      case 'DescribeLaunchTemplates': {
        await this.authorize(call, 'ec2:DescribeLaunchTemplates', undefined);
        const ids = asArray<string>(input.LaunchTemplateIds);
        const list =
          ids.length > 0
            ? ids.map((id) => this.named(account, region, id, undefined))
            : [...this.byId.values()].filter((t) => t.account === account && t.region === region);
        return {
          LaunchTemplates: list.map((t) => ({
            LaunchTemplateId: t.id,
            LaunchTemplateName: t.name,
            DefaultVersionNumber: t.defaultVersion,
            LatestVersionNumber: t.versions.length,
            CreateTime: new Date(t.versions[0]?.createdAt ?? 0),
            Tags: [...t.tags].map(([Key, Value]) => ({ Key, Value })),
          })),
        };
      }
      default:
        throw new NotImplementedByFakeError('ec2', call.action);
    }
  }

  private resolveOrThrow(t: MemberTemplate, version: string): TemplateVersion {
    const v = this.resolve(t, version);
    if (!v)
      throw err(
        'InvalidLaunchTemplateId.VersionNotFound',
        `Could not find launch template version ${version} for template ${t.id}`,
      );
    return v;
  }

  private describe(t: MemberTemplate, v: TemplateVersion): Record<string, unknown> {
    return {
      LaunchTemplateId: t.id,
      LaunchTemplateName: t.name,
      VersionNumber: v.number,
      ...(v.description !== undefined ? { VersionDescription: v.description } : {}),
      CreateTime: new Date(v.createdAt),
      DefaultVersion: v.number === t.defaultVersion,
      LaunchTemplateData: v.data,
    };
  }

  /**
   * CreateLaunchTemplateVersion. The same ClientToken with the same request returns the version it made; with a
   * different request it is IdempotentParameterMismatch (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html).
   */
  private createVersion(call: FakeCall, t: MemberTemplate): unknown {
    const { input, accountId: account, region } = call;
    const data = input.LaunchTemplateData;
    if (typeof data !== 'object' || data === null)
      throw err('MissingParameter', 'The request must contain the parameter LaunchTemplateData');
    const token = typeof input.ClientToken === 'string' ? `${account}/${region}/${input.ClientToken}` : undefined;
    const fingerprint = JSON.stringify([t.id, input.SourceVersion, input.VersionDescription, data]);
    const seen = token ? this.tokens.get(token) : undefined;
    if (seen) {
      if (seen.input !== fingerprint)
        throw err(
          'IdempotentParameterMismatch',
          'The client token you have provided is associated with a request that has different parameters.',
        );
      const v = t.versions[seen.version - 1];
      if (v) return { LaunchTemplateVersion: this.describe(t, v) };
    }
    const v = this.addVersion(t, data as Record<string, unknown>, {
      ...(typeof input.SourceVersion === 'string' ? { sourceVersion: input.SourceVersion } : {}),
      ...(typeof input.VersionDescription === 'string' ? { description: input.VersionDescription } : {}),
      ...(call.principal ? { principal: call.principal } : {}),
    });
    if (token) this.tokens.set(token, { input: fingerprint, version: v.number });
    return { LaunchTemplateVersion: this.describe(t, v) };
  }
}

import {
  ParameterAlreadyExists,
  ParameterNotFound,
  ParameterVersionNotFound,
  SSMServiceException,
  ValidationException,
} from '@aws-sdk/client-ssm';
import { parentNameTraits } from '../../core/config/platforms.js';
import {
  asArray,
  errorFactory,
  type FakeCall,
  type FakeService,
  NotImplementedByFakeError,
  paginate,
  required,
} from './common.js';
import type { Ec2Fake } from './ec2.js';
import { type ImageValidationHooks, ImageValueValidation } from './ssm-image-validation.js';
import { type CloudTrailHooks, ParameterResourcePolicies, type PolicyShareChange } from './ssm-resource-policies.js';
import { type ParameterRecord, SharedParameterReads } from './ssm-shared.js';

const err = errorFactory(SSMServiceException);
const invalid = (msg: string): Error => err(ValidationException, msg);

/** The latest Amazon Linux 2023 AMI parameter; seeded in every region so base images resolve. */
export const AL2023_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

/**
 * SSM Parameter Store, per region: versions, Overwrite semantics, tiers, `aws:ec2:image` values validated
 * asynchronously with the caller's permissions (ssm-image-validation.ts), public AWS params.
 */
export class SsmFake implements FakeService {
  private readonly params = new Map<string, ParameterRecord>();
  /** The last version number PutParameter answered per parameter (a pending or failed write's number included). */
  private readonly issued = new Map<string, number>();
  private validation: ImageValueValidation | undefined;
  private readonly shared: SharedParameterReads;
  private readonly policies: ParameterResourcePolicies;

  constructor(
    private readonly accountId: string,
    private readonly ec2: Ec2Fake,
    private readonly now: () => number,
  ) {
    this.shared = new SharedParameterReads(accountId, this.params, (region, name) => this.arn(region, name));
    this.policies = new ParameterResourcePolicies(
      this.params,
      (arn, region) => this.shared.nameOfArn(arn, region),
      (key) => {
        const [region = '', ...name] = key.split('|');
        return this.arn(region, name.join('|'));
      },
    );
  }

  /**
   * Publishes a new AWS base image: registers a public Amazon-owned AMI in the EC2 fake and points the public
   * parameter at it (a new version). Returns the new AMI id.
   */
  bumpPublicParameter(name: string, region: string): string {
    // The AMI is what the parameter's name says it is (an arm64 Amazon Linux, a Windows Server).
    const traits = parentNameTraits(`ssm:${name}`);
    const ami = this.ec2.registerImage(region, {
      name: `al2023-ami-${this.now()}`,
      ownerId: 'amazon',
      public: true,
      architecture: traits.architecture,
      ...(traits.platform === 'Windows' && { platform: 'Windows' as const }),
    });
    this.write(region, name, ami.imageId, { Type: 'String', DataType: 'aws:ec2:image', Tier: 'Standard' });
    return ami.imageId;
  }

  /**
   * Makes `aws:ec2:image` writes asynchronous, as in AWS: a caller the hooks identify gets a version at once and the
   * value takes only after validation. A caller they cannot identify (a test calling the fake directly) keeps the
   * synchronous check: the value takes at once, or PutParameter fails with a ValidationException.
   */
  validateImagesWith(hooks: ImageValidationHooks): void {
    this.validation = new ImageValueValidation(hooks, {
      accountId: this.accountId,
      launchable: (region, imageId) => this.ec2.isLaunchableBy(region, imageId, this.accountId),
      arn: (region, name) => this.arn(region, name),
      now: this.now,
      commit: (w) => this.write(w.region, w.name, w.value, w.meta, w.version),
    });
  }

  /** Records the resource policy calls as a trail does, on the default bus of their Region (ssm-resource-policies.ts). */
  recordPolicyCallsWith(hooks: CloudTrailHooks): void {
    this.policies.recordCallsWith(hooks);
  }

  /** Tells RAM of each resource policy put or deleted: RAM makes a share for each (ram-policy-shares.ts). */
  sharePoliciesWith(shares: (change: PolicyShareChange) => void): void {
    this.policies.sharedWith(shares);
  }

  /** The current value of a parameter, or undefined (for the simulator's audit). */
  value(region: string, name: string): string | undefined {
    return this.params.get(`${region}|${name}`)?.versions.at(-1)?.Value;
  }

  /** A parameter's ARN in this account (the form other accounts must use to read a shared parameter). */
  arn(region: string, name: string): string {
    return `arn:aws:ssm:${region}:${this.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
  }

  /** Whether RAM may share `arn`: one of this account's advanced parameters in `region` (ssm-shared.ts). */
  shareable(arn: string, region: string): { ok: true } | { ok: false; unknown: boolean; reason: string } {
    return this.shared.shareable(arn, region);
  }

  /**
   * GetParameter as another account would call it: by ARN, advanced and shared with it (ssm-shared.ts) through RAM
   * (`readers`) or a resource policy of its own (ssm-resource-policies.ts).
   */
  readAs(
    account: string,
    region: string,
    nameOrArn: string,
    readers: (arn: string) => Set<string>,
  ): string | undefined {
    return this.readerOf(region, nameOrArn, readers)(account);
  }

  /**
   * `readAs` for one parameter and many accounts (the audit asks it of every target account): RAM's readers and the
   * parameter's resource policies are read once, then each account is answered as {@link readAs} answers it.
   */
  readerOf(
    region: string,
    nameOrArn: string,
    readers: (arn: string) => Set<string>,
  ): (account: string) => string | undefined {
    const byArn = new Map<string, Set<string>>();
    const once = (arn: string) => {
      let found = byArn.get(arn);
      if (!found) {
        const name = this.shared.nameOfArn(arn, region);
        const byPolicy = name === undefined ? new Set<string>() : this.policies.readers(`${region}|${name}`);
        found = byPolicy.size === 0 ? readers(arn) : new Set([...readers(arn), ...byPolicy]);
        byArn.set(arn, found);
      }
      return found;
    };
    return (account) => this.shared.readAs(account, region, nameOrArn, once);
  }

  /** The accounts the parameter's resource policies name (readers on their own, not through RAM), for the audit. */
  policyReaders(region: string, arn: string): Set<string> {
    const name = this.shared.nameOfArn(arn, region);
    return name === undefined ? new Set() : this.policies.readers(`${region}|${name}`);
  }

  handle(call: FakeCall): unknown {
    const { input, region } = call;
    switch (call.action) {
      case 'GetParameter':
        return { Parameter: this.get(region, required(input, 'Name', invalid)) };
      case 'GetParameters': {
        const names = asArray<string>(input.Names);
        if (names.length < 1 || names.length > 10) throw invalid('Names must list between 1 and 10 parameters.');
        const found: unknown[] = [];
        const missing: string[] = [];
        for (const n of names) {
          try {
            found.push(this.get(region, n));
          } catch {
            missing.push(n);
          }
        }
        return { Parameters: found, InvalidParameters: missing };
      }
      case 'GetParametersByPath': {
        const path = required(input, 'Path', invalid);
        const prefix = path.endsWith('/') ? path : `${path}/`;
        // The names under the path in this Region, in the order written; only the page asked for is read out (an
        // audit pages through every pointer: reading each one out on every page made the listing quadratic).
        const inRegion = `${region}|${prefix}`;
        const names: string[] = [];
        for (const [key, p] of this.params) {
          if (!key.startsWith(inRegion)) continue;
          if (input.Recursive === true || !p.Name.slice(prefix.length).includes('/')) names.push(p.Name);
        }
        const page = paginate(names, input.MaxResults, input.NextToken, {
          max: 10,
          invalidToken: () => invalid('Invalid NextToken'),
        });
        return { Parameters: page.items.map((name) => this.get(region, name)), NextToken: page.nextToken };
      }
      case 'PutParameter':
        return this.put(region, input);
      case 'PutResourcePolicy':
      case 'GetResourcePolicies':
      case 'DeleteResourcePolicy':
        return this.policies.handle(call);
      case 'DeleteParameter': {
        const name = required(input, 'Name', invalid);
        if (!this.params.delete(`${region}|${name}`)) throw err(ParameterNotFound, `Parameter ${name} not found.`);
        this.issued.delete(`${region}|${name}`);
        this.policies.forget(`${region}|${name}`);
        return {};
      }
      case 'DeleteParameters': {
        // 1 to 10 names; a name not held is returned in InvalidParameters, not an error
        // (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DeleteParameters.html).
        const names = asArray<string>(input.Names);
        if (names.length < 1 || names.length > 10) throw invalid('Names must list between 1 and 10 parameters.');
        const deleted = names.filter((n) => this.params.delete(`${region}|${n}`));
        for (const n of deleted) {
          this.issued.delete(`${region}|${n}`);
          this.policies.forget(`${region}|${n}`);
        }
        return { DeletedParameters: deleted, InvalidParameters: names.filter((n) => !deleted.includes(n)) };
      }
      default:
        throw new NotImplementedByFakeError('ssm', call.action);
    }
  }

  private get(region: string, selector: string): unknown {
    // A full ARN (how shared parameters are read) names the parameter too; an optional `:version` follows it.
    const arn = /^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[^:]*)(?::(\d+))?$/.exec(selector);
    if (arn) {
      const named = this.shared.nameOfArn(arn[1]!, region);
      if (named === undefined) throw err(ParameterNotFound, `Parameter ${arn[1]} not found.`);
      selector = arn[2] === undefined ? named : `${named}:${arn[2]}`;
    }
    const [name, version] = selector.split(':') as [string, string | undefined];
    const p = this.params.get(`${region}|${name}`);
    if (!p) throw err(ParameterNotFound, `Parameter ${name} not found.`);
    const v = version === undefined ? p.versions.at(-1)! : p.versions.find((x) => String(x.Version) === version);
    if (!v) throw err(ParameterVersionNotFound, `Systems Manager could not find version ${version} of ${name}.`);
    const owner = name.startsWith('/aws/') ? 'aws' : this.accountId;
    return {
      Name: name,
      Type: p.Type,
      Value: v.Value,
      Version: v.Version,
      Selector: version === undefined ? undefined : `:${version}`,
      LastModifiedDate: v.LastModifiedDate,
      ARN: `arn:aws:ssm:${region}:${owner}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
      DataType: p.DataType,
    };
  }

  private put(region: string, input: Record<string, unknown>): unknown {
    const name = required(input, 'Name', invalid);
    const value = required(input, 'Value', invalid);
    if (/^\/?(aws|ssm)/i.test(name))
      throw err('AccessDeniedException', `No access to reserved parameter name: ${name}.`);
    if (input.Overwrite === true && input.Tags !== undefined) {
      throw invalid("Invalid request: tags and overwrite can't be used together.");
    }
    const existing = this.params.get(`${region}|${name}`);
    if (existing && input.Overwrite !== true) {
      throw err(
        ParameterAlreadyExists,
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    }
    const type = (input.Type as string | undefined) ?? existing?.Type;
    if (!type) throw invalid('A parameter type is required when you create a parameter.');
    if (!['String', 'StringList', 'SecureString'].includes(type)) throw invalid(`Type ${type} is not valid.`);
    const dataType = (input.DataType as string | undefined) ?? existing?.DataType ?? 'text';
    if (dataType !== 'text' && dataType !== 'aws:ec2:image') throw invalid(`DataType ${dataType} is not supported.`);
    // Intelligent-Tiering makes a parameter Advanced when its value needs it (over 4 KB), Standard otherwise
    // (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html).
    const asked = input.Tier as string | undefined;
    const tier =
      asked === 'Advanced' || existing?.Tier === 'Advanced' || (asked === 'Intelligent-Tiering' && value.length > 4096)
        ? 'Advanced'
        : 'Standard';
    if (tier === 'Standard' && value.length > 4096)
      throw invalid('Standard parameters are limited to 4 KB; use the Advanced tier.');
    if (value.length > 8192) throw invalid('Advanced parameters are limited to 8 KB.');
    const meta = { Type: type, DataType: dataType, Tier: tier };
    const principal = this.validation?.hooks.caller();
    if (dataType === 'aws:ec2:image' && this.validation && principal !== undefined) {
      // Answered now, validated later (ssm-image-validation.ts): the version takes only if validation passes.
      const version = this.nextVersion(`${region}|${name}`);
      const operation = existing ? 'Update' : 'Create';
      this.validation.start({ region, name, value, version, principal, operation, meta });
      return { Version: version, Tier: tier };
    }
    // A caller the local cloud cannot identify: the AMI is checked at once (it exists in this region).
    if (dataType === 'aws:ec2:image' && !this.ec2.images.get(value)) {
      throw invalid(`Parameter value ${value} is not a valid AMI in ${region}.`);
    }
    return { Version: this.write(region, name, value, meta), Tier: tier };
  }

  /** Version numbers only grow, past every number answered (a write that failed validation keeps its number). */
  private nextVersion(key: string): number {
    const version = Math.max(this.params.get(key)?.versions.at(-1)?.Version ?? 0, this.issued.get(key) ?? 0) + 1;
    this.issued.set(key, version);
    return version;
  }

  private write(
    region: string,
    name: string,
    value: string,
    meta: { Type: string; DataType: string; Tier: string },
    validatedVersion?: number,
  ): number {
    const key = `${region}|${name}`;
    const p = this.params.get(key) ?? { Name: name, ...meta, versions: [] };
    Object.assign(p, meta);
    const version = validatedVersion ?? this.nextVersion(key);
    p.versions.push({ Value: value, Version: version, LastModifiedDate: new Date(this.now()) });
    this.params.set(key, p);
    return version;
  }
}

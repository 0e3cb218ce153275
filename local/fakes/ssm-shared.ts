// Parameter Store records and the cross-account reads of shared (advanced, RAM-shared) parameters by ARN.

export interface ParameterVersion {
  readonly Value: string;
  readonly Version: number;
  readonly LastModifiedDate: Date;
}

export interface ParameterRecord {
  readonly Name: string;
  Type: string;
  DataType: string;
  Tier: string;
  readonly versions: ParameterVersion[];
}

interface ReadTarget {
  readonly name: string | undefined;
  readonly key?: string;
  readonly ownArn?: string;
}

/** The ARN-addressed reads of one account's parameters (keyed `region|name`), as RAM and other accounts make them. */
export class SharedParameterReads {
  // The audit reads one ARN as every account in turn: the last ARN read is remembered, parsed.
  private lastRead: (ReadTarget & { arn: string; region: string }) | undefined;

  constructor(
    private readonly accountId: string,
    private readonly params: ReadonlyMap<string, ParameterRecord>,
    private readonly arn: (region: string, name: string) => string,
  ) {}

  /**
   * Whether RAM may share `arn` (RAM's resource check): it names one of this account's parameters in `region`, in the
   * advanced tier (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-shared-parameters.html).
   */
  shareable(arn: string, region: string): { ok: true } | { ok: false; unknown: boolean; reason: string } {
    const name = this.nameOfArn(arn, region);
    const p = name === undefined ? undefined : this.params.get(`${region}|${name}`);
    if (!p) return { ok: false, unknown: true, reason: `The resource ${arn} could not be found.` };
    if (p.Tier !== 'Advanced') {
      return {
        ok: false,
        unknown: false,
        reason: `Only advanced parameters can be shared; ${p.Name} is in the ${p.Tier} tier.`,
      };
    }
    return { ok: true };
  }

  /**
   * GetParameter as another account would call it (the audit's question): by full ARN only, and only if the
   * parameter is advanced and `readers` (RAM's answer for this ARN) includes the caller. The owner reads by name too.
   */
  readAs(
    account: string,
    region: string,
    nameOrArn: string,
    readers: (arn: string) => Set<string>,
  ): string | undefined {
    const own = account === this.accountId;
    const target = nameOrArn.startsWith('arn:') ? this.readTarget(nameOrArn, region) : undefined;
    const name = target ? target.name : own ? nameOrArn : undefined;
    if (name === undefined) return undefined;
    const p = this.params.get(target?.key ?? `${region}|${name}`);
    if (!p) return undefined;
    if (!own && (p.Tier !== 'Advanced' || !readers(target?.ownArn ?? this.arn(region, name)).has(account)))
      return undefined;
    return p.versions.at(-1)?.Value;
  }

  /** The parameter name an ARN of this account and region names, or undefined. */
  nameOfArn(arn: string, region: string): string | undefined {
    const m = /^arn:aws[a-z-]*:ssm:([a-z0-9-]+):(\d{12}):parameter(\/.*)$/.exec(arn);
    if (!m || m[1] !== region || m[2] !== this.accountId) return undefined;
    return m[3];
  }

  /** What `readAs` needs of an ARN: the name it names here, the parameters' key and the ARN as this account's. */
  private readTarget(arn: string, region: string): ReadTarget {
    const last = this.lastRead;
    if (last?.arn === arn && last.region === region) return last;
    const name = this.nameOfArn(arn, region);
    this.lastRead =
      name === undefined
        ? { arn, region, name }
        : { arn, region, name, key: `${region}|${name}`, ownArn: this.arn(region, name) };
    return this.lastRead;
  }
}

import {
  ImagebuilderServiceException,
  InvalidParameterValueException,
  ResourceNotFoundException,
} from '@aws-sdk/client-imagebuilder';
import { errorFactory, nextRequestId } from './common.js';

/**
 * Image Builder's AWS-managed components, as GetComponent answers for them: each a build version published at a time
 * (the versions and dates are the fake's). GetComponent takes "a build version ARN, or a component version ARN. The
 * version can use the x wildcard in trailing positions, for example 1.0.x or 1.x.x. Version ARNs resolve to the
 * latest available matching component build version"
 * (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_GetComponent.html).
 */

const err = errorFactory(ImagebuilderServiceException);

/** GetComponent's `componentBuildVersionArn` pattern (the API reference's). */
const COMPONENT_ARN =
  /^arn:aws[^:]*:imagebuilder:([^:]+):([0-9]{12}|aws(?:-[a-z-]+)?|third-party):component\/([a-z0-9-_]+)\/(?:(([0-9]+|x)\.([0-9]+|x)\.([0-9]+|x))|([0-9]+\.[0-9]+\.[0-9]+)\/([0-9]+))$/;

/** One published build version of an AWS-managed component. */
export interface ManagedComponentVersion {
  readonly name: string;
  /** `major.minor.patch`. */
  readonly version: string;
  readonly build: number;
  readonly dateCreated: string;
}

/** What the fake's AWS publishes: update-linux and reboot-linux, each at two versions. */
export const MANAGED_COMPONENTS: readonly ManagedComponentVersion[] = [
  { name: 'update-linux', version: '1.0.1', build: 1, dateCreated: '2023-06-01T00:00:00.000Z' },
  { name: 'update-linux', version: '1.0.2', build: 1, dateCreated: '2024-03-01T00:00:00.000Z' },
  { name: 'reboot-linux', version: '1.0.0', build: 1, dateCreated: '2019-12-01T00:00:00.000Z' },
  { name: 'reboot-linux', version: '1.0.1', build: 1, dateCreated: '2021-05-01T00:00:00.000Z' },
];

const nodes = (v: string) => v.split('.').map(Number);

/** Newest first: by major, minor, patch, then build. */
function newer(a: ManagedComponentVersion, b: ManagedComponentVersion): number {
  const [x, y] = [nodes(a.version), nodes(b.version)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
  return b.build - a.build;
}

/**
 * GetComponent of an AWS-managed component (`published`: the fake's catalogue, by default MANAGED_COMPONENTS): a build
 * version ARN answers that build; a version ARN, wildcards included, the latest matching build. An ARN of another
 * owner, or one no published build matches, is ResourceNotFoundException; a malformed one InvalidParameterValueException.
 */
export function getComponent(
  input: Record<string, unknown>,
  published: readonly ManagedComponentVersion[] = MANAGED_COMPONENTS,
): unknown {
  const arn = input.componentBuildVersionArn;
  const m = typeof arn === 'string' ? COMPONENT_ARN.exec(arn) : null;
  if (!m || typeof arn !== 'string') {
    throw err(InvalidParameterValueException, `Invalid component build version ARN: ${String(arn)}`);
  }
  const [, region, owner, name, filter, major, minor, patch, exact, build] = m;
  const matches = published.filter((c) => {
    if (owner !== 'aws' || c.name !== name) return false;
    if (exact !== undefined) return c.version === exact && c.build === Number(build);
    const [a, b, p] = nodes(c.version);
    return (
      (major === 'x' || Number(major) === a) &&
      (minor === 'x' || Number(minor) === b) &&
      (patch === 'x' || Number(patch) === p)
    );
  });
  const found = [...matches].sort(newer)[0];
  if (!found || (filter === undefined && exact === undefined)) {
    throw err(ResourceNotFoundException, `The resource ${arn} does not exist.`, 404);
  }
  return {
    requestId: nextRequestId(),
    component: {
      arn: `arn:aws:imagebuilder:${region}:aws:component/${found.name}/${found.version}/${found.build}`,
      name: found.name,
      version: found.version,
      type: 'BUILD',
      platform: 'Linux',
      owner: 'Amazon',
      dateCreated: found.dateCreated,
      encrypted: true,
    },
  };
}

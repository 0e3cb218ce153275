import { readFile } from 'node:fs/promises';
import { parentImageName } from '../../core/config/lineage.js';
import type { Catalog, ImageSpec } from '../../core/config/schema.js';

/**
 * The built-in quarter (default-scenario.json) is written for the example catalog's four roles: `base` (built on a
 * public SSM parameter), `hardened` (its child), `app` (its grandchild) and `web-runtime` (a container image), with
 * prod approvals by `ops-lead` and `security-reviewer`. Any other catalog gets the same quarter with each role played
 * by the image of its own that fits it: an event or fleet whose role no image plays is left out, so the default
 * scenario runs to the end on any valid catalog. For the example catalog the result is the JSON as written.
 */
export const DEFAULT_SCENARIO_FILE = new URL('./default-scenario.json', import.meta.url);

type Raw = Record<string, unknown>;

/** The default scenario fitted to `catalog` (raw: the CLI parses it as it parses any scenario file). */
export async function defaultScenarioFor(catalog: Catalog): Promise<Raw> {
  return fitDefaultScenario(JSON.parse(await readFile(DEFAULT_SCENARIO_FILE, 'utf8')) as Raw, catalog);
}

/** Which image of `catalog` plays each role the default scenario names. */
export function rolesOf(catalog: Catalog): Map<string, string> {
  const entries = Object.entries(catalog.images);
  const amis = entries.filter(([, spec]) => spec.kind === 'ami');
  const onParameter = amis.filter(([, spec]) => typeof spec.parent === 'string' && spec.parent.startsWith('ssm:'));
  const base = (onParameter.find(([, spec]) => spec.triggers.baseImage) ?? onParameter[0])?.[0];
  const childOf = (parent: string | undefined) =>
    parent === undefined ? undefined : amis.find(([, spec]) => parentImageName(spec) === parent)?.[0];
  const hardened = childOf(base);
  const app = childOf(hardened);
  const container = entries.find(([, spec]) => spec.kind === 'container')?.[0];
  const roles = new Map<string, string>();
  for (const [role, image] of [
    ['base', base],
    ['hardened', hardened],
    ['app', app],
    ['web-runtime', container],
  ] as const) {
    if (image !== undefined) roles.set(role, image);
  }
  return roles;
}

function channelsOf(catalog: Catalog, image: ImageSpec) {
  const names = image.channels ?? catalog.channels.map((c) => c.name);
  return catalog.channels.filter((c) => names.includes(c.name));
}

/**
 * The default scenario's events and fleets recast for `catalog`: images by role, `prod` as the image's last channel
 * that asks for approval (for an approval) or its last channel (for a fleet), approvers by their place in that
 * channel's list, the Amazon Linux release as the base role's own parameter, openssl as a package some image watches.
 */
export function fitDefaultScenario(raw: Raw, catalog: Catalog): Raw {
  const roles = rolesOf(catalog);
  const imageOf = (role: unknown) => (typeof role === 'string' ? roles.get(role) : undefined);
  const approvalChannel = (image: string) =>
    channelsOf(catalog, catalog.images[image] as ImageSpec).findLast((c) => c.approval !== undefined);
  const baseSpec = roles.has('base') ? catalog.images[roles.get('base') as string] : undefined;
  const packages = [
    ...(baseSpec?.triggers.packages ?? []),
    ...Object.values(catalog.images).flatMap((spec) => spec.triggers.packages),
  ];
  const exampleApprovers = ['ops-lead', 'security-reviewer'];

  const fitEvent = (event: Raw): Raw | undefined => {
    switch (event.kind) {
      case 'base-image-release': {
        const parent = baseSpec?.parent;
        return typeof parent === 'string' ? { ...event, parameter: parent.slice('ssm:'.length) } : undefined;
      }
      case 'package-release':
      case 'vulnerability':
        return packages[0] === undefined ? undefined : { ...event, package: packages[0] };
      case 'approve':
      case 'reject':
      case 'let-expire': {
        const image = imageOf(event.image);
        const channel = image === undefined ? undefined : approvalChannel(image);
        if (image === undefined || channel?.approval === undefined) return undefined;
        const approvers = channel.approval.approvers;
        const place = typeof event.by === 'string' ? exampleApprovers.indexOf(event.by) : -1;
        const by = place < 0 ? event.by : (approvers[place] ?? approvers[0]);
        return { ...event, image, channel: channel.name, ...(event.by === undefined ? {} : { by }) };
      }
      default: {
        if (!('image' in event)) return event;
        const image = imageOf(event.image);
        return image === undefined ? undefined : { ...event, image };
      }
    }
  };

  const events = (Array.isArray(raw.events) ? (raw.events as Raw[]) : []).flatMap((e) => fitEvent(e) ?? []);
  const fleets = (Array.isArray(raw.fleets) ? (raw.fleets as Raw[]) : []).flatMap((fleet) => {
    const image = imageOf(fleet.image);
    const channel = image === undefined ? undefined : channelsOf(catalog, catalog.images[image] as ImageSpec).at(-1);
    return image === undefined || channel === undefined ? [] : [{ ...fleet, image, channel: channel.name }];
  });
  return { ...raw, events, fleets };
}

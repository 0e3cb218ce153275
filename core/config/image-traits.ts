import { catalogImage } from './lineage.js';
import { type Architecture, isArchitecture, isPlatform, type Platform, parentNameTraits } from './platforms.js';
import type { Catalog, ImageSpec } from './schema.js';

/** One trait of an image and where it comes from, in words for a message (`its parent image "base"`). */
export interface Trait<T> {
  readonly value: T | undefined;
  readonly from: string;
}

/** An image's platform and architecture: its own fields, else what its parent says, inherited down the lineage. */
export interface ImageTraits {
  readonly platform: Trait<Platform>;
  readonly architecture: Trait<Architecture>;
  /** False when a field up the lineage failed its own check or the lineage loops: nothing here is to be judged. */
  readonly sure: boolean;
}

type Sound = (path: readonly (string | number)[]) => boolean;

/** What an image's parent gives it: what the parent's name says, or the catalog parent's own traits. */
export function parentTraits(catalog: Pick<Catalog, 'images'>, name: string, sound: Sound = () => true): ImageTraits {
  return fromParent(catalog, name, sound, new Set());
}

/**
 * An image's platform and architecture. A container image whose platform nothing says is Linux: Image Builder's
 * container recipes build on Linux unless told otherwise (`platformOverride`,
 * https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_CreateContainerRecipe.html).
 */
export function imageTraits(catalog: Pick<Catalog, 'images'>, name: string, sound: Sound = () => true): ImageTraits {
  return own(catalog, name, sound, new Set());
}

function own(catalog: Pick<Catalog, 'images'>, name: string, sound: Sound, seen: Set<string>): ImageTraits {
  const image = catalogImage(catalog, name) as ImageSpec | undefined;
  if (!image || seen.has(name)) return unsure();
  const inherited = fromParent(catalog, name, sound, new Set([...seen, name]));
  const platform = field(image.platform, isPlatform, sound(['images', name, 'platform']));
  const architecture = field(image.architecture, isArchitecture, sound(['images', name, 'architecture']));
  const containerDefault = image.kind === 'container' && platform.value === undefined && !inherited.platform.value;
  return {
    platform: containerDefault
      ? { value: 'Linux', from: 'a container image without a platform' }
      : platform.given
        ? { value: platform.value, from: 'its platform field' }
        : inherited.platform,
    architecture: architecture.given
      ? { value: architecture.value, from: 'its architecture field' }
      : inherited.architecture,
    sure: inherited.sure && platform.sure && architecture.sure && sound(['images', name, 'kind']),
  };
}

function fromParent(catalog: Pick<Catalog, 'images'>, name: string, sound: Sound, seen: Set<string>): ImageTraits {
  const image = catalogImage(catalog, name) as ImageSpec | undefined;
  if (!image || !sound(['images', name, 'parent'])) return unsure();
  const parent: unknown = image.parent;
  if (typeof parent === 'string') {
    const named = parentNameTraits(parent);
    const from = `its parent ${JSON.stringify(parent)}`;
    return {
      platform: { value: named.platform, from },
      architecture: { value: named.architecture, from },
      sure: true,
    };
  }
  const parentName = (parent as { image?: unknown } | null)?.image;
  if (typeof parentName !== 'string' || !catalogImage(catalog, parentName)) return unsure();
  const traits = own(catalog, parentName, sound, new Set([...seen, name]));
  const from = `its parent image ${JSON.stringify(parentName)}`;
  return {
    platform: { value: traits.platform.value, from },
    architecture: { value: traits.architecture.value, from },
    sure: traits.sure,
  };
}

function field<T>(
  value: unknown,
  is: (v: unknown) => v is T,
  sound: boolean,
): { value: T | undefined; given: boolean; sure: boolean } {
  if (!sound) return { value: undefined, given: false, sure: false };
  return is(value) ? { value, given: true, sure: true } : { value: undefined, given: false, sure: true };
}

function unsure(): ImageTraits {
  return {
    platform: { value: undefined, from: 'its parent' },
    architecture: { value: undefined, from: 'its parent' },
    sure: false,
  };
}

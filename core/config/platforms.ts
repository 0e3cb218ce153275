/**
 * An image's operating system platform and processor architecture, as Image Builder and EC2 know them: a recipe's
 * platform is its parent image's (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_ImageRecipe.html,
 * `platform`), and an AMI keeps the architecture of the AMI it was built from. Goldsmith reads both off the parent's
 * name where the name says them (the public parameters and Image Builder images AWS publishes), inherits them down a
 * catalog lineage, and asks for them (`platform`, `architecture`) where the parent is an AMI id or another name that
 * says nothing.
 */

/** Image Builder's `Platform` (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_Image.html). */
export const PLATFORMS = ['Linux', 'Windows'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * The AMI architectures an image may have: EC2's `ArchitectureValues` less `i386` and the Mac ones, which Image
 * Builder does not build (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Image.html, `architecture`).
 */
export const ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** What a parent's name says of the image built on it; a field is absent where the name says nothing of it. */
export interface NamedTraits {
  readonly platform?: Platform;
  readonly architecture?: Architecture;
}

export const isPlatform = (value: unknown): value is Platform => PLATFORMS.some((p) => p === value);
export const isArchitecture = (value: unknown): value is Architecture => ARCHITECTURES.some((a) => a === value);

/**
 * What the name of a parent outside the catalog says. Only names AWS publishes are read:
 * - Amazon Linux's public parameters `/aws/service/ami-amazon-linux-latest/<name>-x86_64|-arm64`
 *   (https://docs.aws.amazon.com/linux/al2023/ug/ec2.html);
 * - Windows Server's `/aws/service/ami-windows-latest/<name>`: Windows, and x86_64, the only architecture AWS
 *   publishes Windows AMIs for (Graviton instances do not run Windows:
 *   https://github.com/aws/aws-graviton-getting-started/blob/main/os.md);
 * - Ubuntu's `/aws/service/canonical/ubuntu/…/amd64|arm64/…` and Debian's `/aws/service/debian/…/amd64|arm64`;
 * - AWS-owned Image Builder images `arn:…:imagebuilder:<region>:aws:image/<os>-…-x86|-arm64/…`.
 * An AMI id, a `docker:` image, another parameter or another account's image says nothing.
 */
export function parentNameTraits(parent: string): NamedTraits {
  if (parent.startsWith('ssm:')) return parameterTraits(parent.slice('ssm:'.length));
  const arn = /^arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:aws:image\/([a-z0-9-]+)(\/|$)/.exec(parent);
  if (arn) return awsImageTraits(arn[1] as string);
  return {};
}

function parameterTraits(name: string): NamedTraits {
  const al = /^\/aws\/service\/ami-amazon-linux-latest\/[^/]+-(x86_64|arm64)$/.exec(name);
  if (al) return { platform: 'Linux', architecture: al[1] as Architecture };
  if (name.startsWith('/aws/service/ami-amazon-linux-latest/')) return { platform: 'Linux' };
  if (/^\/aws\/service\/ami-windows-latest\/[^/]+$/.test(name)) return { platform: 'Windows', architecture: 'x86_64' };
  if (/^\/aws\/service\/(canonical\/ubuntu|debian)\//.test(name)) {
    const segments = name.split('/');
    const architecture = segments.includes('arm64') ? 'arm64' : segments.includes('amd64') ? 'x86_64' : undefined;
    return architecture === undefined ? { platform: 'Linux' } : { platform: 'Linux', architecture };
  }
  return {};
}

/** Linux distributions Image Builder publishes images of, by the start of their names. */
const AWS_LINUX_IMAGES = ['amazon-linux', 'ubuntu', 'red-hat-enterprise-linux', 'centos', 'suse', 'debian'];

function awsImageTraits(name: string): NamedTraits {
  const platform: Platform | undefined = name.startsWith('windows-')
    ? 'Windows'
    : AWS_LINUX_IMAGES.some((prefix) => name.startsWith(prefix))
      ? 'Linux'
      : undefined;
  const architecture: Architecture | undefined = name.endsWith('-arm64')
    ? 'arm64'
    : name.endsWith('-x86')
      ? 'x86_64'
      : undefined;
  return { ...(platform && { platform }), ...(architecture && { architecture }) };
}

/**
 * The platform of a validated catalog's image: `parseCatalog` fills each image's platform in (its own, its parent's,
 * or Linux for a container image without one), so only a catalog built by hand can lack it; it is then Linux.
 */
export function platformOf(spec: { readonly platform?: Platform | undefined }): Platform {
  return spec.platform ?? 'Linux';
}

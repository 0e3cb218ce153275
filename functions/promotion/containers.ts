// A module of its own, apart from load-image.ts: importing a handler's module keeps its handler in the bundle.

/** The region of an ECR image URI (`<account>.dkr.ecr.<region>.amazonaws.com/...`). */
function regionOfImageUri(uri: string): string {
  const region = /^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/.exec(uri)?.[1];
  if (!region) throw new Error(`container image URI "${uri}" is not an ECR image URI`);
  return region;
}

/** A build's container images per region, as Image Builder reports them (by build tag). */
export function containersOf(facts: { containerUris: readonly string[] }): { region: string; imageUri: string }[] {
  return facts.containerUris.map((imageUri) => ({ region: regionOfImageUri(imageUri), imageUri }));
}

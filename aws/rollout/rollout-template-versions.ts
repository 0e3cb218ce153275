import { CreateLaunchTemplateVersionCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import {
  differencesBeyondAmi,
  mismatchMessage,
  TemplateVersionMismatchError,
} from '../../core/rollout/template-check.js';
import { ec2Client } from '../clients/ec2.js';
import { type ActingScope, asMember, type MemberScope } from './member-session.js';

/** The launch template versions a rollout creates in one member account and Region, each read back before use. */

/**
 * A new launch template version: the group's version with only the AMI changed (SourceVersion). The ClientToken makes
 * a retry return the version the first call created (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplateVersion.html).
 */
export function createTemplateVersion(
  scope: MemberScope,
  input: { launchTemplateId: string; sourceVersion: number; imageId: string; clientToken: string; description: string },
): Promise<number> {
  // Run again as another role once refused, the same request with the same ClientToken completes no more than once
  // (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html): the version the first run created, if
  // it did, and read back beside its source either way.
  return asMember(scope, (acting) => createVersionAs(acting, input));
}

async function createVersionAs(
  scope: ActingScope,
  input: { launchTemplateId: string; sourceVersion: number; imageId: string; clientToken: string; description: string },
): Promise<number> {
  const out = await ec2Client(scope.region, scope.identity).send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: input.launchTemplateId,
      SourceVersion: String(input.sourceVersion),
      LaunchTemplateData: { ImageId: input.imageId },
      VersionDescription: input.description,
      ClientToken: input.clientToken,
    }),
  );
  const number = out.LaunchTemplateVersion?.VersionNumber;
  if (number === undefined)
    throw new Error(`CreateLaunchTemplateVersion of ${input.launchTemplateId} returned no version`);
  await checkOnlyAmiChanged(scope, input.launchTemplateId, input.sourceVersion, number, input.imageId);
  return number;
}

/**
 * Reads the created version back beside its source and refuses it (TemplateVersionMismatchError) when it differs in
 * anything but the AMI (core/rollout/template-check.ts): a version a ClientToken handed back from someone else's
 * call, or one written by anything else holding the member role, is never refreshed to.
 */
async function checkOnlyAmiChanged(
  scope: ActingScope,
  launchTemplateId: string,
  source: number,
  created: number,
  imageId: string,
): Promise<void> {
  const out = await ec2Client(scope.region, scope.identity).send(
    new DescribeLaunchTemplateVersionsCommand({
      LaunchTemplateId: launchTemplateId,
      Versions: [String(source), String(created)],
    }),
  );
  const data = (n: number) =>
    (out.LaunchTemplateVersions ?? []).find((v) => v.VersionNumber === n)?.LaunchTemplateData as
      | Record<string, unknown>
      | undefined;
  const before = data(source);
  const after = data(created);
  const fields = !before || !after ? ['(version not found)'] : differencesBeyondAmi(before, after, imageId);
  if (fields.length > 0)
    throw new TemplateVersionMismatchError(mismatchMessage(launchTemplateId, created, source, fields));
}

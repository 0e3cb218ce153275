import * as z from 'zod';

/**
 * Bounds on the strings events and requests carry into Goldsmith's keys and records, well inside what the sources
 * themselves produce; core reads them as core/limits/input-bounds.ts `INPUT_BOUNDS` (events/ imports nothing of ours).
 */
export const EVENT_BOUNDS = {
  /** A package name and version (CI's "Package Update", CodeArtifact's state change). */
  packageNameChars: 256,
  packageVersionChars: 128,
  /** A CodeArtifact domain, repository or namespace. */
  repositoryChars: 256,
  /** A base-image SSM parameter name watched or announced. */
  parameterNameChars: 512,
  /** An AWS Region name. */
  regionChars: 32,
  /** A manual or out-of-cycle request id (image-rebuild-requested already allowed 200). */
  requestIdChars: 200,
  /** A reason people write (operator requests already allowed 1000). */
  reasonChars: 1000,
  /** Who asked: a principal ARN or a name. */
  principalChars: 512,
} as const;

/** A non-empty string of at most `max` characters, refused with the bound in its message. */
export const bounded = (max: number) =>
  z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** An AWS Region name like `eu-west-1`. */
export const regionName = z
  .string()
  .max(EVENT_BOUNDS.regionChars, `must be at most ${EVENT_BOUNDS.regionChars} characters`)
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS Region like "eu-west-1"');

/**
 * An SSM parameter name: `/`-separated, of `a-zA-Z0-9_.-`
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html), at most 512 characters.
 */
export const parameterName = z
  .string()
  .max(EVENT_BOUNDS.parameterNameChars, `must be at most ${EVENT_BOUNDS.parameterNameChars} characters`)
  .regex(/^\/[A-Za-z0-9_.\-/]+$/, 'must be an SSM parameter name starting with "/" of a-zA-Z0-9_.-/');

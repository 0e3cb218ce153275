import * as z from 'zod';

/**
 * Bounds on the strings events carry into Goldsmith's keys and records. events/ imports nothing of ours, so these
 * repeat core/limits/input-bounds.ts `INPUT_BOUNDS` as literals; a test checks the two agree.
 */
export const EVENT_BOUNDS = {
  packageNameChars: 256,
  packageVersionChars: 128,
  repositoryChars: 256,
  parameterNameChars: 512,
  regionChars: 32,
  requestIdChars: 200,
  reasonChars: 1000,
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

import * as z from 'zod';
import { GOLDSMITH_SOURCE } from './sources.js';

/**
 * The version of the shapes Goldsmith hands itself: the detail of the events it puts on its bus (`source`
 * `goldsmith`), the promotion state machine's execution input and the outputs its waiting tasks are sent. Each
 * carries `schemaVersion`; one without it is release 0.2.0's shape. A release reads its own version and every one
 * before it, and refuses a newer one with its reason, once (docs/upgrading.md, "Records and events"). The
 * announcements people and subscribers receive have a contract version of their own (`NOTIFICATION_SCHEMA_VERSION`).
 *
 * | version | release | shape |
 * | --- | --- | --- |
 * | 1 | 0.2.0 and before (no `schemaVersion`) | — |
 * | 2 | this release | `schemaVersion` added; nothing else changed |
 */
export const EVENT_SCHEMA_VERSION = 2;

/** The version of a shape without `schemaVersion`: what release 0.2.0 and before sent. */
export const UNVERSIONED_EVENT_SCHEMA = 1;

/** Why a version is refused: it names both versions. */
export function newerSchemaReason(version: number): string {
  return `schemaVersion ${version} is newer than this release reads (${EVENT_SCHEMA_VERSION}); sent by a later release`;
}

/** `schemaVersion` as our own events' detail carries it: absent (0.2.0's), or a version this release reads. */
export const eventSchemaVersion = z
  .number()
  .int()
  .min(1)
  .max(EVENT_SCHEMA_VERSION, `newer than this release reads (${EVENT_SCHEMA_VERSION}); sent by a later release`)
  .optional();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Why this release refuses an input one of its handlers received, or undefined when it reads it: a task input or
 * task output with a newer top-level `schemaVersion`, or a bus event whose detail has one. Looks at nothing else.
 */
export function refusedSchema(raw: unknown): string | undefined {
  if (!isRecord(raw)) return undefined;
  // A bus event of ours: its detail's version (AWS's own events may use the name for something else).
  if ('source' in raw || 'detail-type' in raw) {
    if (raw.source !== GOLDSMITH_SOURCE || !isRecord(raw.detail)) return undefined;
    return versionRefused(raw.detail.schemaVersion);
  }
  return versionRefused(raw.schemaVersion);
}

function versionRefused(version: unknown): string | undefined {
  return typeof version === 'number' && version > EVENT_SCHEMA_VERSION ? newerSchemaReason(version) : undefined;
}

/** A shape of ours as this release sends it: with its `schemaVersion`. Other values are sent as they are. */
export function withSchemaVersion<T>(value: T): T {
  return isRecord(value) ? ({ ...value, schemaVersion: EVENT_SCHEMA_VERSION } as T) : value;
}

/** The root of Goldsmith's errors: handlers throw these, never return them. */
export class GoldsmithError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GoldsmithError';
  }
}

/** A catalog that fails validation; `problems` are `path: message` lines. */
export class InvalidCatalogError extends GoldsmithError {
  constructor(
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`invalid catalog:\n${problems.join('\n')}`, options);
    this.name = 'InvalidCatalogError';
  }
}

/** An incoming event that does not match its schema; it is rejected whole and sent to the dead-letter queue. */
export class MalformedEventError extends GoldsmithError {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`malformed event: ${reason}`, options);
    this.name = 'MalformedEventError';
  }
}

/** A conditional write lost to an earlier one: the decision was already taken, so the caller does nothing more. */
export class AlreadyDecidedError extends GoldsmithError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlreadyDecidedError';
  }
}

/** How `goldsmith preflight`'s checks name an error AWS answered with: its name, then its message. */
export const nameOf = (error: unknown): string => (error instanceof Error ? error.name : String(error));

export const said = (error: unknown): string =>
  `${nameOf(error)}: ${error instanceof Error ? error.message : ''}`.trim();

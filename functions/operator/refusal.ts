/** A refused operator request: the status and one line naming what is wrong; nothing was changed. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

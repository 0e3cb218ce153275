/** The encoded form: JSON values, with tagged objects for what JSON lacks. */
export type PlainState =
  | null
  | boolean
  | number
  | string
  | PlainState[]
  | { $u: 1 }
  | { $nan: 'NaN' | 'Infinity' | '-Infinity' }
  | { $date: string }
  | { $map: [PlainState, PlainState][] }
  | { $set: PlainState[] }
  | { $o: Record<string, PlainState> }
  | { $shared: string }
  | { $ref: string }
  | { $big: string };

/** A JSON value as the state machine's input, output and context hold it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

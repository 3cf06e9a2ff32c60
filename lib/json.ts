// The type a client component receives when a route answers with a lib/ type:
// JSON turns a Date into its ISO string and drops nothing else these types hold.
// Client components import the lib/ type (`import type`, erased from the
// bundle) and wrap it in this, instead of re-declaring its fields.
export type Jsonified<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

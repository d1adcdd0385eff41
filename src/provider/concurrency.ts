/** Calls in flight at once unless told otherwise: apply's --parallelism, and refresh's reads. */
export const DEFAULT_PARALLELISM = 8;

/** Exit codes (fixed by the design): CI branches on them. */
export const EXIT = {
  /** Success; with --detailed-exitcode, also "no changes". */
  OK: 0,
  /** Any error: invalid input, a failed API call, a refused operation. */
  ERROR: 1,
  /** With --detailed-exitcode: the plan has changes (drift counts). */
  CHANGES: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

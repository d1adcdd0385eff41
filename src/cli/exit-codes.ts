/** Exit codes (fixed by the design): CI branches on them. */
export const EXIT = {
  /** Success; with --detailed-exitcode, also "no changes". */
  OK: 0,
  /** Any error: invalid input, a failed API call, a refused operation. */
  ERROR: 1,
  /** With --detailed-exitcode: the plan has changes (drift counts). */
  CHANGES: 2,
  /** apply stopped by SIGINT/SIGTERM after saving what was done (128 + SIGINT, as shells report). */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

import type { ErrorCode } from './codes.js';
import type { Diagnostic, SourceLocation } from './diagnostic.js';

/**
 * The one error type of assistants-iac. `kind: 'user'` means the input or the environment is at
 * fault and the message says what to do; `kind: 'internal'` means a defect of ours. Errors that
 * stand for several findings (a failed validation) carry them as `diagnostics`.
 */
export class AssistantsError extends Error {
  readonly code: ErrorCode;
  readonly kind: 'user' | 'internal';
  readonly location?: SourceLocation;
  readonly hint?: string;
  readonly diagnostics: readonly Diagnostic[];
  /**
   * True when the call that failed may have done its work all the same (a create whose answer was
   * lost, and no lookup could tell): the journal entry that guards it must stay for the next run.
   */
  readonly outcomeUnknown: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      kind?: 'user' | 'internal';
      location?: SourceLocation;
      hint?: string;
      cause?: unknown;
      diagnostics?: readonly Diagnostic[];
      outcomeUnknown?: boolean;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AssistantsError';
    this.code = code;
    this.kind = options.kind ?? 'user';
    this.location = options.location;
    this.hint = options.hint;
    this.diagnostics = options.diagnostics ?? [];
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }

  /** This error, marked as one whose call may have done its work (see outcomeUnknown). */
  withUnknownOutcome(): AssistantsError {
    if (this.outcomeUnknown) return this;
    return new AssistantsError(this.code, this.message, {
      kind: this.kind,
      ...(this.location ? { location: this.location } : {}),
      ...(this.hint ? { hint: this.hint } : {}),
      cause: this.cause,
      diagnostics: this.diagnostics,
      outcomeUnknown: true,
    });
  }

  /** The error as diagnostics: its own list if it has one, else itself as a single finding. */
  toDiagnostics(): Diagnostic[] {
    if (this.diagnostics.length > 0) return [...this.diagnostics];
    return [
      {
        severity: 'error',
        code: this.code,
        message: this.message,
        ...(this.location ? { location: this.location } : {}),
        ...(this.hint ? { hint: this.hint } : {}),
      },
    ];
  }
}

/** Wraps anything thrown into an AssistantsError; unknown throwables are internal defects. */
export function toAssistantsError(err: unknown): AssistantsError {
  if (err instanceof AssistantsError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new AssistantsError('INTERNAL', message, { kind: 'internal', cause: err });
}

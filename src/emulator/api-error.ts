/**
 * An error the emulator answers with, in the API's envelope:
 * `{error: {message, type, param, code}}` (the spec's `ErrorResponse`). Handlers throw it; the
 * server turns it into the response, so no handler writes an error body itself.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  /** Extra response headers (429 carries its retry hints here). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    message: string,
    options: {
      type?: string;
      param?: string | null;
      code?: string | null;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = options.type ?? 'invalid_request_error';
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.headers = options.headers ?? {};
  }

  body(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** 400 with the API's wording conventions; `param` names the field in `a.b[0].c` form. */
export function invalidRequest(message: string, param: string | null = null, code: string | null = null) {
  return new ApiError(400, message, { param, code });
}

/** 404 for an id that names nothing (the API words it per kind of object). */
export function notFound(kind: string, id: string, param: string | null = null): ApiError {
  return new ApiError(404, `No ${kind} found with id '${id}'.`, { param });
}

/** The API's answer to a path it does not serve (also what a sunset endpoint returns). */
export function invalidUrl(method: string, path: string): ApiError {
  return new ApiError(404, `Invalid URL (${method} ${path})`);
}

/** Quotes a list the way the API's messages do: 'a', 'b', and 'c'. */
export function quoteList(values: readonly unknown[]): string {
  const quoted = values.map((value) => `'${String(value)}'`);
  if (quoted.length <= 2) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}

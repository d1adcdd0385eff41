import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { safeDecode } from '../util/safe-decode.js';
import { ApiError } from './api-error.js';
import type { EmulatorCore } from './core.js';

/** What a handler sees: the core, path and query parameters, and the body on demand. */
export interface RouteContext {
  core: EmulatorCore;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  req: IncomingMessage;
  /** The JSON body as an object (`{}` when empty); 400 when it is not JSON or not an object. */
  json(): Promise<Record<string, unknown>>;
}

/** A handler's answer: a JSON body, or a stream (file content). */
export type Reply =
  | { status?: number; body: unknown }
  | { status?: number; stream: Readable; contentType: string; length?: number };

/** Rate limits apply per family, as the API's limits do (uploads, store writes, assistants, responses). */
export type RouteFamily = 'files' | 'vector_stores' | 'assistants' | 'responses' | 'skills';

const FAMILIES: ReadonlySet<string> = new Set<RouteFamily>([
  'files',
  'vector_stores',
  'assistants',
  'responses',
  'skills',
]);

/** The family of a path without `/v1` (its first segment), or undefined for a path of none. */
export function familyOf(path: string): RouteFamily | undefined {
  const first = path.split('/')[1];
  return first !== undefined && FAMILIES.has(first) ? (first as RouteFamily) : undefined;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** The spec's path, e.g. `/vector_stores/{vector_store_id}/files`, as counted in stats. */
  template: string;
  handle: (ctx: RouteContext) => Promise<Reply> | Reply;
}

/** Path parameters and the prefix every id of that kind has; a wrong prefix is a 400, as in the API. */
const ID_PREFIXES: Record<string, string> = {
  assistant_id: 'asst_',
  file_id: 'file-',
  vector_store_id: 'vs_',
  batch_id: 'vsfb_',
  skill_id: 'skill_',
};

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

export interface RouteMatch {
  route: CompiledRoute;
  params: Record<string, string>;
  /** `METHOD /v1/template`, the key of this route in stats. */
  key: string;
}

/** Matches `/v1/...` paths to routes by their spec templates. */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.routes = routes.map((route) => {
      const names: string[] = [];
      const source = route.template.replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { ...route, pattern: new RegExp(`^${source}$`), names };
    });
  }

  /** The route for `method path` (path without `/v1`), or undefined (the API's "Invalid URL"). */
  match(method: string, path: string): RouteMatch | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        params[name] = safeDecode(found[index + 1] ?? '');
      });
      return { route, params, key: `${method} /v1${route.template}` };
    }
    return undefined;
  }
}

/** 400 for a path id of the wrong kind (`Expected an ID that begins with 'vsfb_'.`). */
export function checkIdPrefixes(params: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(params)) {
    const prefix = ID_PREFIXES[name];
    if (prefix && !value.startsWith(prefix)) {
      throw new ApiError(400, `Invalid '${name}': '${value}'. Expected an ID that begins with '${prefix}'.`, {
        param: name,
        code: 'invalid_value',
      });
    }
  }
}

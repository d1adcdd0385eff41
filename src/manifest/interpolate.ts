import type { Diagnostic } from '../errors/index.js';
import { looksLikeKey } from '../errors/redact.js';
import type { SourceDocument, ValuePath } from './source-document.js';

/** `$${` (a literal `${`), `${env:NAME}`, `${env:NAME:-default}`, or any other `${...}` (an error). */
const EXPRESSION = /\$\$\{|\$\{([^}]*)\}/g;
const ENV = /^env:([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/**
 * Names of variables that hold secrets by convention. Whatever a manifest string becomes is printed
 * in plans and written to the state, so copying one of these there would leak it.
 */
const SECRET_NAME = /(^|_)(API_KEY|SECRET|SECRET_KEY|SECRET_ACCESS_KEY|PRIVATE_KEY|TOKEN|PASSWORD)$/;

/** True for OPENAI_API_KEY and any name ending in _API_KEY, _SECRET, _TOKEN, _PASSWORD (and kin). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name.toUpperCase());
}

/**
 * Something shaped like an OpenAI key (`sk-…`, `sk-proj-…`, `sess-…`); whether its body is a key
 * (long, mixed case and digits) is redaction's looksLikeKey, so that names like `sk-learn-notes` pass.
 */
const KEY_SHAPE = /(?<![A-Za-z0-9_-])(?:sk|sess)-([A-Za-z0-9_-]{20,})/g;
/** A configured key shorter than this is not looked for in values: it would match ordinary text. */
const MIN_KEY_LENGTH = 8;

/**
 * Why the value of a variable is a secret, whatever the variable is called: it holds the API key
 * configured in `env` (OPENAI_API_KEY), or anything shaped like an OpenAI key. Undefined otherwise.
 */
function secretInValue(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
): 'the API key' | 'an API key' | undefined {
  const key = env.OPENAI_API_KEY;
  if (key !== undefined && key.length >= MIN_KEY_LENGTH && value.includes(key)) return 'the API key';
  for (const match of value.matchAll(KEY_SHAPE)) {
    if (looksLikeKey(match[1] ?? '')) return 'an API key';
  }
  return undefined;
}

/**
 * Substitutes `${env:NAME}` and `${env:NAME:-default}` in every string value of a document (keys are
 * left alone). An unset variable without a default, a variable named like a secret (see
 * isSecretName; refused whether set or not), a variable whose value holds the configured API key
 * or anything shaped like a key (see secretInValue), and any other `${...}` are located errors;
 * the value is then left as written so later checks still run. A value is never shown in a message.
 */
export function interpolate(
  source: SourceDocument,
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
): { value: unknown; diagnostics: Diagnostic[]; invalidPaths: ValuePath[] } {
  const diagnostics: Diagnostic[] = [];
  const invalidPaths: ValuePath[] = [];

  const visit = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') return node.includes('${') ? substitute(node, path) : node;
    if (Array.isArray(node)) return node.map((item, i) => visit(item, [...path, i]));
    if (node !== null && typeof node === 'object') {
      // fromEntries defines own properties, so a `__proto__` key stays a plain key.
      return Object.fromEntries(
        Object.entries(node).map(([key, child]) => [key, visit(child, [...path, key])]),
      );
    }
    return node;
  };

  const substitute = (text: string, path: ValuePath): string =>
    text.replace(EXPRESSION, (match: string, body: string | undefined, index: number) => {
      if (match === '$${') return '${';
      const env_ = ENV.exec(body ?? '');
      if (!env_) {
        invalidPaths.push(path);
        diagnostics.push(
          located(source, path, index, match, 'INVALID_INTERPOLATION', {
            message: `"${match}" is not a supported expression; use \${env:NAME} or \${env:NAME:-default}`,
            hint: 'write $${ for a literal ${',
          }),
        );
        return match;
      }
      const [, name = '', fallback] = env_;
      if (isSecretName(name)) {
        invalidPaths.push(path);
        diagnostics.push(
          located(source, path, index, match, 'SECRET_IN_MANIFEST', {
            message: `"${match}" would copy environment variable ${name}, a secret, into plans and the state, which show and store it in the clear`,
            hint: `keep secrets out of manifests; if ${name} holds no secret, pass the value in a variable whose name does not end in _API_KEY, _SECRET, _TOKEN or _PASSWORD`,
          }),
        );
        return match;
      }
      const set = env[name];
      const secret = set === undefined ? undefined : secretInValue(set, env);
      if (secret !== undefined) {
        invalidPaths.push(path);
        diagnostics.push(
          located(source, path, index, match, 'SECRET_IN_MANIFEST', {
            message: `"${match}" would copy ${secret === 'the API key' ? 'the API key (the value of OPENAI_API_KEY)' : 'what looks like an OpenAI API key'}, held by environment variable ${name}, into plans and the state, which show and store it in the clear`,
            hint: `keep secrets out of manifests: set ${name} to a value that holds no key`,
          }),
        );
        return match;
      }
      if (set !== undefined) return set;
      if (fallback !== undefined) return fallback;
      invalidPaths.push(path);
      diagnostics.push(
        located(source, path, index, match, 'ENV_UNSET', {
          message: `environment variable ${name} is not set and "${match}" gives no default`,
          hint: `set ${name}, or give a default: \${env:${name}:-VALUE}`,
        }),
      );
      return match;
    });

  return { value: visit(value, []), diagnostics, invalidPaths };
}

function located(
  source: SourceDocument,
  path: ValuePath,
  index: number,
  match: string,
  code: 'ENV_UNSET' | 'INVALID_INTERPOLATION' | 'SECRET_IN_MANIFEST',
  text: { message: string; hint: string },
): Diagnostic {
  const location = source.locateInString(path, index, match);
  return { severity: 'error', code, ...text, location, excerpt: source.lineText(location.line) };
}

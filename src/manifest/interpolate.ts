import type { Diagnostic } from '../errors/index.js';
import type { SourceDocument, ValuePath } from './source-document.js';

/** `$${` (a literal `${`), `${env:NAME}`, `${env:NAME:-default}`, or any other `${...}` (an error). */
const EXPRESSION = /\$\$\{|\$\{([^}]*)\}/g;
const ENV = /^env:([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/**
 * Substitutes `${env:NAME}` and `${env:NAME:-default}` in every string value of a document (keys are
 * left alone). An unset variable without a default, and any other `${...}`, is a located error; the
 * value is then left as written so later checks still run.
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
      const [, name, fallback] = env_;
      const set = env[name as string];
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
  code: 'ENV_UNSET' | 'INVALID_INTERPOLATION',
  text: { message: string; hint: string },
): Diagnostic {
  const location = source.locateInString(path, index, match);
  return { severity: 'error', code, ...text, location, excerpt: source.lineText(location.line) };
}

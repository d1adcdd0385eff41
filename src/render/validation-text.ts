import type { ValidationResult } from '../manifest/validate.js';
import { countSummary, renderDiagnostics } from './diagnostics-text.js';
import type { Style } from './style.js';

/** The outcome of `validate` for people: findings on stderr, the verdict on stdout (or stderr on failure). */
export function renderValidationText(
  result: ValidationResult,
  style: Style,
): { stdout: string; stderr: string } {
  const findings = renderDiagnostics([...result.errors, ...result.warnings], style);
  const files = `${result.manifests.length} manifest file${result.manifests.length === 1 ? '' : 's'}`;
  if (!result.value) {
    const summary = style.red(
      `Validation failed: ${countSummary(result.errors.length, result.warnings.length)} in ${files}.`,
    );
    return { stdout: '', stderr: `${findings}${findings ? '\n' : ''}${summary}\n` };
  }
  const d = result.value;
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const contents = [
    count(d.files.length, 'file', 'files'),
    count(d.vectorStores.length, 'vector store', 'vector stores'),
    count(d.memberships.length, 'store membership', 'store memberships'),
    count(d.assistants.length, 'assistant', 'assistants'),
  ].join(', ');
  const verdict = `${style.green('Success!')} ${files} valid (stack "${d.stack}"): ${contents}.`;
  const tail =
    result.warnings.length > 0 ? ` ${countSummary(0, result.warnings.length).split(', ')[1]}.` : '';
  return { stdout: `${verdict}${tail}\n`, stderr: findings ? `${findings}\n` : '' };
}

import type { ValidationResult } from '../manifest/validate.js';
import { counted, countSummary, renderDiagnostics } from './diagnostics-text.js';
import type { Style } from './style.js';

/** The outcome of `validate` for people: findings on stderr, the verdict on stdout (or stderr on failure). */
export function renderValidationText(
  result: ValidationResult,
  style: Style,
): { stdout: string; stderr: string } {
  const findings = renderDiagnostics([...result.errors, ...result.warnings], style);
  const files = counted(result.manifests.length, 'manifest file');
  if (!result.value) {
    const summary = style.red(
      `Validation failed: ${countSummary(result.total?.errors ?? result.errors.length, result.total?.warnings ?? result.warnings.length)} in ${files}.`,
    );
    return { stdout: '', stderr: `${findings}${findings ? '\n' : ''}${summary}\n` };
  }
  const d = result.value;
  const contents = [
    counted(d.files.length, 'file'),
    counted(d.vectorStores.length, 'vector store'),
    counted(d.memberships.length, 'store membership'),
    counted(d.assistants.length, 'assistant'),
  ].join(', ');
  const verdict = `${style.green('Success!')} ${files} valid (stack "${d.stack}"): ${contents}.`;
  const warningCount = result.total?.warnings ?? result.warnings.length;
  const tail = warningCount > 0 ? ` ${counted(warningCount, 'warning')}.` : '';
  return { stdout: `${verdict}${tail}\n`, stderr: findings ? `${findings}\n` : '' };
}

import { foundCounts, type ValidationResult } from '../manifest/validate.js';
import { counted, countSummary, renderDiagnostics } from './diagnostics-text.js';
import type { Style } from './style.js';

/** The outcome of `validate` for people: findings on stderr, the verdict on stdout (or stderr on failure). */
export function renderValidationText(
  result: ValidationResult,
  style: Style,
): { stdout: string; stderr: string } {
  const findings = renderDiagnostics([...result.errors, ...result.warnings], style);
  const files = counted(result.manifests.length, 'manifest file');
  const found = foundCounts(result);
  if (!result.value) {
    const summary = style.red(
      `Validation failed: ${countSummary(found.errors, found.warnings)} in ${files}.`,
    );
    return { stdout: '', stderr: `${findings}${findings ? '\n' : ''}${summary}\n` };
  }
  const d = result.value;
  const contents = [
    counted(d.files.length, 'file'),
    counted(d.vectorStores.length, 'vector store'),
    counted(d.memberships.length, 'store membership'),
    counted(d.assistants.length, 'assistant'),
    ...(d.skills.length > 0 ? [counted(d.skills.length, 'skill')] : []),
    ...(d.agents.length > 0 ? [counted(d.agents.length, 'agent')] : []),
  ].join(', ');
  const verdict = `${style.green('Success!')} ${files} valid (stack "${d.stack}"): ${contents}.`;
  const tail = found.warnings > 0 ? ` ${counted(found.warnings, 'warning')}.` : '';
  return { stdout: `${verdict}${tail}\n`, stderr: findings ? `${findings}\n` : '' };
}

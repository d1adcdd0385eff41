import path from 'node:path';
import { SKILLS_FOLDER } from '../plan/generate-skills.js';
import type { GeneratedStack, SkippedResource } from '../plan/generate-stack.js';
import { counted } from '../util/words.js';

/** What `import --generate` made, adopted, downloaded and skipped, and what to run next. */
export function renderGenerateSummary(
  generated: GeneratedStack,
  file: string,
  stateLocation: string,
): string {
  const stores = Object.keys(generated.manifest.vector_stores ?? {}).length;
  const assistants = Object.keys(generated.manifest.assistants ?? {}).length;
  const members = Object.values(generated.resources).filter((r) => r.kind === 'vector_store_file');
  const byId = members.filter((r) => r.dependencies.length === 1).length;
  const downloaded = Object.keys(generated.manifest.files ?? {}).length;
  const lines = [
    `Generated ${file}: ${counted(stores, 'vector store')} with ${counted(members.length, 'file')}, ${byId} of them attached by id; ${counted(assistants, 'assistant')}.`,
    `State written to ${stateLocation}; adopted stores and assistants are stamped as this stack's.`,
  ];
  if (downloaded > 0)
    lines.splice(
      1,
      0,
      `Downloaded ${counted(downloaded, 'file')} whose content the API hands back into ${path.join(path.dirname(file), 'files')}; they are managed from there.`,
    );
  const skills = Object.keys(generated.manifest.skills ?? {}).length;
  if (skills > 0)
    lines.splice(
      lines.length - 1,
      0,
      `Downloaded ${counted(skills, 'skill')} (each one's default version) into ${path.join(path.dirname(file), SKILLS_FOLDER)}; a new version is uploaded when its folder changes.`,
    );
  if (generated.skipped.length > 0) {
    lines.push('', `Skipped ${generated.skipped.length}:`);
    for (const s of generated.skipped) lines.push(`  ${skippedLine(s)}`);
  }
  if (generated.warnings.length > 0) {
    lines.push('', 'These will not plan clean:');
    for (const w of generated.warnings) lines.push(`  ${w}`);
  }
  lines.push('', `Next: \`assistants plan -f ${path.dirname(file) || '.'}\` should show no changes.`);
  return `${lines.join('\n')}\n`;
}

function skippedLine(s: SkippedResource): string {
  const what = `${s.kind} ${s.id}${s.name ? ` "${s.name}"` : ''}`;
  if (s.reason === 'expired') return `${what}: expired (\`assistants gc --all-expired\` collects it)`;
  if (s.reason === 'held_elsewhere') return `${what}: ${s.detail}; adopt it there`;
  if (s.reason === 'unusable' || s.reason === 'not_asked') return `${what}: ${s.detail}`;
  return `${what}: owned by another state (lineage ${s.owner?.lineage}, address ${s.owner?.address ?? '(none)'}); adopt it there, or with \`assistants import --force\``;
}

// The plan of one workspace as a sticky pull request comment: one comment per (stack, workspace),
// found again by a hidden marker on its first line and edited in place, so that each push to the
// pull request updates the plan instead of adding a comment. Run by actions/github-script in
// assistants.yml; copy it to .github/scripts/sticky-comment.cjs. CommonJS, so that `require`
// loads it whatever "type" the repository's package.json sets.

/** GitHub refuses a comment body longer than this. */
const MAX_COMMENT = 65_536;

/**
 * The hidden first line that tells this stack's and workspace's comment from every other. It is
 * the line `assistants plan --format markdown` itself starts with, so a plan pasted anywhere is
 * recognised as the same comment.
 */
function marker(stack, workspace) {
  return `<!-- assistants-iac plan: stack=${stack} workspace=${workspace} -->`;
}

/** The marker a Markdown plan starts with, and the plan without it; no marker for other text. */
function splitMarker(plan) {
  const match = /^(<!-- assistants-iac plan: stack=\S+ workspace=\S+ -->)\n+/.exec(plan);
  return match ? { marker: match[1], body: plan.slice(match[0].length) } : { marker: null, body: plan };
}

/**
 * `text` cut to at most `max` characters, `note` included: at a line end where one is near, and
 * with a code block or <details> left open closed again, so that the note is not swallowed by it.
 */
function cut(text, max, note) {
  if (text.length <= max) return text;
  const room = 40; // for what is closed below
  let kept = text.slice(0, Math.max(0, max - note.length - room));
  const newline = kept.lastIndexOf('\n');
  if (newline >= 0 && newline > kept.length - 2_000) kept = kept.slice(0, newline);
  // Never split a surrogate pair: half a character is not text.
  if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
  let fence = null;
  for (const line of kept.split('\n')) {
    const run = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (!run) continue;
    if (fence === null) fence = run;
    else if (run[0] === fence[0] && run.length >= fence.length && line.trim() === run) fence = null;
  }
  const open = (kept.match(/<details>/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length;
  // The plan nests <details> one deep; two leaves a margin.
  const closing =
    (fence === null ? '' : `\n${fence}`) + '\n</details>'.repeat(Math.min(Math.max(open, 0), 2));
  return `${kept}${closing}\n\n${note}`;
}

/** `text` in a code block whose fence is longer than any run of backticks in it. */
function fenced(text) {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}

/** The whole comment for one workspace; `exitCode` is that of `plan --detailed-exitcode`. */
function planComment({ stack, workspace, exitCode, plan, errors, sha, runUrl, artifactUrl }) {
  // A plan that carries this comment's marker is not given a second one, nor a second heading:
  // it names its stack, workspace and commit itself.
  const own = splitMarker(plan ?? '');
  const titled = own.marker === marker(stack, workspace);
  const lines = [marker(stack, workspace)];
  if (!titled) lines.push(`### assistants-iac plan: \`${workspace}\``);
  lines.push('');
  if (exitCode !== 0 && exitCode !== 2)
    lines.push(`> [!CAUTION]\n> The plan failed (exit code ${exitCode}): see the [job log](${runUrl}).`, '');
  const head = `${lines.join('\n')}\n`;
  const where = [`[job summary](${runUrl})`, artifactUrl && `[plan artifact](${artifactUrl})`]
    .filter(Boolean)
    .join(' and the ');
  const foot = `\n\n<sub>Commit ${String(sha ?? '').slice(0, 7)}. Also in the ${where}.</sub>\n`;
  let body = (titled ? own.body : (plan ?? '')).trim();
  if (errors?.trim()) body += `\n\n${fenced(errors.trim())}`;
  const note = `> [!NOTE]\n> Cut to fit a GitHub comment: the whole plan is in the ${where}.`;
  return `${head}${cut(body, MAX_COMMENT - head.length - foot.length, note)}${foot}`;
}

/**
 * Updates the comment of this stack and workspace on the pull request, or creates it (unless
 * `create` is false). Only comments made by a bot (this workflow's token) count, so that a person
 * who quotes the marker never has their comment overwritten.
 * Returns what it did: { action: 'created' | 'updated' | 'none', id }.
 */
async function upsertComment({ github, context, stack, workspace, body, create = true }) {
  const issue = { owner: context.repo.owner, repo: context.repo.repo, issue_number: context.issue.number };
  const comments = await github.paginate(github.rest.issues.listComments, { ...issue, per_page: 100 });
  const head = `${marker(stack, workspace)}\n`;
  const mine = comments.find((c) => c.user?.type === 'Bot' && (c.body ?? '').startsWith(head));
  if (mine) {
    await github.rest.issues.updateComment({ ...issue, comment_id: mine.id, body });
    return { action: 'updated', id: mine.id };
  }
  if (!create) return { action: 'none' };
  const { data } = await github.rest.issues.createComment({ ...issue, body });
  return { action: 'created', id: data.id };
}

/**
 * Posts one workspace's plan. A plan without changes updates an earlier comment (which would
 * otherwise still show changes no longer planned) but adds none: the job summary has it.
 */
async function postPlanComment({ github, context, stack, workspace, exitCode, ...rest }) {
  const sha = context.payload.pull_request?.head?.sha ?? context.sha;
  const body = planComment({ stack, workspace, exitCode, sha, ...rest });
  return upsertComment({ github, context, stack, workspace, body, create: exitCode !== 0 });
}

module.exports = { MAX_COMMENT, marker, splitMarker, cut, planComment, upsertComment, postPlanComment };

import type { Plan } from '../model/plan.js';
import { storageWorthShowing } from '../model/storage-cost.js';
import { codeSpan } from './markdown-text.js';
import { dailyCostWords, ESTIMATE_NOTE, pricesPhrase, storageRows } from './storage-words.js';

/**
 * The plan's storage cost as a Markdown section for a pull-request comment: a table of each vector
 * store that holds or will hold something (size now, after apply, what changes it), the daily cost
 * before and after, and what the estimate rests on. The empty string when there is nothing to say
 * (see storageWorthShowing), so that it can be appended to a comment as it is. Pure.
 */
export function renderCostMarkdown(plan: Pick<Plan, 'cost'>): string {
  const { cost } = plan;
  if (!storageWorthShowing(cost)) return '';
  const rows = storageRows(cost).map(
    (row) => `| ${cellCode(row.address)} | ${row.now} | ${row.after} | ${row.note} |`,
  );
  const daily = dailyCostWords(cost);
  return [
    '#### Vector-store storage (estimate)',
    '',
    '| Vector store | Now | After apply | Change |',
    '| --- | ---: | ---: | --- |',
    ...rows,
    `| **Daily cost** | ${daily.now} | ${daily.after} | ${daily.why ?? daily.change} |`,
    '',
    `Priced at ${pricesPhrase(cost)}. ${ESTIMATE_NOTE}`,
    '',
  ].join('\n');
}

/**
 * Text as code in a table cell: fenced with more backticks than it holds, and `|` escaped (GitHub
 * splits cells on it even inside code).
 */
function cellCode(raw: string): string {
  return codeSpan(raw.replaceAll('|', '\\|'));
}

import DOMPurify from 'dompurify';

/**
 * Parses a Mermaid diagram with Mermaid's own parser (the `mermaid` package), as GitHub would
 * before drawing it; rejects with Mermaid's message when it does not parse. Mermaid sanitises
 * labels with DOMPurify, which needs a browser DOM: outside one it has no `addHook` or
 * `sanitize`, so those two are stood in for (labels reach the parser as written; sanitising
 * changes no syntax).
 */
export async function parseMermaid(text: string): Promise<{ diagramType: string }> {
  const purify = DOMPurify as unknown as Record<string, unknown>;
  if (typeof purify.addHook !== 'function') purify.addHook = () => undefined;
  if (typeof purify.sanitize !== 'function') purify.sanitize = (dirty: string) => dirty;
  const { default: mermaid } = await import('mermaid');
  const result = await mermaid.parse(text);
  if (!result) throw new Error('mermaid.parse returned nothing');
  return result;
}

/** The body of every ```mermaid block of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
}

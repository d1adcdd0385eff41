import { type Document, isAlias, isCollection, isNode, isPair, type Node } from 'yaml';
import type { ErrorCode } from '../errors/index.js';

/** Nesting a manifest may have, aliases counted as what they stand for: far beyond any real one. */
export const MAX_DEPTH = 64;
/** Values that aliases may add to one document once expanded: room for defaults shared widely. */
export const MAX_ALIAS_VALUES = 10_000;

/** A problem with the shape of a YAML document, at a source range of the node to point at. */
interface ShapeProblem {
  code: ErrorCode;
  message: string;
  range: readonly [number, number];
}

/**
 * Checks what the YAML parser accepts but a manifest cannot be: an alias that refers to the value
 * holding it (the value would be infinite), aliases that expand the document beyond
 * MAX_ALIAS_VALUES values ("billion laughs"), and nesting deeper than MAX_DEPTH. Aliases resolve
 * as the yaml package resolves them (the last anchor of that name before the alias, in document
 * order). Runs in time linear in the written document, without expanding anything, and without
 * recursion, so no input can exhaust the stack; at most one problem of each kind is reported, at
 * the first place it occurs.
 */
export function checkYamlShape(doc: Document.Parsed): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  const anchors = new Map<string, Node>();
  /** Values a node stands for once aliases are expanded, and how deep it nests; set when left. */
  const measured = new Map<Node, { values: number; depth: number }>();
  /** Nodes entered but not yet left: an alias to one of them refers to a value that holds it. */
  const open = new Set<Node>();
  let aliasValues = 0;
  let cycle = false;
  let tooDeep = false;
  let bomb = false;

  type Frame = { node: Node; depth: number; children: Node[]; next: number; values: number; deepest: number };
  const stack: Frame[] = [];
  const range = (node: Node): readonly [number, number] => [node.range?.[0] ?? 0, node.range?.[1] ?? 0];

  const enter = (node: Node, depth: number, parent: Frame | undefined) => {
    if (node.anchor) anchors.set(node.anchor, node);
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      // An alias with no anchor before it is a YAML error the parser reports itself.
      if (!target) return leave(parent, 1, 1);
      if (open.has(target)) {
        if (!cycle) {
          cycle = true;
          problems.push({
            code: 'YAML_ALIAS',
            message: `alias *${node.source} refers to the value that holds it, which would make the value endless`,
            range: range(node),
          });
        }
        return leave(parent, 1, 1);
      }
      const size = measured.get(target) ?? { values: 1, depth: 1 };
      aliasValues += size.values;
      if (aliasValues > MAX_ALIAS_VALUES && !bomb) {
        bomb = true;
        problems.push({
          code: 'YAML_ALIAS',
          message: `aliases expand this document to more than ${MAX_ALIAS_VALUES.toLocaleString('en-US')} values`,
          range: range(node),
        });
      }
      checkDepth(node, depth + size.depth - 1);
      return leave(parent, size.values, size.depth);
    }
    if (!checkDepth(node, depth)) return leave(parent, 1, 1);
    const children: Node[] = [];
    if (isCollection(node))
      for (const item of node.items) {
        if (isPair(item)) {
          if (isNode(item.key)) children.push(item.key);
          if (isNode(item.value)) children.push(item.value);
        } else if (isNode(item)) children.push(item);
      }
    open.add(node);
    stack.push({ node, depth, children, next: 0, values: 1, deepest: 0 });
  };

  const checkDepth = (node: Node, depth: number): boolean => {
    if (depth <= MAX_DEPTH) return true;
    if (!tooDeep) {
      tooDeep = true;
      problems.push({
        code: 'YAML_TOO_DEEP',
        message: `values nest more than ${MAX_DEPTH} levels deep here`,
        range: range(node),
      });
    }
    return false;
  };

  const leave = (parent: Frame | undefined, values: number, depth: number) => {
    if (!parent) return;
    parent.values += values;
    parent.deepest = Math.max(parent.deepest, depth);
  };

  if (isNode(doc.contents)) enter(doc.contents, 1, undefined);
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Frame;
    const child = top.children[top.next++];
    if (child !== undefined) {
      enter(child, top.depth + 1, top);
      continue;
    }
    stack.pop();
    open.delete(top.node);
    measured.set(top.node, { values: top.values, depth: top.deepest + 1 });
    leave(stack[stack.length - 1], top.values, top.deepest + 1);
  }
  return problems;
}

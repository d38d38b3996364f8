import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../common/errors.js';
import { toErrorBody } from '../common/error.filter.js';

interface Step {
  value: unknown;
  depth: number;
  parent: Step | null;
  key: string | number | null;
}

/** `configuration.nodes[3].name`, built only when a problem is found. */
function pathOf(s: Step): string {
  const parts: string[] = [];
  for (let p: Step | null = s; p && p.key !== null; p = p.parent)
    parts.unshift(typeof p.key === 'number' ? `[${p.key}]` : `.${p.key}`);
  return parts.join('').replace(/^\./, '') || 'body';
}

/**
 * What is wrong with a parsed JSON body, or null. Two things every route would otherwise meet as
 * a 500 deep inside: nesting deeper than `maxDepth` (recursive code — JSON.stringify, pg, zod —
 * overflows the stack around 10,000 levels) and a NUL character, which Postgres text and jsonb
 * cannot hold. Walks with an explicit stack, so the check itself cannot overflow.
 */
export function jsonBodyProblem(body: unknown, maxDepth: number, where: 'Request body field' | 'Query parameter' = 'Request body field'): string | null {
  const stack: Step[] = [{ value: body, depth: 0, parent: null, key: null }];
  while (stack.length) {
    const s = stack.pop()!;
    const v = s.value;
    if (typeof v === 'string') {
      if (v.includes('\u0000'))
        return `${where} '${pathOf(s)}' contains a NUL character (\\u0000), which cannot be stored; remove it`;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (s.depth >= maxDepth)
      return `Request body is nested too deeply at '${pathOf(s)}': at most ${maxDepth} levels of objects and arrays (HTTP_MAX_JSON_DEPTH)`;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth: s.depth + 1, parent: s, key: i });
      continue;
    }
    for (const [k, child] of Object.entries(v)) {
      const step: Step = { value: child, depth: s.depth + 1, parent: s, key: k };
      if (k.includes('\u0000'))
        return `Request body key '${pathOf(step).replaceAll('\u0000', '\\u0000')}' contains a NUL character (\\u0000), which cannot be stored; remove it`;
      stack.push(step);
    }
  }
  return null;
}

/** Express middleware after the JSON body parser: a problem in the body or the query string is a 400 with the sentence. */
export function jsonBodyGuard(maxDepth: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const body: unknown = req.body;
    const problem =
      (body !== null && typeof body === 'object' ? jsonBodyProblem(body, maxDepth) : null) ??
      (req.url.includes('%00') ? jsonBodyProblem(req.query, maxDepth, 'Query parameter') : null);
    if (!problem) return next();
    res.status(400).json(toErrorBody(AppError.badRequest(problem)));
  };
}

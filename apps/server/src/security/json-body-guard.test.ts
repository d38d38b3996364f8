import { jsonBodyProblem } from './json-body-guard.js';

const nest = (levels: number): unknown => (levels === 0 ? 1 : { a: nest(levels - 1) });

describe('jsonBodyProblem', () => {
  it('accepts a body exactly at the depth limit and refuses one level more, naming where', () => {
    expect(jsonBodyProblem(nest(3), 3)).toBeNull();
    expect(jsonBodyProblem(nest(4), 3)).toBe(
      "Request body is nested too deeply at 'a.a.a': at most 3 levels of objects and arrays (HTTP_MAX_JSON_DEPTH)",
    );
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonBodyProblem(deep, 100)).toMatch(/^Request body is nested too deeply at '\[0\]\[0\]/);
  });

  it('names the field or key that holds a NUL character', () => {
    expect(jsonBodyProblem({ nodes: [{ name: 'ok' }, { name: 'a\u0000b' }] }, 10)).toBe(
      "Request body field 'nodes[1].name' contains a NUL character (\\u0000), which cannot be stored; remove it",
    );
    expect(jsonBodyProblem({ metadata: { 'k\u0000': 'v' } }, 10)).toBe(
      "Request body key 'metadata.k\\u0000' contains a NUL character (\\u0000), which cannot be stored; remove it",
    );
    expect(jsonBodyProblem({ name: 'SN-001', values: [1, 'two', null, true] }, 10)).toBeNull();
  });
});

import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SchemaForm } from './SchemaForm';

describe('SchemaForm', () => {
  it("does not show a node configuration's format version as a field", () => {
    render(
      <SchemaForm
        schema={{ type: 'object', properties: { version: { type: 'number' }, name: { type: 'string' } } }}
        value={{ version: 0, name: 'x' }}
        onChange={() => undefined}
        errors={{}}
        nodeType="org.thingsboard.rule.engine.filter.TbMsgTypeSwitchNode"
      />,
    );
    expect(screen.queryByLabelText(/Version/)).toBeNull();
    expect(screen.getByLabelText(/Name/)).toBeTruthy();
  });
});

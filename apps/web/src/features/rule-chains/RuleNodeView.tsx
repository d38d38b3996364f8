import { Box, Tooltip, Typography } from '@mui/material';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { MouseEvent } from 'react';
import { BugIcon } from '../../ui/icons';

export type RuleNodeData = {
  name: string;
  typeName: string;
  category: string;
  debugMode: boolean;
  onToggleDebug(): void;
};
export type RuleFlowNode = Node<RuleNodeData, 'rule'>;
export type InputFlowNode = Node<Record<string, never>, 'chainInput'>;

const COLORS: Record<string, string> = {
  FILTER: '#f1e861',
  ENRICHMENT: '#cdf14e',
  TRANSFORMATION: '#79cef1',
  ACTION: '#f1928f',
  EXTERNAL: '#fbc766',
  FLOW: '#d6c4f1',
};
export const categoryColor = (c: string) => COLORS[c] ?? '#e0e0e0';

/** A rule node on the canvas: category colour, name, type; the bug toggles its debug mode. */
export function RuleNodeView({ data, selected }: NodeProps<RuleFlowNode>) {
  return (
    <Box
      data-testid="rule-node"
      data-name={data.name}
      sx={{
        minWidth: 160,
        maxWidth: 220,
        px: 1.5,
        py: 1,
        borderRadius: 1.5,
        bgcolor: categoryColor(data.category),
        border: 2,
        borderColor: selected ? '#305680' : 'rgba(0,0,0,0.2)',
        boxShadow: selected ? 3 : 1,
        position: 'relative',
      }}
    >
      <Handle type="target" position={Position.Left} style={{ width: 10, height: 10 }} />
      <Typography variant="caption" sx={{ display: 'block', color: 'rgba(0,0,0,0.6)', lineHeight: 1.2 }}>
        {data.typeName}
      </Typography>
      <Typography variant="body2" sx={{ fontWeight: 600, lineHeight: 1.3, pr: 2.5, wordBreak: 'break-word' }}>
        {data.name}
      </Typography>
      <Tooltip
        title={data.debugMode ? 'Debug mode on: click to turn off' : 'Debug mode off: click to turn on'}
      >
        <Box
          component="button"
          type="button"
          className="nodrag"
          aria-label={`Debug mode of ${data.name}`}
          aria-pressed={data.debugMode}
          data-testid="node-debug-toggle"
          onClick={(e: MouseEvent) => {
            e.stopPropagation();
            data.onToggleDebug();
          }}
          onDoubleClick={(e: MouseEvent) => e.stopPropagation()}
          sx={{
            position: 'absolute',
            top: 4,
            right: 4,
            border: 0,
            background: 'none',
            cursor: 'pointer',
            fontSize: 14,
            p: 0,
            opacity: data.debugMode ? 1 : 0.3,
            filter: data.debugMode ? 'none' : 'grayscale(1)',
          }}
        >
          <BugIcon sx={{ fontSize: 16, color: data.debugMode ? '#b3261e' : 'rgba(0,0,0,0.45)' }} />
        </Box>
      </Tooltip>
      <Handle type="source" position={Position.Right} style={{ width: 10, height: 10 }} />
    </Box>
  );
}

/** Where messages enter the chain; its connection marks the first node. */
export function InputNodeView() {
  return (
    <Box
      data-testid="input-node"
      sx={{ px: 2, py: 1, borderRadius: 1.5, bgcolor: '#a3eaa9', border: 2, borderColor: 'rgba(0,0,0,0.2)' }}
    >
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        Input
      </Typography>
      <Handle type="source" position={Position.Right} style={{ width: 10, height: 10 }} />
    </Box>
  );
}

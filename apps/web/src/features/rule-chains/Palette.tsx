import { Box, List, ListItemButton, ListItemText, ListSubheader, TextField, Typography } from '@mui/material';
import { useState, type DragEvent } from 'react';
import type { RuleNodeTypeInfo } from '@bridgeboard/contracts';
import { categoryColor } from './RuleNodeView';
import { titleCase } from './ruleChains.api';

export const DRAG_MIME = 'application/x-bridgeboard-rule-node';
const ORDER = ['FILTER', 'ENRICHMENT', 'TRANSFORMATION', 'ACTION', 'EXTERNAL', 'FLOW'];

/** Node types from GET /api/components by category: drag one onto the canvas (or click/Enter to add it in the middle). */
export function Palette({
  components,
  onAdd,
}: {
  components: RuleNodeTypeInfo[];
  onAdd(c: RuleNodeTypeInfo): void;
}) {
  const [filter, setFilter] = useState('');
  const f = filter.toLowerCase();
  const shown = components.filter(
    (c) => !f || c.name.toLowerCase().includes(f) || c.description.toLowerCase().includes(f),
  );
  const categories = [...new Set(shown.map((c) => c.category))].sort(
    (a, b) => ORDER.indexOf(a) - ORDER.indexOf(b),
  );
  return (
    <Box
      sx={{
        width: 230,
        borderRight: 1,
        borderColor: 'divider',
        display: 'flex',
        flexDirection: 'column',
        minHeight: 0,
        bgcolor: 'background.paper',
      }}
    >
      <Box sx={{ p: 1 }}>
        <TextField
          fullWidth
          label="Search nodes"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          type="search"
        />
      </Box>
      <List dense sx={{ overflow: 'auto', flex: 1, py: 0 }} aria-label="Rule node palette">
        {categories.map((cat) => (
          <li key={cat}>
            <ul style={{ padding: 0 }}>
              <ListSubheader sx={{ lineHeight: '28px', textTransform: 'capitalize' }}>
                {cat.toLowerCase()}
              </ListSubheader>
              {shown
                .filter((c) => c.category === cat)
                .map((c) => (
                  <ListItemButton
                    key={c.type}
                    draggable
                    onDragStart={(e: DragEvent) => {
                      e.dataTransfer.setData(DRAG_MIME, c.type);
                      e.dataTransfer.effectAllowed = 'move';
                    }}
                    onClick={() => onAdd(c)}
                    data-testid="palette-node"
                    data-type={c.type}
                    aria-label={titleCase(c.name)}
                    title={c.description}
                    sx={{
                      borderLeft: 6,
                      borderColor: categoryColor(c.category),
                      mx: 1,
                      mb: 0.5,
                      borderRadius: 1,
                      cursor: 'grab',
                    }}
                  >
                    <ListItemText primary={titleCase(c.name)} />
                  </ListItemButton>
                ))}
            </ul>
          </li>
        ))}
        {!shown.length && (
          <Typography color="text.secondary" sx={{ p: 2 }}>
            No node matches.
          </Typography>
        )}
      </List>
    </Box>
  );
}

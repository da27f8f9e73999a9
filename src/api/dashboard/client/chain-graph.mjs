import cytoscape from 'cytoscape';

// Chains drawn with cytoscape.js: one lane (a compound box) per source system, stacked top to
// bottom, and one column per hop position, so automation → … → identity reads left to right and
// a chain crossing from ServiceNow to Entra ID visibly changes lane. Positions are computed here
// (preset layout): chains are short and the lanes are the point, not a force layout.

const COLUMN = 190;
const ROW = 62;
const LANE_GAP = 48;

const TYPE_COLOURS = {
  automation: '#2f6fb0',
  connection: '#7a5bb5',
  credential: '#b5651d',
  identity: '#1d7f5f',
  human_identity: '#6b7280',
};

/** Nodes and edges of the chains, each node at its column (first hop position seen) in its lane. */
export function chainElements(chains) {
  const nodes = new Map();
  const edges = new Map();
  for (const chain of chains) {
    for (const hop of chain.hops) {
      for (const [node, column] of [
        [hop.from, hop.position],
        [hop.to, hop.position + 1],
      ]) {
        const seen = nodes.get(node.id);
        if (!seen) nodes.set(node.id, { node, column });
        else seen.column = Math.min(seen.column, column);
      }
      if (!edges.has(hop.edge.id)) edges.set(hop.edge.id, { hop });
    }
  }
  // Lanes in order of first appearance (automations' systems first), rows within each column.
  const lanes = [];
  for (const { node } of nodes.values()) if (!lanes.includes(node.sourceSystem)) lanes.push(node.sourceSystem);
  const rows = new Map(); // lane → column → rows used
  const laneRows = new Map(lanes.map((l) => [l, 1]));
  const placed = [...nodes.values()].map((entry) => {
    const key = `${entry.node.sourceSystem}\u0000${entry.column}`;
    const row = rows.get(key) ?? 0;
    rows.set(key, row + 1);
    laneRows.set(entry.node.sourceSystem, Math.max(laneRows.get(entry.node.sourceSystem), row + 1));
    return { ...entry, row };
  });
  const laneTop = new Map();
  let top = 0;
  for (const lane of lanes) {
    laneTop.set(lane, top);
    top += laneRows.get(lane) * ROW + LANE_GAP;
  }
  // Two invisible spacers per lane stretch every lane over all columns, so lanes read as rows.
  const lastColumn = Math.max(0, ...placed.map((p) => p.column));
  const spacers = lanes.flatMap((lane) =>
    [0, lastColumn].map((column, i) => ({
      group: 'nodes',
      data: { id: `spacer:${lane}:${i}`, parent: `lane:${lane}`, spacer: true },
      position: { x: column * COLUMN, y: laneTop.get(lane) },
      classes: 'spacer',
      selectable: false,
    })),
  );
  return [
    ...lanes.map((lane) => ({ group: 'nodes', data: { id: `lane:${lane}`, label: lane.replace('_', ' '), lane: true }, classes: 'lane', selectable: false })),
    ...spacers,
    ...placed.map(({ node, column, row }) => ({
      group: 'nodes',
      data: { id: node.id, parent: `lane:${node.sourceSystem}`, label: node.displayName, nodeType: node.nodeType, colour: TYPE_COLOURS[node.nodeType] ?? '#555' },
      position: { x: column * COLUMN, y: laneTop.get(node.sourceSystem) + row * ROW },
    })),
    ...[...edges.values()].map(({ hop }) => ({
      group: 'edges',
      data: { id: hop.edge.id, source: hop.edge.sourceNodeId, target: hop.edge.targetNodeId, label: hop.edge.edgeType },
    })),
  ];
}

export function drawChains(container, chains, onSelect) {
  const cy = cytoscape({
    container,
    elements: chainElements(chains),
    layout: { name: 'preset', padding: 24 },
    boxSelectionEnabled: false,
    autoungrabify: true,
    style: [
      {
        selector: 'node',
        style: {
          label: 'data(label)',
          'background-color': 'data(colour)',
          color: '#111',
          'font-size': 11,
          'text-valign': 'bottom',
          'text-margin-y': 4,
          'text-wrap': 'ellipsis',
          'text-max-width': 160,
          width: 22,
          height: 22,
        },
      },
      {
        selector: 'node.lane',
        style: {
          'background-color': '#f1f4f8',
          'background-opacity': 1,
          'border-color': '#c9d2de',
          'border-width': 1,
          shape: 'round-rectangle',
          label: 'data(label)',
          'text-valign': 'top',
          'text-halign': 'left',
          'text-rotation': 0,
          'font-size': 12,
          'font-weight': 'bold',
          color: '#3b4a5e',
          padding: 18,
        },
      },
      {
        selector: 'edge',
        style: {
          width: 2,
          'line-color': '#8a97a8',
          'target-arrow-color': '#8a97a8',
          'target-arrow-shape': 'triangle',
          'curve-style': 'bezier',
          label: 'data(label)',
          'font-size': 9,
          color: '#4b5563',
          'text-background-color': '#fff',
          'text-background-opacity': 0.85,
          'text-rotation': 'autorotate',
        },
      },
      { selector: 'node.spacer', style: { opacity: 0, width: 1, height: 1, label: '', events: 'no' } },
      { selector: ':selected', style: { 'border-width': 4, 'border-color': '#f59e0b', 'line-color': '#f59e0b', 'target-arrow-color': '#f59e0b' } },
      { selector: '.highlight', style: { 'border-width': 3, 'border-color': '#dc2626', 'line-color': '#dc2626', 'target-arrow-color': '#dc2626' } },
    ],
  });
  cy.on('tap', 'node[!lane][!spacer], edge', (event) => onSelect(event.target.id(), event.target.isEdge() ? 'edge' : 'node'));
  return cy;
}

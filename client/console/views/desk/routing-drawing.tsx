/**
 * @module A routing drawn as SVG (SPEC DK-15 … DK-17): nodes in layers left to right (top to bottom
 * on a phone), laid out by dagre, which is loaded with import() on first use so that only this
 * page's chunk carries it. Operation boxes with their work center, split/join bars, decision
 * diamonds; rework edges dashed in their own colour, conditional edges labelled with their rule,
 * edges out of a split and into a join forked off their bar. Nodes a problem names have a red
 * outline and a marker; the picked problem's nodes stand out and are scrolled to. The SVG keeps its
 * natural size and its box scrolls sideways; the same graph follows as a list for screen readers.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useConsoleText } from '../../i18n/language';
import type {
  Dagre,
  Direction,
  DrawGraph,
  Layout,
  PlacedEdge,
  PlacedNode,
} from '../../models/routing-drawing';
import {
  BAR_LABEL,
  BAR_WIDTH,
  FONT,
  diamond,
  edgeLabel,
  layoutInput,
  runLayout,
  shortLabel,
} from '../../models/routing-drawing';

/** Below this width the layers run top to bottom. */
const PHONE_QUERY = '(max-width: 600px)';

function useDirection(): Direction {
  const query = typeof matchMedia === 'undefined' ? null : matchMedia(PHONE_QUERY);
  const [phone, setPhone] = useState(query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const changed = () => setPhone(query.matches);
    query.addEventListener('change', changed);
    return () => query.removeEventListener('change', changed);
  }, []);
  return phone ? 'TB' : 'LR';
}

/** dagre, loaded once, the first time a routing is drawn. */
let dagreModule: Promise<Dagre> | null = null;
const loadDagre = () => (dagreModule ??= import('@dagrejs/dagre').then((m) => m.default));

function useLayout(graph: DrawGraph, direction: Direction, marked: ReadonlySet<string>): Layout | null {
  const [layout, setLayout] = useState<Layout | null>(null);
  const markedKey = [...marked].join('\n');
  useEffect(() => {
    let live = true;
    setLayout(null);
    void loadDagre().then((dagre) => {
      // A frame first, so that "Drawing…" shows before the synchronous layout.
      setTimeout(() => {
        if (live) setLayout(runLayout(dagre, layoutInput(graph, { direction, marked })));
      }, 0);
    });
    return () => {
      live = false;
    };
  }, [graph, direction, markedKey]);
  return layout;
}

function NodeShape(props: { node: PlacedNode; marked: boolean; focused: boolean; direction: Direction }) {
  const { t } = useConsoleText();
  const { node: n, marked, focused, direction } = props;
  const [left, top] = [n.x - n.width / 2, n.y - n.height / 2];
  const classes = `rd-node rd-${n.type}${marked ? ' rd-marked' : ''}${focused ? ' rd-focused' : ''}`;
  let shape;
  let labels;
  if (n.type === 'operation') {
    shape = <rect x={left} y={top} width={n.width} height={n.height} rx={6} />;
    labels = (
      <>
        <text x={n.x} y={top + 20} class="rd-code" font-size={FONT.code}>
          {n.code}
        </text>
        {n.name !== n.code && (
          <text x={n.x} y={top + 38} font-size={FONT.small}>
            {shortLabel(n.name)}
          </text>
        )}
        <text x={n.x} y={top + 56} font-size={FONT.small} class="rd-wc">
          {n.workCenter ?? ''}
        </text>
      </>
    );
  } else if (n.type === 'decision') {
    shape = <polygon points={diamond(n)} />;
    labels = (
      <text x={n.x} y={n.y + 5} class="rd-code" font-size={FONT.code}>
        {n.code}
      </text>
    );
  } else {
    // A bar across the flow; its code below it.
    const bar =
      direction === 'LR'
        ? { x: n.x - BAR_WIDTH / 2, y: top, width: BAR_WIDTH, height: n.height - BAR_LABEL }
        : { x: left, y: top, width: n.width, height: BAR_WIDTH };
    shape = (
      <>
        <rect x={left} y={top} width={n.width} height={n.height} class="rd-hit" />
        <rect {...bar} rx={3} class="rd-bar" />
      </>
    );
    labels = (
      <text x={n.x} y={top + n.height - 6} class="rd-code" font-size={FONT.code}>
        {n.code}
      </text>
    );
  }
  return (
    <g class={classes} data-node={n.code} data-marked={marked ? 'true' : undefined}>
      <title>{`${n.code} (${t.routings.nodeTypes[n.type]}): ${n.name}`}</title>
      {shape}
      {labels}
      {marked && (
        <g class="rd-marker" data-marker={n.code}>
          <circle cx={left + n.width - 2} cy={top + 2} r={11} />
          <text x={left + n.width - 2} y={top + 7} font-size={FONT.code}>
            !
          </text>
        </g>
      )}
    </g>
  );
}

function EdgeShape(props: { edge: PlacedEdge }) {
  const { t } = useConsoleText();
  const e = props.edge;
  const label = edgeLabel(e);
  const text = label === '*' ? t.routings.defaultEdge : label;
  const kind = e.fork ? 'fork' : e.type;
  return (
    <g class={`rd-edge rd-edge-${e.type}${e.fork ? ' rd-edge-fork' : ''}`} data-edge={`${e.from}->${e.to}`}>
      <path d={e.path} marker-end={`url(#rd-arrow-${kind})`} />
      {text !== null && e.labelAt && (
        <g class="rd-edge-label">
          <rect
            x={e.labelAt.x - (text.length * FONT.small * 0.6 + 12) / 2}
            y={e.labelAt.y - 10}
            width={text.length * FONT.small * 0.6 + 12}
            height={20}
            rx={4}
          />
          <text x={e.labelAt.x} y={e.labelAt.y + 4} font-size={FONT.small}>
            {text}
          </text>
        </g>
      )}
    </g>
  );
}

const ARROWS = ['normal', 'rework', 'conditional', 'fork'] as const;

function Legend() {
  const { t } = useConsoleText();
  const r = t.routings;
  const line = (kind: string, dashed: boolean) => (
    <svg width="40" height="14" aria-hidden="true" class={`rd-edge rd-edge-${kind}`}>
      <path d="M2,7 L38,7" stroke-dasharray={dashed ? '6 4' : undefined} />
    </svg>
  );
  return (
    <ul class="rd-legend" aria-label={r.legend}>
      <li>
        {line('normal', false)} {r.edgeTypes.normal}
      </li>
      <li>
        {line('rework', true)} {r.edgeTypes.rework}
      </li>
      <li>
        {line('conditional', false)} {r.edgeTypes.conditional}
      </li>
      <li>
        {line('fork', false)} {r.forkEdge}
      </li>
      <li>
        <span class="rd-legend-marked" aria-hidden="true">
          !
        </span>{' '}
        {r.problemNode}
      </li>
    </ul>
  );
}

function TextAlternative(props: { graph: DrawGraph; marked: ReadonlySet<string> }) {
  const { t } = useConsoleText();
  const r = t.routings;
  // Thousands of lines are built only when someone opens the list.
  const [open, setOpen] = useState(false);
  return (
    <details class="rd-text" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{r.textAlternative}</summary>
      {open && <GraphLists graph={props.graph} marked={props.marked} />}
    </details>
  );
}

function GraphLists(props: { graph: DrawGraph; marked: ReadonlySet<string> }) {
  const { t } = useConsoleText();
  const r = t.routings;
  return (
    <>
      <h4>{r.nodes}</h4>
      <ul>
        {props.graph.nodes.map((n) => (
          <li key={n.code} data-node-line={n.code}>
            {r.nodeLine({ code: n.code, type: r.nodeTypes[n.type], name: n.name, workCenter: n.workCenter })}
            {props.marked.has(n.code) && <strong class="rd-text-problem"> ({r.problemMarker})</strong>}
          </li>
        ))}
      </ul>
      <h4>{r.edges}</h4>
      <ul>
        {props.graph.edges.map((e, i) => (
          <li key={i}>
            {r.edgeLine({
              from: e.from,
              to: e.to,
              type: r.edgeTypes[e.type],
              rule: e.isDefault ? r.defaultEdge : e.rule,
            })}
          </li>
        ))}
      </ul>
    </>
  );
}

export function RoutingDrawing(props: {
  graph: DrawGraph;
  marked: ReadonlySet<string>;
  focused: ReadonlySet<string>;
}) {
  const { t } = useConsoleText();
  const direction = useDirection();
  const layout = useLayout(props.graph, direction, props.marked);
  const box = useRef<HTMLDivElement>(null);
  const focusKey = [...props.focused].join('\n');
  useLayoutEffect(() => {
    const first = [...props.focused][0];
    if (!layout || first === undefined) return;
    const node = [...(box.current?.querySelectorAll('[data-node]') ?? [])].find(
      (el) => el.getAttribute('data-node') === first,
    );
    node?.scrollIntoView?.({ block: 'nearest', inline: 'center' });
  }, [layout, focusKey]);
  return (
    <div class="rd">
      <Legend />
      {layout === null ? (
        <p role="status">{t.routings.laying}</p>
      ) : (
        <>
          {layout.omitted > 0 && (
            <p class="rd-omitted" role="status">
              {t.routings.omitted({ n: layout.omitted, total: layout.omitted + layout.nodes.length })}
            </p>
          )}
          <div class="rd-canvas" ref={box} tabIndex={0} aria-label={t.routings.drawingHeading}>
            <svg
              role="img"
              aria-label={t.routings.drawingLabel({
                nodes: props.graph.nodes.length,
                edges: props.graph.edges.length,
              })}
              width={Math.ceil(layout.width)}
              height={Math.ceil(layout.height)}
              viewBox={`${layout.minX} ${layout.minY} ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`}
              data-direction={layout.direction}
            >
              <defs>
                {ARROWS.map((kind) => (
                  <marker
                    key={kind}
                    id={`rd-arrow-${kind}`}
                    class={`rd-arrow rd-arrow-${kind}`}
                    viewBox="0 0 10 10"
                    refX="9"
                    refY="5"
                    markerWidth="7"
                    markerHeight="7"
                    orient="auto-start-reverse"
                  >
                    <path d="M0,0 L10,5 L0,10 z" />
                  </marker>
                ))}
              </defs>
              {layout.edges.map((e, i) => (
                <EdgeShape key={i} edge={e} />
              ))}
              {layout.nodes.map((n) => (
                <NodeShape
                  key={n.code}
                  node={n}
                  marked={props.marked.has(n.code)}
                  focused={props.focused.has(n.code)}
                  direction={layout.direction}
                />
              ))}
            </svg>
          </div>
        </>
      )}
      <TextAlternative graph={props.graph} marked={props.marked} />
    </div>
  );
}
